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
 * Cost: horizon × grid × levels × rungs (the reactive model, default; the
 * switch maximum is O(rungs) with the ladder in ascending order), ~1-5 ms per
 * decision for 6 rungs; the non-reactive model keeps the older O(rungs²) loop.
 */

export interface DpInput {
  /** Estimated size of a segment of each rung, bits. */
  segmentBits: readonly number[];
  utility: readonly number[];
  /** Throughput levels, bits/s, oldest first; the last one is the current level. */
  scenarios: readonly number[];
  /** Probability that a segment sees the same level as the previous one (0 = independent draws). */
  persistence: number;
  /** Probability of each level when drawn afresh (same order as scenarios, normalised); default: equal. */
  levelWeights?: readonly number[];
  /**
   * Model later choices as made once that segment's level is known (true) or
   * before (false). A player that watches downloads in flight and abandons
   * (abandonment.ts) can react within a segment, which `true` approximates;
   * the first choice is always made without knowing its level.
   */
  reactsWithinSegment: boolean;
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

  // V(b, r, j): value at grid buffer b, previous rung r, level j seen by the
  // previous download. The next rung is chosen before its level is known.
  let V = new Float64Array(g * n * k);
  for (let b = 0; b < g; b++) {
    const t = p.terminalBufferValue * Math.min(b * step, p.terminalBufferCapSec);
    for (let i = 0; i < n * k; i++) V[b * n * k + i] = t;
  }
  // G(buffer, rung, level): download `rung` at `level`, then continue optimally.
  const G = (vals: Float64Array, buf: number, r: number, j: number): number => {
    const [s, i, f] = landing(p, buf, dl[r * k + j] as number, r, cap, step, g);
    return s + (1 - f) * (vals[idx(i, r, j)] as number) + f * (vals[idx(i + 1, r, j)] as number);
  };
  // Expected value of choosing each rung at buffer `buf` after a download at level jp.
  const gv = new Float64Array(n * k);
  const mean = new Float64Array(n);
  const fill = (vals: Float64Array, buf: number): void => {
    for (let r = 0; r < n; r++) {
      let m = 0;
      for (let j = 0; j < k; j++) {
        const v = G(vals, buf, r, j);
        gv[r * k + j] = v;
        m += v;
      }
      mean[r] = m / k;
    }
  };
  const expected = (r: number, jp: number): number => rho * (gv[r * k + jp] as number) + (1 - rho) * (mean[r] as number);

  if (p.reactsWithinSegment) return planReactive(p, n, k, rho, cap, step, g, H, dl, V);
  for (let h = H - 1; h >= 1; h--) {
    const NV = new Float64Array(g * n * k);
    for (let b = 0; b < g; b++) {
      fill(V, b * step);
      for (let jp = 0; jp < k; jp++) {
        for (let last = 0; last < n; last++) {
          const ul = p.utility[last] as number;
          let best = -Infinity;
          for (let r = 0; r < n; r++) {
            const v = expected(r, jp) - p.switchPenalty * Math.abs((p.utility[r] as number) - ul);
            if (v > best) best = v;
          }
          NV[idx(b, last, jp)] = best;
        }
      }
    }
    V = NV;
  }
  // First decision at the exact buffer level, after the last measured level (k − 1).
  fill(V, Math.min(p.bufferSec, cap));
  return chooseFirst(p, n, (r) => expected(r, k - 1));
}

/**
 * Where a download of `seconds` started with `buf` seconds buffered lands on the buffer grid (the segment
 * added, capped at `cap`): its immediate score (utility − stall penalty), the grid index below (at most
 * g − 2) and the fraction towards the one above, for linear interpolation of the continuation value.
 */
function landing(p: DpInput, buf: number, seconds: number, r: number, cap: number, step: number, g: number): [number, number, number] {
  let x = buf - seconds;
  let stall = 0;
  if (x < 0) {
    stall = -x;
    x = 0;
  }
  x = Math.min(x + p.segmentDurationSec, cap) / step;
  let i = Math.min(g - 1, Math.floor(x));
  let f = x - i;
  if (i >= g - 1) {
    i = g - 2;
    f = 1;
  }
  return [(p.utility[r] as number) - p.rebufferPenalty * stall, i, f];
}

