/**
 * Network throughput and latency estimate from segment downloads.
 *
 * Each finished download gives bytes, total time and time-to-first-byte.
 * - Latency is measured apart: the throughput of a download is its bytes over
 *   the transfer time (first byte → last byte). Otherwise a 40 kB segment
 *   fetched over a 100 ms RTT looks like a slow link. The ABR predicts a
 *   download as `latency + bits / throughput`, so the latency is not lost.
 * - Small downloads are trusted little: a sample's weight is its transfer time
 *   (as in hls.js ewma-bandwidth-estimator), scaled down linearly below
 *   `fullTrustBytes`; tiny ones (below `minSampleBytes`, e.g. a cached init
 *   segment) are ignored for throughput, as shaka does below 16 kB.
 * - Two EWMAs (fast, slow) as in hls.js; `ewmaEstimate()` is the lower.
 * - A short history of per-segment throughputs and of how wrong our previous
 *   prediction was feeds the robust predictor of the rule (harmonic mean
 *   discounted by recent over-prediction, RobustMPC style).
 * - In-flight progress (hls.js #4291): a download that is clearly slower than
 *   the estimate pulls the estimate down before it finishes, so the rule (and
 *   abandonment) react within the segment, not one segment later.
 */

import { Ewma } from './ewma.ts';

export interface ThroughputEstimatorConfig {
  /** Half-life of the fast EWMA, seconds of transfer time. */
  fastHalfLifeSec: number;
  /** Half-life of the slow EWMA, seconds of transfer time. */
  slowHalfLifeSec: number;
  /** Downloads smaller than this are not used for throughput at all. */
  minSampleBytes: number;
  /** Downloads of at least this size get their full weight. */
  fullTrustBytes: number;
  /** Per-segment throughputs kept for the robust predictor. */
  historySize: number;
  /** Estimate used before any measurement, bits/s. */
  defaultEstimateBps: number;
  /** Latency EWMA half-life, in samples. */
  latencyHalfLifeSamples: number;
  /** Transfer times are floored to this (timer resolution, cached responses), ms. */
  minTransferMs: number;
  /** In-flight progress is used once this much transfer time has passed, ms. */
  inflightMinMs: number;
  /** ...and only when it is below this fraction of the current estimate. */
  inflightDropRatio: number;
}

export const DEFAULT_ESTIMATOR_CONFIG: ThroughputEstimatorConfig = {
  fastHalfLifeSec: 3,
  slowHalfLifeSec: 9,
  minSampleBytes: 16_000,
  fullTrustBytes: 100_000,
  historySize: 8,
  defaultEstimateBps: 1_000_000,
  latencyHalfLifeSamples: 4,
  minTransferMs: 5,
  inflightMinMs: 400,
  inflightDropRatio: 0.8,
};

export interface ThroughputSampleInput {
  bytes: number;
  totalMs: number;
  /** 0 or undefined when unknown. */
  ttfbMs?: number;
}

/** One accepted measurement, kept in the history. */
export interface ThroughputRecord {
  bps: number;
  weight: number;
  /** The robust prediction made before this sample arrived (0 if none). */
  predictedBps: number;
}

export class ThroughputEstimator {
  readonly config: ThroughputEstimatorConfig;
  private readonly fast: Ewma;
  private readonly slow: Ewma;
  private readonly latency: Ewma;
  private history: ThroughputRecord[] = [];
  /** A seeded estimate (last session / manifest) used until real samples exist. */
  private seededBps = 0;
  private seededLatencyMs = 0;
  /** Throughput of the download in flight, when it is evidence of a drop. */
  private inflightBps = 0;
  /** Predictor supplied by the rule, to record prediction errors. */
  private predictor: ((est: ThroughputEstimator) => number) | null = null;

  constructor(config: Partial<ThroughputEstimatorConfig> = {}) {
    this.config = { ...DEFAULT_ESTIMATOR_CONFIG, ...config };
    this.fast = new Ewma(this.config.fastHalfLifeSec);
    this.slow = new Ewma(this.config.slowHalfLifeSec);
    this.latency = new Ewma(this.config.latencyHalfLifeSamples);
  }

  /** The rule's prediction function; its value before each sample is stored with the sample. */
  setPredictor(fn: ((est: ThroughputEstimator) => number) | null): void {
    this.predictor = fn;
  }

