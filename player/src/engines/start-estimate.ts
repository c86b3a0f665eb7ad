/**
 * The last session's throughput estimate, kept in localStorage so the next playback starts at a
 * sensible rung instead of the lowest (hls.js #2361). Encoding/expiry rules live in the ABR module
 * (abr/estimate-storage.ts); this file is only the storage I/O.
 */
import { restoreEstimate, serializeEstimate } from '../abr/index.ts';

const KEY = 'abr.lastEstimate';

export function loadStartEstimate(nowMs = Date.now()): number | undefined {
  try {
    return restoreEstimate(globalThis.localStorage?.getItem(KEY), nowMs)?.estimateBps;
  } catch {
    return undefined;
  }
}

export function saveStartEstimate(e: { estimateBps: number; latencyMs?: number } | null, nowMs = Date.now()): void {
  if (!e) return;
  const text = serializeEstimate(e, nowMs);
  if (!text) return;
  try {
    globalThis.localStorage?.setItem(KEY, text);
  } catch {
    // Private mode / quota: the start pick falls back to the manifest download measure.
  }
}