/**
 * The first choice: the rung of the highest expected value minus the cost of switching from the last rung
 * (ties to the lower rung). Every planner model ends with it; `values` is kept for callers that cap the choice.
 */
function chooseFirst(p: DpInput, n: number, valueOf: (r: number) => number): DpResult {
  const values: number[] = [];
  let bestRung = 0;
  let bestVal = -Infinity;
  const ul = p.lastRung >= 0 ? (p.utility[p.lastRung] as number) : NaN;
  for (let r = 0; r < n; r++) {
    const v = valueOf(r) - (Number.isNaN(ul) ? 0 : p.switchPenalty * Math.abs((p.utility[r] as number) - ul));
    values.push(v);
    if (v > bestVal) {
      bestVal = v;
      bestRung = r;
    }
  }
  return { rung: bestRung, values };
}

/**
 * The reactive model (default), written for speed: where a download leads on
 * the buffer grid depends only on (buffer, rung, level), not on the stage, so
 * the interpolation indices and the immediate score are computed once and each
 * stage is a few flat array passes. horizon × grid × levels × rungs² operations.
 */
function planReactive(
  p: DpInput,
  n: number,
  k: number,
  rho: number,
  cap: number,
  step: number,
  g: number,
  H: number,
  dl: Float64Array,
  V0: Float64Array,
): DpResult {
  const nk = n * k;
  const size = g * nk;
  const u = p.utility;
  // Per (b, r, j): immediate score and where the continuation is read.
  const imm = new Float64Array(size);
  const lo = new Int32Array(size);
  const fr = new Float64Array(size);
  const place = (buf: number, r: number, j: number): [number, number, number] => landing(p, buf, dl[r * k + j] as number, r, cap, step, g);
  for (let b = 0; b < g; b++) {
    for (let r = 0; r < n; r++) {
      for (let j = 0; j < k; j++) {
        const [s, i, f] = place(b * step, r, j);
        const o = b * nk + r * k + j;
        imm[o] = s;
        lo[o] = (i * n + r) * k + j;
        fr[o] = f;
      }
    }
  }
  // Switch cost between rungs.
  const sw = new Float64Array(n * n);
  for (let a = 0; a < n; a++) for (let r = 0; r < n; r++) sw[a * n + r] = p.switchPenalty * Math.abs((u[r] as number) - (u[a] as number));
  let V: Float64Array = V0;
  let NV: Float64Array = new Float64Array(size);
  const W = new Float64Array(size);
  const gv = new Float64Array(n);
  const c1 = 1 - rho;
  const wt = new Float64Array(k);
  {
    let tot = 0;
    for (let j = 0; j < k; j++) tot += Math.max(0, p.levelWeights?.[j] ?? 1);
    for (let j = 0; j < k; j++) wt[j] = tot > 0 ? Math.max(0, p.levelWeights?.[j] ?? 1) / tot : 1 / k;
  }
  // W(b, r, j) = E[V(b, r, next level) | level j]: keep j with probability rho, else a fresh draw.
  const toW = (): void => {
    expectNext(V, W, wt, rho, c1, size, k);
  };
  // NV[base + last·k] = max over r of gv[r] − switch(last → r). With utilities
  // in ascending order the switch cost is sp·|u_r − u_last| and two running
  // maxima give it in O(n) instead of O(n²).
  const sp = p.switchPenalty;
  let sorted = sp >= 0;
  for (let r = 1; r < n && sorted; r++) if ((u[r] as number) < (u[r - 1] as number)) sorted = false;
  const fwd = new Float64Array(n);
  const spu = new Float64Array(n);
  for (let r = 0; r < n; r++) spu[r] = sp * (u[r] as number);
  const relax = (base: number): void => {
    if (sorted) {
      let A = -Infinity;
      for (let last = 0; last < n; last++) {
        const ua = sp * (u[last] as number);
        const x = (gv[last] as number) + ua;
        if (x > A) A = x;
        fwd[last] = A - ua;
      }
      let B = -Infinity;
      for (let last = n - 1; last >= 0; last--) {
        const ua = sp * (u[last] as number);
        const x = (gv[last] as number) - ua;
        if (x > B) B = x;
        const y = B + ua;
        const f = fwd[last] as number;
        NV[base + last * k] = f > y ? f : y;
      }
      return;
    }
    for (let last = 0; last < n; last++) {
      let best = -Infinity;
      const sl = last * n;
      for (let r = 0; r < n; r++) {
        const v = (gv[r] as number) - (sw[sl + r] as number);
        if (v > best) best = v;
      }
      NV[base + last * k] = best;
    }
  };
  let vIsTerminal = true; // the terminal value does not depend on the level: W = V
  for (let h = H - 1; h >= 1; h--) {
    if (vIsTerminal) W.set(V);
    else toW();
    vIsTerminal = false;
    if (sorted) {
      // Same computation, as one function over plain arrays (no closure state): the hot loop.
      reactiveStage(W, NV, imm, lo, fr, spu, g, n, k, gv, fwd);
      const t = V;
      V = NV;
      NV = t === V0 ? new Float64Array(size) : t;
      continue;
    }
    for (let b = 0; b < g; b++) {
      const ob = b * nk;
      for (let j = 0; j < k; j++) {
        for (let r = 0; r < n; r++) {
          const o = ob + r * k + j;
          const a = lo[o] as number;
          const f = fr[o] as number;
          gv[r] = (imm[o] as number) + (1 - f) * (W[a] as number) + f * (W[a + nk] as number);
        }
        relax(ob + j);
      }
    }
    const t = V;
    V = NV;
    NV = t === V0 ? new Float64Array(size) : t;
  }
  if (vIsTerminal) W.set(V);
  else toW();
  // The first choice, at the exact buffer level, does not know its level:
  // the last measured level (k − 1) persists with probability rho.
  const buf = Math.min(p.bufferSec, cap);
  return chooseFirst(p, n, (r) => {
    let m = 0;
    let last = 0;
    for (let j = 0; j < k; j++) {
      const [s, i, f] = place(buf, r, j);
      const a = (i * n + r) * k + j;
      const v = s + (1 - f) * (W[a] as number) + f * (W[a + nk] as number);
      m += (wt[j] as number) * v;
      if (j === k - 1) last = v;
    }
    return rho * last + (1 - rho) * m;
  });
}

