/**
 * Should a segment download in flight be given up for a lower rung?
 *
 * Abandon when, at the throughput the download is actually getting, its
 * remainder cannot arrive before the buffer runs dry, and a lower rung
 * fetched from scratch would arrive sooner. Pick the highest lower rung that
 * fits in the buffer; if none fits, the lowest one as long as it still beats
 * finishing the current download (the "emergency" switch that hls.js #6079
 * reports as not working: the rule must also remember the drop, which the
 * caller does by keeping the in-flight throughput in the estimate).
 */

export interface AbandonInput {
  rungIndex: number;
  bytesLoaded: number;
  /** Expected size (Content-Length or estimated from the declared bitrate), bytes. */
  bytesTotal: number;
  elapsedMs: number;
  /** Time to first byte of this request, or the expected latency, ms. */
  ttfbMs: number;
  bufferSec: number;
  /** Estimated size of a segment of each rung, bits. */
  segmentBits: readonly number[];
  /** Throughput estimate before this download, bits/s. */
  estimateBps: number;
  /** Expected latency of a new request, s. */
  latencySec: number;
  /** Do not decide before this much time has passed (few bytes = noisy rate), ms. */
  minElapsedMs: number;
  /** Keep this much buffer in hand when judging whether a rung fits, s. */
  safetySec: number;
  playbackRate?: number;
}

export interface AbandonResult {
  abandon: boolean;
  switchTo?: number;
  reason: string;
  /** Throughput the download in flight is getting, bits/s (0 if unknown). */
  inflightBps: number;
  /** Expected time to finish the download in flight, s. */
  remainingSec: number;
}

export function decideAbandon(a: AbandonInput): AbandonResult {
  const transferSec = Math.max(0, a.elapsedMs - a.ttfbMs) / 1000;
  const inflightBps = transferSec > 0 && a.bytesLoaded > 0 ? (a.bytesLoaded * 8) / transferSec : 0;
  const remainingBits = Math.max(0, a.bytesTotal - a.bytesLoaded) * 8;
  // With no byte yet after the expected first byte, assume the rate is at most
  // what one byte would give; the remainder is then effectively unbounded.
  const remainingSec = inflightBps > 0 ? remainingBits / inflightBps : remainingBits > 0 ? Infinity : 0;
  const rate = a.playbackRate && a.playbackRate > 0 ? a.playbackRate : 1;
  const bufferLeftSec = a.bufferSec / rate;
  const base = { inflightBps, remainingSec };

  if (a.rungIndex <= 0) return { abandon: false, reason: 'lowest-rung', ...base };
  if (a.elapsedMs < a.minElapsedMs) return { abandon: false, reason: 'too-early', ...base };
  if (remainingSec <= bufferLeftSec - a.safetySec) return { abandon: false, reason: 'on-time', ...base };

  // A fresh download would see at most what this one is getting now.
  const bw = inflightBps > 0 ? Math.min(inflightBps, a.estimateBps) : a.estimateBps;
  if (!(bw > 0)) return { abandon: false, reason: 'no-estimate', ...base };
  const fresh = (r: number): number => a.latencySec + (a.segmentBits[r] ?? Infinity) / bw;

  for (let r = a.rungIndex - 1; r >= 0; r--) {
    const t = fresh(r);
    if (t <= bufferLeftSec - a.safetySec && t < remainingSec) {
      return { abandon: true, switchTo: r, reason: 'would-stall', ...base };
    }
  }
  if (fresh(0) < remainingSec) {
    return { abandon: true, switchTo: 0, reason: 'emergency', ...base };
  }
  return { abandon: false, reason: 'finishing-is-faster', ...base };
}
