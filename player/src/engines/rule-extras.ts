/**
 * Optional capabilities of an AbrRule beyond the contract in abr/types.ts, used when present.
 */
import type { AbrRule } from '../abr/types.ts';

/** Forget the partial progress of a download that was cancelled (seek, flush), not abandoned by the rule. */
export function cancelInFlight(rule: AbrRule): void {
  (rule as AbrRule & { cancelInFlight?: () => void }).cancelInFlight?.();
}

/** The estimate worth keeping for the next session (LookaheadAbr.exportEstimate), or null. */
export function exportEstimate(rule: AbrRule | undefined): { estimateBps: number; latencyMs?: number } | null {
  const r = rule as (AbrRule & { exportEstimate?: () => { estimateBps: number; latencyMs: number } | null }) | undefined;
  return r?.exportEstimate?.() ?? null;
}

/**
 * Segments still to fetch including the next one (PlaybackState.segmentsLeft), from the media clock:
 * what lies beyond the buffered end, in segments. Undefined for live/unknown durations.
 */
export function segmentsLeft(durationSec: number | undefined, currentTimeSec: number, bufferSec: number, segmentSec: number): number | undefined {
  if (durationSec === undefined || !Number.isFinite(durationSec) || !(durationSec > 0) || !(segmentSec > 0)) return undefined;
  const remaining = durationSec - (currentTimeSec + bufferSec);
  // A few ms of rounding at the end must not count as one more segment.
  return Math.max(1, Math.ceil(remaining / segmentSec - 0.01));
}