/** One reactive stage from W (already E[V | level]) into NV, ladder in ascending order. */
function reactiveStage(
  W: Float64Array,
  NV: Float64Array,
  imm: Float64Array,
  lo: Int32Array,
  fr: Float64Array,
  spu: Float64Array,
  g: number,
  n: number,
  k: number,
  gv: Float64Array,
  fwd: Float64Array,
): void {
  const nk = n * k;
  for (let b = 0; b < g; b++) {
    const ob = b * nk;
    for (let j = 0; j < k; j++) {
      for (let r = 0; r < n; r++) {
        const o = ob + r * k + j;
        const a = lo[o] as number;
        const f = fr[o] as number;
        gv[r] = (imm[o] as number) + (1 - f) * (W[a] as number) + f * (W[a + nk] as number);
      }
      let A = -Infinity;
      for (let last = 0; last < n; last++) {
        const ua = spu[last] as number;
        const x = (gv[last] as number) + ua;
        if (x > A) A = x;
        fwd[last] = A - ua;
      }
      let B = -Infinity;
      const base = ob + j;
      for (let last = n - 1; last >= 0; last--) {
        const ua = spu[last] as number;
        const x = (gv[last] as number) - ua;
        if (x > B) B = x;
        const y = B + ua;
        const f = fwd[last] as number;
        NV[base + last * k] = f > y ? f : y;
      }
    }
  }
}

function expectNext(V: Float64Array, W: Float64Array, wt: Float64Array, rho: number, c1: number, size: number, k: number): void {
  for (let o = 0; o < size; o += k) {
    let m = 0;
    for (let j = 0; j < k; j++) m += (wt[j] as number) * (V[o + j] as number);
    m *= c1;
    for (let j = 0; j < k; j++) W[o + j] = rho * (V[o + j] as number) + m;
  }
}
