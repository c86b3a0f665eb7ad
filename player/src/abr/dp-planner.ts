/**
 * Stochastic dynamic programming over the buffer: the closed-loop counterpart
 * of the lookahead planner (lookahead-planner.ts).
 *
 * Throughput model: a small set of equally likely levels (the recent segment
 * throughputs) with persistence: the next segment keeps the current level
 * with probability `persistence`, otherwise draws a level afresh. Mobile links
 * are like that: a drop tends to last, and so does a recovery. The value of
 * (buffer, previous rung, current level) is computed backwards on a buffer
 * grid, so the plan knows it can react later (an open-loop plan must be safe
 * for the whole horizon, which makes it timid) and values buffer for what it
 * buys in the following segments, up to the end of the video when that is near.
 * Score as in the lab: utility − rebufferPenalty·stall − switchPenalty·|Δutility|.
 * Cost: horizon × grid × rungs² × levels, a few ms per segment.
 */

export interface DpInput {
  /** Estimated size of a segment of each rung, bits. */
  segmentBits: readonly number[];
  utility: readonly number[];
  /** Throughput levels, bits/s, oldest first; the last one is the current level. */
  scenarios: readonly number[];
  /** Probability that a segment sees the same level as the previous one (0 = independent draws). */
  persistence: number;
  latencySec: number;
  segmentDurationSec: number;
  bufferSec: number;
  maxBufferSec: number;
  lastRung: number;
  maxRung: number;
  /** Segments to plan (e.g. min(left in the video, a cap)). */
  horizon: number;
  rebufferPenalty: number;
  switchPenalty: number;
  /** Value per second of buffer at the end of the horizon, up to terminalBufferCapSec (0 when the horizon is the end). */
  terminalBufferValue: number;
  terminalBufferCapSec: number;
  /** Buffer grid step, s. */
  gridStepSec: number;
}

export interface DpResult {
  rung: number;
  /** Expected score of each first rung (for diagnostics). */
  values: number[];
}

export function planWithDp(p: DpInput): DpResult {
  const n = Math.min(p.segmentBits.length, p.maxRung + 1);
  const k = p.scenarios.length;
  if (n <= 1 || k === 0) return { rung: 0, values: [0] };
  const rho = Math.max(0, Math.min(0.999, p.persistence));
  const cap = Math.max(p.maxBufferSec, p.segmentDurationSec);
  const step = p.gridStepSec;
  const g = Math.ceil(cap / step) + 1;
  const H = Math.max(1, p.horizon);
  const idx = (b: number, r: number, j: number) => (b * n + r) * k + j;

  // Download time per (rung, level).
  const dl = new Float64Array(n * k);
  for (let r = 0; r < n; r++) for (let j = 0; j < k; j++) dl[r * k + j] = p.latencySec + (p.segmentBits[r] ?? 0) / (p.scenarios[j] as number);

  // V(b, r, j): value at grid buffer b, previous rung r, current level j (before the next download).
  let V = new Float64Array(g * n * k);
  for (let b = 0; b < g; b++) {
    const t = p.terminalBufferValue * Math.min(b * step, p.terminalBufferCapSec);
    for (let i = 0; i < n * k; i++) V[b * n * k + i] = t;
  }
  // W(b, r, j) = E[V(b, r, next level) | current level j].
  const W = new Float64Array(g * n * k);
  const expectNext = (): void => {
    for (let b = 0; b < g; b++) {
      for (let r = 0; r < n; r++) {
        let m = 0;
        for (let j = 0; j < k; j++) m += V[idx(b, r, j)] as number;
        m /= k;
        for (let j = 0; j < k; j++) W[idx(b, r, j)] = rho * (V[idx(b, r, j)] as number) + (1 - rho) * m;
      }
    }
  };
  // Q(buffer, rung, level): download `rung` at `level`, then continue optimally.
  const q = (buf: number, r: number, j: number): number => {
    const t = dl[r * k + j] as number;
    let x = buf - t;
    let stall = 0;
    if (x < 0) {
      stall = -x;
      x = 0;
    }
    x = Math.min(x + p.segmentDurationSec, cap) / step;
    const i = Math.min(g - 1, Math.floor(x));
    const f = x - i;
    const cont = i >= g - 1 ? (W[idx(g - 1, r, j)] as number) : (1 - f) * (W[idx(i, r, j)] as number) + f * (W[idx(i + 1, r, j)] as number);
    return (p.utility[r] as number) - p.rebufferPenalty * stall + cont;
  };

  const Qb = new Float64Array(n);
  for (let h = H - 1; h >= 1; h--) {
    expectNext();
    const NV = new Float64Array(g * n * k);
    for (let b = 0; b < g; b++) {
      for (let j = 0; j < k; j++) {
        for (let r = 0; r < n; r++) Qb[r] = q(b * step, r, j);
        for (let last = 0; last < n; last++) {
          const ul = p.utility[last] as number;
          let best = -Infinity;
          for (let r = 0; r < n; r++) {
            const v = (Qb[r] as number) - p.switchPenalty * Math.abs((p.utility[r] as number) - ul);
            if (v > best) best = v;
          }
          NV[idx(b, last, j)] = best;
        }
      }
    }
    V = NV;
  }
  expectNext();
  // First decision at the exact buffer level; the level of the next download
  // is the current one (the last measured) with probability rho.
  const buf = Math.min(p.bufferSec, cap);
  const values: number[] = [];
  let bestRung = 0;
  let bestVal = -Infinity;
  const ul = p.lastRung >= 0 ? (p.utility[p.lastRung] as number) : NaN;
  for (let r = 0; r < n; r++) {
    let m = 0;
    for (let j = 0; j < k; j++) m += q(buf, r, j);
    m /= k;
    const v = rho * q(buf, r, k - 1) + (1 - rho) * m - (Number.isNaN(ul) ? 0 : p.switchPenalty * Math.abs((p.utility[r] as number) - ul));
    values.push(v);
    if (v > bestVal) {
      bestVal = v;
      bestRung = r;
    }
  }
  return { rung: bestRung, values };
}
