/**
 * Throughput prediction for the planners.
 *
 * - For the DP planner (default): `throughputScenarios`, the last `window`
 *   segment throughputs × `scenarioScale` as the possible levels.
 * - For the MPC planner and as the reported estimate: `robustPrediction`, the
 *   harmonic mean of the last `window` segment throughputs (RobustMPC, Yin et
 *   al. SIGCOMM'15) discounted by the recent prediction error:
 *       robust = base / (1 + errorWeight * maxError(last window)).
 *   `symmetricError: false` counts only over-prediction (the one that causes
 *   stalls); in the lab it scored lower than RobustMPC's symmetric error, so
 *   the default stays symmetric.
 * Both are capped by in-flight evidence of a drop (hls.js #4291).
 */

import { harmonicMean, type ThroughputEstimator } from './throughput-estimator.ts';

export interface PredictorConfig {
  /** Segments in the harmonic mean and in the error window. */
  window: number;
  /** Weight of the recent over-estimation in the discount (RobustMPC: 1, any error). */
  errorWeight: number;
  /** Count under-estimation as error too (true = RobustMPC as published). */
  symmetricError: boolean;
  /**
   * 'robust': one throughput, the discounted harmonic mean.
   * 'scenarios': the last `window` segment throughputs, each × `scenarioScale`,
   * as equally likely futures (the planner maximises the expected score).
   */
  mode: 'robust' | 'scenarios';
  scenarioScale: number;
  /**
   * Buffer-aware safety: the error discount shrinks linearly as the buffer
   * grows and is gone at this level (s); 0 = always the full discount.
   * A deep buffer absorbs a misprediction, so being pessimistic then only
   * costs bitrate.
   */
  discountFadeSec: number;
  /** Upper bound of the relative error used in the discount. */
  maxErrorCap: number;
}

export const DEFAULT_PREDICTOR_CONFIG: PredictorConfig = {
  window: 5,
  errorWeight: 1,
  symmetricError: true,
  mode: 'robust',
  scenarioScale: 0.8,
  discountFadeSec: 0,
  maxErrorCap: Infinity,
};

/** Base prediction (no discount): what the error history is measured against. */
export function basePrediction(est: ThroughputEstimator, cfg: PredictorConfig): number {
  return harmonicMean(est.recent(cfg.window).map((r) => r.bps));
}

/** Largest relative error of the base prediction over the window. */
export function recentPredictionError(est: ThroughputEstimator, cfg: PredictorConfig): number {
  let maxErr = 0;
  for (const r of est.recent(cfg.window)) {
    if (!(r.predictedBps > 0) || !(r.bps > 0)) continue;
    const err = cfg.symmetricError
      ? Math.abs(r.predictedBps - r.bps) / r.bps
      : Math.max(0, r.predictedBps - r.bps) / r.bps;
    if (err > maxErr) maxErr = err;
  }
  return maxErr;
}

/**
 * Robust throughput for planning, bits/s. Falls back to the estimator's seed /
 * default before any sample, and is capped by in-flight evidence of a drop.
 */
export function robustPrediction(est: ThroughputEstimator, cfg: PredictorConfig, bufferSec = 0): number {
  let p: number;
  if (!est.hasSamples()) {
    p = est.ewmaEstimate();
  } else {
    const base = basePrediction(est, cfg);
    const fade = cfg.discountFadeSec > 0 ? Math.max(0, 1 - bufferSec / cfg.discountFadeSec) : 1;
    const err = Math.min(recentPredictionError(est, cfg), cfg.maxErrorCap);
    p = base / (1 + cfg.errorWeight * err * fade);
  }
  if (est.inflightLimited()) p = Math.min(p, est.inflightEstimateBps());
  return p;
}

/**
 * Throughput scenarios for the planner: the recent segment throughputs
 * (bootstrap of the recent past), capped by in-flight evidence of a drop.
 * Empty before any sample.
 */
export function throughputScenarios(est: ThroughputEstimator, cfg: PredictorConfig): number[] {
  let s = est.recent(cfg.window).map((r) => r.bps * cfg.scenarioScale).filter((b) => b > 0);
  if (est.inflightLimited()) {
    const cap = est.inflightEstimateBps();
    s = s.map((b) => Math.min(b, cap));
  }
  return s;
}
