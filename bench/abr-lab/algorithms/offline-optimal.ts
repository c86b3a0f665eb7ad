/**
 * `optimal`: plays the offline optimum's schedule (`offline-optimum.ts`), computed from the whole trace
 * before the session. Not an ABR algorithm (no player knows its link's future): the ceiling the others
 * are measured against. Opt-in (`--algo optimal`), because the search costs ~1 s per trace; the lab spreads
 * the sessions over all cores (lab-pool.ts), so the searches run in parallel.
 */

import { offlineOptimum, type OptimumOptions } from '../offline-optimum.ts';
import type { Trace, Video } from '../pensieve-env.ts';
import type { LabAlgorithm, Observation } from './lab-algorithm.ts';

export class OfflineOptimal implements LabAlgorithm {
  readonly name = 'optimal';
  private schedule: readonly number[] = [];
  /** A schedule was computed for the session about to start (each session needs its own). */
  private shown = false;

  constructor(private readonly options: Partial<OptimumOptions> = {}) {}

  seeWholeTrace(trace: Trace, video: Video): void {
    this.schedule = offlineOptimum(trace, video, this.options).rungs;
    this.shown = true;
  }

  startSession(): void {
    if (!this.shown) throw new Error('optimal: the lab must show it the whole trace first (seeWholeTrace)');
    this.shown = false;
  }

  next(obs: Observation): number {
    // chunkCounter chunks are in; the answer is the rung of the next one.
    return this.schedule[obs.chunkCounter] ?? 0;
  }
}
