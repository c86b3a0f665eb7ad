/**
 * Our ABR: pure (no DOM, no engine, no I/O), shared by the hls.js and shaka
 * adapters and the ABR lab.
 *
 *   const abr = createAbr();
 *   abr.setRungs(levels);
 *   abr.chooseStartRung({ estimateBps: restoreEstimate(localStorage.x, Date.now())?.estimateBps });
 *   ... abr.chooseNext(state) before each segment, abr.recordDownload(sample) after,
 *   abr.checkAbandon(progress, state) while loading, abr.pin(n | null) from the menu.
 *   localStorage.x = serializeEstimate(abr.exportEstimate(), Date.now())  (when not null)
 */

import { LookaheadAbr, type AbrConfig } from './abr-rule.ts';
import type { AbrRule } from './types.ts';

export type * from './types.ts';
export { LookaheadAbr, DEFAULT_ABR_CONFIG, type AbrConfig } from './abr-rule.ts';
export { ThroughputEstimator, DEFAULT_ESTIMATOR_CONFIG, harmonicMean, type ThroughputEstimatorConfig } from './throughput-estimator.ts';
export { DEFAULT_PREDICTOR_CONFIG, robustPrediction, basePrediction, recentPredictionError, throughputScenarios, type PredictorConfig } from './throughput-predictor.ts';
export { planNextRung, horizonFor, type PlanInput, type PlanResult } from './lookahead-planner.ts';
export { planWithDp, type DpInput, type DpResult } from './dp-planner.ts';
export { decideAbandon, type AbandonInput, type AbandonResult } from './abandonment.ts';
export { pickStartRung, type StartRungInput } from './start-rung.ts';
export { serializeEstimate, restoreEstimate, DEFAULT_ESTIMATE_MAX_AGE_MS, type StoredEstimate } from './estimate-storage.ts';
export { Ewma } from './ewma.ts';

/** The ABR the player ships. Config overrides are for experiments and the lab. */
export function createAbr(config: Partial<AbrConfig> = {}): LookaheadAbr & AbrRule {
  return new LookaheadAbr(config);
}
