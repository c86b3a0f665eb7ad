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
