/**
 * Stochastic dynamic programming over the buffer: the closed-loop counterpart
 * of the lookahead planner. Future segment throughputs are drawn independently
 * from a set of equally likely scenarios (the recent measurements); the value
 * of (buffer level, previous rung) is computed backwards over the horizon on a
 * buffer grid, so the plan knows it will be able to react later (an
 * open-loop plan must be safe for the whole horizon, which makes it timid)
 * and values buffer for what it buys in the following segments, up to the end
 * of the video when that is near.
 * Same score as the lab: utility − rebufferPenalty·stall − switchPenalty·|Δutility|.
 */

export interface DpInput {
  /** Estimated size of a segment of each rung, bits. */
  segmentBits: readonly number[];
  utility: readonly number[];
  /** Throughput scenarios, bits/s, equally likely, independent per segment. */
  scenarios: readonly number[];
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
  const cap = Math.max(p.maxBufferSec, p.segmentDurationSec);
  const step = p.gridStepSec;
  const g = Math.ceil(cap / step) + 1;
  const H = Math.max(1, p.horizon);

  // Download time per (rung, scenario).
  const dl = new Float64Array(n * k);
  for (let r = 0; r < n; r++) for (let j = 0; j < k; j++) dl[r * k + j] = p.latencySec + (p.segmentBits[r] ?? 0) / (p.scenarios[j] as number);

  // V[b * n + r]: value of being at grid buffer b having just played rung r.
  let V = new Float64Array(g * n);
  for (let b = 0; b < g; b++) {
    const t = p.terminalBufferValue * Math.min(b * step, p.terminalBufferCapSec);
    for (let r = 0; r < n; r++) V[b * n + r] = t;
  }
  const Q = new Float64Array(g * n);
  const interp = (vals: Float64Array, buf: number, r: number): number => {
    const x = buf / step;
    const i = Math.min(g - 1, Math.floor(x));
    if (i >= g - 1) return vals[(g - 1) * n + r] as number;
    const f = x - i;
    return (1 - f) * (vals[i * n + r] as number) + f * (vals[(i + 1) * n + r] as number);
  };
  // Q(b, r') = E[u(r') − μ·stall + V(b', r')]
  const computeQ = (vals: Float64Array, buf: number, r: number): number => {
    let s = 0;
    for (let j = 0; j < k; j++) {
      const t = dl[r * k + j] as number;
      let x = buf - t;
      let stall = 0;
      if (x < 0) {
        stall = -x;
        x = 0;
      }
      x = Math.min(x + p.segmentDurationSec, cap);
      s += -p.rebufferPenalty * stall + interp(vals, x, r);
    }
    return (p.utility[r] as number) + s / k;
  };

  for (let h = H - 1; h >= 1; h--) {
    for (let b = 0; b < g; b++) for (let r = 0; r < n; r++) Q[b * n + r] = computeQ(V, b * step, r);
    const NV = new Float64Array(g * n);
    for (let b = 0; b < g; b++) {
      for (let last = 0; last < n; last++) {
        let best = -Infinity;
        const ul = p.utility[last] as number;
        for (let r = 0; r < n; r++) {
          const v = (Q[b * n + r] as number) - p.switchPenalty * Math.abs((p.utility[r] as number) - ul);
          if (v > best) best = v;
        }
        NV[b * n + last] = best;
      }
    }
    V = NV;
  }
  // First decision at the exact buffer level.
  const values: number[] = [];
  let bestRung = 0;
  let bestVal = -Infinity;
  const ul = p.lastRung >= 0 ? (p.utility[p.lastRung] as number) : NaN;
  for (let r = 0; r < n; r++) {
    const sw = Number.isNaN(ul) ? 0 : Math.abs((p.utility[r] as number) - ul);
    const v = computeQ(V, Math.min(p.bufferSec, cap), r) - p.switchPenalty * sw;
    values.push(v);
    if (v > bestVal) {
      bestVal = v;
      bestRung = r;
    }
  }
  return { rung: bestRung, values };
}
