/**
 * `optimal`: plays the offline optimum's schedule (`offline-optimum.ts`), computed from the whole trace
 * before the session. Not an ABR algorithm (no player knows its link's future): the ceiling the others
 * are measured against. Opt-in (`--algo optimal`), because the search costs ~1 s per trace.
 */

import { offlineOptimum, type OptimumOptions } from '../offline-optimum.ts';
import type { Trace, Video } from '../pensieve-env.ts';
import type { LabAlgorithm, Observation } from './lab-algorithm.ts';

export class OfflineOptimal implements LabAlgorithm {
  readonly name = 'optimal';
  private schedule: number[] = [];
  private planned: Trace | null = null;

  constructor(private readonly options: Partial<OptimumOptions> = {}) {}

  seeWholeTrace(trace: Trace, video: Video): void {
    this.schedule = offlineOptimum(trace, video, this.options).rungs;
    this.planned = trace;
  }

  startSession(): void {
    if (!this.planned) throw new Error('optimal: the lab must show it the whole trace first (seeWholeTrace)');
    this.planned = null;
  }

  next(obs: Observation): number {
    // chunkCounter chunks are in; the answer is the rung of the next one.
    return this.schedule[obs.chunkCounter] ?? 0;
  }
}
