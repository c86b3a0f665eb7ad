/**
 * Buffer-based ABR (Huang et al. SIGCOMM'14), exactly as Pensieve's
 * `test/bb.py`: lowest rung below the 5 s reservoir, top rung above
 * reservoir + 10 s cushion, linear in between (truncated to an index).
 */

import type { Video } from '../pensieve-env.ts';
import type { LabAlgorithm, Observation } from './lab-algorithm.ts';

export class Bba implements LabAlgorithm {
  readonly name = 'bba';
  private rungs = 0;

  constructor(
    private readonly reservoirSec = 5,
    private readonly cushionSec = 10,
  ) {}

  startSession(video: Video): void {
    this.rungs = video.bitratesKbps.length;
  }

  next(obs: Observation): number {
    const top = this.rungs - 1;
    let q: number;
    if (obs.bufferSec < this.reservoirSec) q = 0;
    else if (obs.bufferSec >= this.reservoirSec + this.cushionSec) q = top;
    else q = (top * (obs.bufferSec - this.reservoirSec)) / this.cushionSec;
    return Math.trunc(q);
  }
}