  /** Start from a known estimate (last session, manifest download) until samples arrive. */
  seed(bps: number, latencyMs?: number): void {
    if (Number.isFinite(bps) && bps > 0) this.seededBps = bps;
    if (latencyMs !== undefined && Number.isFinite(latencyMs) && latencyMs >= 0) this.seededLatencyMs = latencyMs;
  }

  /**
   * Record a finished download. Returns the throughput measured (bits/s), or
   * 0 when the download was too small to say anything about throughput.
   */
  addSample(s: ThroughputSampleInput): number {
    this.inflightBps = 0;
    const { bytes, totalMs } = s;
    if (!(bytes >= 0) || !(totalMs > 0)) return 0;
    const ttfb = s.ttfbMs !== undefined && s.ttfbMs > 0 && s.ttfbMs < totalMs ? s.ttfbMs : 0;
    if (ttfb > 0) this.latency.sample(1, ttfb);
    if (bytes < this.config.minSampleBytes) return 0;
    const transferMs = Math.max(totalMs - ttfb, this.config.minTransferMs);
    const bps = (bytes * 8 * 1000) / transferMs;
    const trust = Math.min(1, bytes / this.config.fullTrustBytes);
    const weight = (transferMs / 1000) * trust;
    const predictedBps = this.predictor && this.history.length > 0 ? this.predictor(this) : 0;
    this.fast.sample(weight, bps);
    this.slow.sample(weight, bps);
    this.history.push({ bps, weight, predictedBps });
    if (this.history.length > this.config.historySize) this.history.shift();
    return bps;
  }

  /**
   * Progress of the download in flight. When enough transfer time has passed
   * and it runs clearly below the estimate, it becomes the estimate's ceiling
   * until the download ends (#4291). Returns the in-flight throughput.
   */
  observeProgress(bytesLoaded: number, elapsedMs: number, ttfbMs?: number): number {
    const ttfb = ttfbMs !== undefined && ttfbMs > 0 ? ttfbMs : this.latencyMs();
    const transferMs = elapsedMs - ttfb;
    if (!(transferMs >= this.config.inflightMinMs)) return 0;
    const bps = (Math.max(0, bytesLoaded) * 8 * 1000) / transferMs;
    const base = this.ewmaEstimate();
    this.inflightBps = bps < base * this.config.inflightDropRatio ? bps : 0;
    return bps;
  }

  /** Forget in-flight evidence (download finished, cancelled or abandoned). */
  clearProgress(): void {
    this.inflightBps = 0;
  }

  hasSamples(): boolean {
    return this.history.length > 0;
  }

  /** hls.js style: min(fast, slow), or the seed/default before any sample. */
  ewmaEstimate(): number {
    if (this.fast.getTotalWeight() <= 0) return this.seededBps || this.config.defaultEstimateBps;
    return Math.min(this.fast.getEstimate(), this.slow.getEstimate());
  }

  /** Best current estimate including in-flight evidence of a drop. */
  estimateBps(): number {
    const e = this.ewmaEstimate();
    return this.inflightBps > 0 ? Math.min(e, this.inflightBps) : e;
  }

  /** Whether a slow in-flight download currently caps the estimate. */
  inflightLimited(): boolean {
    return this.inflightBps > 0 && this.inflightBps < this.ewmaEstimate();
  }

  inflightEstimateBps(): number {
    return this.inflightBps;
  }

  /** Time to first byte expected for the next request, ms. */
  latencyMs(): number {
    return this.latency.getTotalWeight() > 0 ? this.latency.getEstimate() : this.seededLatencyMs;
  }

  /** Most recent per-segment records, oldest first. */
  recent(n: number = this.config.historySize): readonly ThroughputRecord[] {
    return this.history.slice(-n);
  }

  reset(): void {
    this.fast.reset();
    this.slow.reset();
    this.latency.reset();
    this.history = [];
    this.inflightBps = 0;
  }
}

/** Harmonic mean: the right mean for throughputs (it averages download times). */
export function harmonicMean(values: readonly number[]): number {
  let n = 0;
  let inv = 0;
  for (const v of values) {
    if (v > 0) {
      inv += 1 / v;
      n++;
    }
  }
  return n > 0 ? n / inv : 0;
}
