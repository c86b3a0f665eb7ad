/**
 * Keeping the last session's estimate between visits. The player stores the
 * string (e.g. in localStorage); this module only encodes and checks it, so it
 * stays free of I/O. An old estimate says little about today's network, so it
 * expires, and a corrupted or foreign value is ignored rather than trusted.
 */

export interface StoredEstimate {
  estimateBps: number;
  latencyMs: number;
  /** Wall-clock time it was saved, ms since the epoch. */
  savedAtMs: number;
}

const VERSION = 1;
/** Plausible throughput range: anything outside is a bug or tampering. */
const MIN_BPS = 1_000;
const MAX_BPS = 100_000_000_000;

export function serializeEstimate(e: { estimateBps: number; latencyMs?: number }, nowMs: number): string | null {
  if (!(e.estimateBps >= MIN_BPS && e.estimateBps <= MAX_BPS)) return null;
  return JSON.stringify({
    v: VERSION,
    bps: Math.round(e.estimateBps),
    lat: Math.round(Math.max(0, e.latencyMs ?? 0)),
    at: Math.round(nowMs),
  });
}

export const DEFAULT_ESTIMATE_MAX_AGE_MS = 24 * 3600 * 1000;

export function restoreEstimate(
  text: string | null | undefined,
  nowMs: number,
  maxAgeMs: number = DEFAULT_ESTIMATE_MAX_AGE_MS,
): StoredEstimate | null {
  if (!text) return null;
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof o !== 'object' || o === null) return null;
  const r = o as Record<string, unknown>;
  if (r.v !== VERSION) return null;
  const bps = r.bps;
  const lat = r.lat;
  const at = r.at;
  if (typeof bps !== 'number' || !(bps >= MIN_BPS && bps <= MAX_BPS)) return null;
  if (typeof at !== 'number' || !Number.isFinite(at)) return null;
  const age = nowMs - at;
  if (age < 0 || age > maxAgeMs) return null;
  const latencyMs = typeof lat === 'number' && lat >= 0 && lat < 60_000 ? lat : 0;
  return { estimateBps: bps, latencyMs, savedAtMs: at };
}
