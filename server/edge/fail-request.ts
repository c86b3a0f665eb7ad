/**
 * The chaos request to fail an edge, `{ "mode"?: "refuse" | "reset", "durationMs"?: n }`, validated in one place
 * for the edge's own /api/fail and the origin's /api/edges/:id/fail. Pure.
 */
export type FailMode = 'refuse' | 'reset';

/** Longest chaos outage with a duration: a day. */
export const MAX_FAIL_DURATION_MS = 24 * 3600 * 1000;

/** Validates a chaos request `{ mode?, durationMs? }` (already parsed or as JSON text); null when malformed. */
export function parseFailRequest(body: unknown): { mode: FailMode; durationMs?: number } | null {
  let j: unknown = body;
  if (typeof body === 'string') {
    if (body.trim() === '') return { mode: 'refuse' };
    try {
      j = JSON.parse(body);
    } catch {
      return null;
    }
  }
  if (j === null || j === undefined) return { mode: 'refuse' };
  if (typeof j !== 'object') return null;
  const { mode, durationMs } = j as { mode?: unknown; durationMs?: unknown };
  if (mode !== undefined && mode !== 'refuse' && mode !== 'reset') return null;
  if (durationMs !== undefined && !(typeof durationMs === 'number' && Number.isFinite(durationMs) && durationMs > 0 && durationMs <= MAX_FAIL_DURATION_MS)) return null;
  return { mode: (mode ?? 'refuse') as FailMode, ...(durationMs !== undefined ? { durationMs: Math.round(durationMs) } : {}) };
}
