/**
 * How much a difference of mean QoE between two algorithms can be trusted.
 *
 * Every algorithm runs on the same traces, so the honest comparison is per
 * trace (paired): the mean of the differences, its standard error, on how
 * many traces each side wins, and how much of the mean the single most
 * different trace carries. The last figure matters on these sets: one trace
 * whose link collapses at the wrong moment moves a 142-trace mean by ~0.01
 * (bench/abr-lab/README.md, seventh round), the size of the gaps people quote.
 * Pure: numbers in, numbers out.
 */

export interface MeanSe {
  mean: number;
  /** Standard error of the mean (sample sd / √n); 0 for fewer than 2 values. */
  se: number;
  n: number;
}

export function meanAndSe(xs: readonly number[]): MeanSe {
  const n = xs.length;
  if (n === 0) return { mean: 0, se: 0, n: 0 };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, se: 0, n };
  const v = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1);
  return { mean, se: Math.sqrt(v / n), n };
}

export interface PairedDifference extends MeanSe {
  /** Traces where a − b is above / below zero (by more than 1e-9). */
  better: number;
  worse: number;
  /** The trace with the largest |a − b| and what it adds to the mean difference (its difference ÷ n). */
  largestTrace: string;
  largestShare: number;
}

/** a − b per trace; `a`, `b` and `names` in the same trace order. */
export function pairedDifference(a: readonly number[], b: readonly number[], names: readonly string[]): PairedDifference {
  if (a.length !== b.length || a.length !== names.length) throw new Error(`pairedDifference: ${a.length} / ${b.length} / ${names.length} values, need the same traces on both sides`);
  const d = a.map((x, i) => x - (b[i] as number));
  let largest = -1;
  for (let i = 0; i < d.length; i++) if (largest < 0 || Math.abs(d[i] as number) > Math.abs(d[largest] as number)) largest = i;
  return {
    ...meanAndSe(d),
    better: d.filter((x) => x > 1e-9).length,
    worse: d.filter((x) => x < -1e-9).length,
    largestTrace: largest >= 0 ? (names[largest] as string) : '',
    largestShare: largest >= 0 ? (d[largest] as number) / d.length : 0,
  };
}

/**
 * The same difference without its largest trace. On these sets one trace whose link collapses at the wrong
 * moment can carry a variant's whole gain or loss (norway_car_12 moves by ±2 QoE between variants that differ
 * nowhere else, bench/abr-lab/README.md, seventh round), so a tuning reads both: a gain that is not there
 * without that trace is luck, not a better rule.
 */
export function pairedWithoutLargest(a: readonly number[], b: readonly number[], names: readonly string[]): PairedDifference {
  const all = pairedDifference(a, b, names);
  const drop = names.indexOf(all.largestTrace);
  const keep = (_: unknown, i: number) => i !== drop;
  return pairedDifference(a.filter(keep), b.filter(keep), names.filter(keep));
}

/** The tuning harness's short form, to four places: "+0.0055 ± 0.0177 (19 / 22)" (better / worse traces). */
export function formatPairedBrief(p: MeanSe & { better: number; worse: number }): string {
  return `${signed(p.mean, 4)} ± ${p.se.toFixed(4)} (${p.better} / ${p.worse})`;
}

/** A difference with its sign always shown, minus as "−": "+0.012", "−0.500". */
export function signed(x: number, digits: number): string {
  return `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(digits)}`;
}

/** "+0.069 ± 0.012 (better on 90 / worse on 40 traces; largest: x, −0.010 of the mean)". */
export function formatPaired(p: PairedDifference): string {
  return `${signed(p.mean, 3)} ± ${p.se.toFixed(3)} (better on ${p.better} / worse on ${p.worse} traces; largest: ${p.largestTrace}, ${signed(p.largestShare, 3)} of the mean)`;
}

/** What bench:abr adds per trace set: each QoE_lin mean's standard error, and ours − each other algorithm. */
export interface SetStats {
  qoe_lin_se: Record<string, number>;
  ours_minus: Record<string, PairedDifference>;
  /** With `--algo optimal`: each algorithm's mean QoE_lin ÷ the offline optimum's. */
  share_of_optimum?: Record<string, number>;
}

/**
 * Per-trace values averaged over the sessions cut from the same source (the part of each name before
 * `@`, as `cutWindows` and `rotateTrace` name them), in order of first appearance. Windows of one log
 * overlap and share its link, so they are not independent: a standard error is honest only over logs.
 */
export function meanPerSource(values: readonly number[], names: readonly string[]): { values: number[]; names: string[] } {
  if (values.length !== names.length) throw new Error(`meanPerSource: ${values.length} values for ${names.length} names`);
  const sums = new Map<string, { sum: number; n: number }>();
  for (const [i, name] of names.entries()) {
    const key = name.split('@')[0] as string;
    const s = sums.get(key) ?? { sum: 0, n: 0 };
    s.sum += values[i] as number;
    s.n += 1;
    sums.set(key, s);
  }
  return { values: [...sums.values()].map((s) => s.sum / s.n), names: [...sums.keys()] };
}
