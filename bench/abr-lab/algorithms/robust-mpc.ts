/**
 * RobustMPC (Yin et al. SIGCOMM'15) as in Pensieve's `test/mpc.py`:
 * harmonic mean of the last 5 chunk throughputs (bytes / delay incl. RTT),
 * divided by 1 + the max relative error of the last 5 predictions, then an
 * exhaustive search over 5-chunk plans of bitrate − 4.3·rebuffer − |switch|.
 *
 * `published` reproduces the code as released, quirks included (needed to land
 * on the reference numbers):
 * - chunk sizes are looked up one index too far (`last_index + position + 1`);
 * - among equal rewards the LAST plan in enumeration order wins (`>=`);
 * - the error history (`past_errors`, `past_bandwidth_ests`) is module-global
 *   and carries over from one trace to the next.
 * `corrected` fixes the look-up only (the stronger baseline, ~0.93 on HSDPA).
 */

import type { Video } from '../pensieve-env.ts';
import type { LabAlgorithm, Observation } from './lab-algorithm.ts';

export interface RobustMpcOptions {
  name: string;
  horizon: number;
  /** Pensieve quirk: plan chunk n with the sizes of chunk n+1... */
  lookupOffByOne: boolean;
  /** Pensieve quirk: ties go to the last plan enumerated. */
  tieKeepsLast: boolean;
  /** Pensieve quirk: error history is not reset between traces. */
  carryOverErrors: boolean;
  /** false = fastMPC (no error discount). */
  robust: boolean;
  rebufferPenalty: number;
}

export const PUBLISHED_ROBUST_MPC: RobustMpcOptions = {
  name: 'robustmpc',
  horizon: 5,
  lookupOffByOne: true,
  tieKeepsLast: true,
  carryOverErrors: true,
  robust: true,
  rebufferPenalty: 4.3,
};

export const CORRECTED_ROBUST_MPC: RobustMpcOptions = {
  ...PUBLISHED_ROBUST_MPC,
  name: 'robustmpc-fixed',
  lookupOffByOne: false,
};

export class RobustMpc implements LabAlgorithm {
  readonly name: string;
  readonly carriesStateAcrossSessions: boolean;
  private video!: Video;
  /** Last 5 throughputs of this session, MB/s (kB/ms), oldest first. */
  private bandwidths: number[] = [];
  private pastErrors: number[] = [];
  private pastEsts: number[] = [];
  private combos: Int8Array = new Int8Array(0);
  private comboRungs = -1;

  constructor(private readonly opt: RobustMpcOptions = PUBLISHED_ROBUST_MPC) {
    this.name = opt.name;
    this.carriesStateAcrossSessions = opt.carryOverErrors;
  }

  startSession(video: Video): void {
    this.video = video;
    this.bandwidths = [];
    if (!this.opt.carryOverErrors) {
      this.pastErrors = [];
      this.pastEsts = [];
    }
    const n = video.bitratesKbps.length;
    if (n !== this.comboRungs) {
      // itertools.product(range(n), repeat=horizon), in its order.
      const h = this.opt.horizon;
      const count = n ** h;
      this.combos = new Int8Array(count * h);
      for (let c = 0; c < count; c++) {
        let x = c;
        for (let p = h - 1; p >= 0; p--) {
          this.combos[c * h + p] = x % n;
          x = Math.floor(x / n);
        }
      }
      this.comboRungs = n;
    }
  }

  private chunkSize(q: number, index: number): number {
    // get_chunk_size: 0 outside [0, 48] (49 sizes per rung in the reference video).
    const sizes = this.video.chunkBytes[q] as number[];
    if (index < 0 || index >= sizes.length) return 0;
    return sizes[index] as number;
  }

  next(obs: Observation): number {
    const o = this.opt;
    const measured = obs.chunkBytes / obs.delayMs / 1000; // kB/ms = MB/s
    this.bandwidths.push(measured);
    if (this.bandwidths.length > 5) this.bandwidths.shift();

    let currError = 0;
    if (this.pastEsts.length > 0) {
      currError = Math.abs((this.pastEsts[this.pastEsts.length - 1] as number) - measured) / measured;
    }
    this.pastErrors.push(currError);

    let bandwidthSum = 0;
    for (const b of this.bandwidths) bandwidthSum += 1 / b;
    const harmonic = 1.0 / (bandwidthSum / this.bandwidths.length);
    const errs = this.pastErrors.slice(-5);
    let maxError = 0;
    for (const e of errs) if (e > maxError) maxError = e;
    const futureBandwidth = o.robust ? harmonic / (1 + maxError) : harmonic;
    this.pastEsts.push(harmonic);
    // Keep memory bounded; only the last few entries are ever read.
    if (this.pastErrors.length > 64) this.pastErrors.splice(0, 32);
    if (this.pastEsts.length > 64) this.pastEsts.splice(0, 32);

    const total = this.video.totalChunks;
    const lastIndex = total - obs.chunksRemaining;
    let futureLen = o.horizon;
    if (total - lastIndex < o.horizon) futureLen = total - lastIndex;
    if (futureLen <= 0) return 0; // end of video: the answer is unused

    const bitrates = this.video.bitratesKbps;
    const chunkSec = this.video.chunkDurationSec;
    const h = o.horizon;
    const offset = o.lookupOffByOne ? 1 : 0;
    const nCombos = this.combos.length / h;
    // Download time of each (position, rung) for this decision.
    const n = bitrates.length;
    const dl = new Float64Array(futureLen * n);
    for (let p = 0; p < futureLen; p++) {
      for (let q = 0; q < n; q++) dl[p * n + q] = this.chunkSize(q, lastIndex + p + offset) / 1000000 / futureBandwidth;
    }

    let maxReward = -100000000;
    let best = -1;
    for (let c = 0; c < nCombos; c++) {
      // combo = full_combo[0:futureLen]; with futureLen < h many combos repeat, as in the Python.
      let rebuf = 0;
      let buffer = obs.bufferSec;
      let bitrateSum = 0;
      let smooth = 0;
      let last = obs.rung;
      for (let p = 0; p < futureLen; p++) {
        const q = this.combos[c * h + p] as number;
        const t = dl[p * n + q] as number;
        if (buffer < t) {
          rebuf += t - buffer;
          buffer = 0;
        } else {
          buffer -= t;
        }
        buffer += chunkSec;
        bitrateSum += bitrates[q] as number;
        smooth += Math.abs((bitrates[q] as number) - (bitrates[last] as number));
        last = q;
      }
      const reward = bitrateSum / 1000 - o.rebufferPenalty * rebuf - smooth / 1000;
      if (o.tieKeepsLast ? reward >= maxReward : reward > maxReward) {
        maxReward = reward;
        best = c;
      }
    }
    return best >= 0 ? (this.combos[best * h] as number) : 0;
  }
}
