/**
 * Throughput model for the DP planner as a Markov chain on a log grid around
 * the current throughput: the next segment's throughput is the current one
 * times a random factor, pulled a little towards the recent (geometric) mean:
 *
 *     ln y = ln x + reversion · (ln mean − ln x) + e
 *
 * The factor e is drawn from what this session has shown (the residuals of its
 * own consecutive segments) mixed with a prior (normal, sd `priorSigma`, worth
 * `priorWeight` residuals), so a steady link soon plans with a narrow spread and
 * a jumpy one with a wide one. Measured on the lab's traces (README, seventh
 * round): the next segment falls below every throughput of the last five ~22 %
 * of the time and above all of them ~21 % (an exchangeable window would give
 * 17 %), i.e. the link wanders more than a window of recent levels shows, and
 * the pull towards the recent mean is weak (0.16 HSDPA, 0.38 FCC).
 *
 * Pure: the levels (bits/s, ascending), a row-stochastic transition matrix over
 * them (row i: from level i) and the index of the current level.
 */

export interface WalkModelConfig {
  /** Ratio between neighbouring levels of the grid. */
  gridRatio: number;
  /** Levels below / above the current one. */
  below: number;
  above: number;
  /** Pull towards the recent geometric mean per segment (0 = random walk). */
  reversion: number;
  /** Segments in the recent mean. */
  meanWindow: number;
  /** Prior spread of ln(next / expected), and its weight in residuals. */
  priorSigma: number;
  priorWeight: number;
  /** Every level × this (planning margin). */
  scale: number;
}

export const DEFAULT_WALK_CONFIG: WalkModelConfig = {
  gridRatio: 1.25,
  below: 6,
  above: 4,
  reversion: 0.2,
  meanWindow: 5,
  priorSigma: 0.3,
  priorWeight: 8,
  scale: 1,
};

export interface WalkModel {
  levels: number[];
  /** k × k, row i = distribution of the next level from level i. */
  transition: Float64Array;
  current: number;
}

function normCdf(z: number): number {
  // Abramowitz–Stegun 7.1.26 via erf; |error| < 1.5e-7.
  const t = 1 / (1 + 0.3275911 * (Math.abs(z) / Math.SQRT2));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-(z * z) / 2);
  return z >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}

/** Geometric mean of the last `w` values ending at index `end` (inclusive). */
function logMeanEndingAt(logs: readonly number[], end: number, w: number): number {
  let s = 0;
  let n = 0;
  for (let i = Math.max(0, end - w + 1); i <= end; i++) {
    s += logs[i] as number;
    n++;
  }
  return s / n;
}

/**
 * The chain for the DP, from the session's per-segment throughputs (oldest
 * first, > 0). Empty history → no model (null).
 */
export function walkModel(history: readonly number[], cfg: WalkModelConfig = DEFAULT_WALK_CONFIG): WalkModel | null {
  const xs = history.filter((x) => x > 0 && Number.isFinite(x));
  if (xs.length === 0) return null;
  const logs = xs.map((x) => Math.log(x));
  const last = logs.length - 1;
  const beta = Math.max(0, Math.min(1, cfg.reversion));
  // Residuals of the session's own steps.
  const res: number[] = [];
  for (let t = 0; t < last; t++) {
    const m = logMeanEndingAt(logs, t, cfg.meanWindow);
    const lx = logs[t] as number;
    res.push((logs[t + 1] as number) - (lx + beta * (m - lx)));
  }
  const h = Math.log(Math.max(1.01, cfg.gridRatio));
  const k = cfg.below + cfg.above + 1;
  const cur = logs[last] as number;
  const mean = logMeanEndingAt(logs, last, cfg.meanWindow);
  const grid: number[] = [];
  for (let i = -cfg.below; i <= cfg.above; i++) grid.push(cur + i * h);
  const levels = grid.map((g) => Math.exp(g) * cfg.scale);
  const T = new Float64Array(k * k);
  const wPrior = Math.max(0, cfg.priorWeight);
  const total = wPrior + res.length;
  const sigma = Math.max(1e-3, cfg.priorSigma);
  for (let i = 0; i < k; i++) {
    const from = grid[i] as number;
    const expected = from + beta * (mean - from);
    const row = i * k;
    // Prior: normal mass of each cell [g − h/2, g + h/2], the end cells open.
    if (wPrior > 0) {
      for (let j = 0; j < k; j++) {
        const g = grid[j] as number;
        const hi = j === k - 1 ? 1 : normCdf((g + h / 2 - expected) / sigma);
        const lo = j === 0 ? 0 : normCdf((g - h / 2 - expected) / sigma);
        T[row + j] = (T[row + j] as number) + (wPrior * Math.max(0, hi - lo)) / total;
      }
    }
    // Residuals: each lands between the two nearest levels (linear split).
    for (const e of res) {
      const pos = (expected + e - (grid[0] as number)) / h;
      if (pos <= 0) T[row] = (T[row] as number) + 1 / total;
      else if (pos >= k - 1) T[row + k - 1] = (T[row + k - 1] as number) + 1 / total;
      else {
        const a = Math.floor(pos);
        const f = pos - a;
        T[row + a] = (T[row + a] as number) + (1 - f) / total;
        T[row + a + 1] = (T[row + a + 1] as number) + f / total;
      }
    }
    if (total <= 0) T[row + i] = 1;
  }
  return { levels, transition: T, current: cfg.below };
}
