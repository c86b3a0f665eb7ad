/**
 * The contract of our ABR: a pure module (no DOM, no engine, no I/O) used by
 * the hls.js adapter, the shaka adapter and the ABR lab alike.
 * Implementations may add optional fields; existing ones keep their meaning.
 */

/** One rung of the ladder as the player knows it from the manifest. */
export interface Rung {
  /** Declared peak bandwidth (HLS BANDWIDTH / DASH @bandwidth), bits/s. */
  bandwidthBps: number;
  /** Declared average bandwidth when known, bits/s. */
  averageBandwidthBps?: number;
  width?: number;
  height?: number;
}

/** A finished segment download, as measured by the engine's network layer. */
export interface DownloadSample {
  rungIndex: number;
  bytes: number;
  /** Request start → last byte, ms. */
  totalMs: number;
  /** Request start → first byte, ms (0 if unknown). */
  ttfbMs: number;
  /** Media duration of the segment, s. */
  segmentDurationSec: number;
  /** Monotonic time at which it finished, ms. */
  atMs: number;
}

/** A segment download in progress (for abandonment). */
export interface InFlightProgress {
  rungIndex: number;
  bytesLoaded: number;
  /** Expected size when known (Content-Length), else undefined. */
  bytesTotal?: number;
  elapsedMs: number;
  ttfbMs?: number;
  segmentDurationSec: number;
}

export interface PlaybackState {
  /** Seconds of media buffered ahead of the playhead. */
  bufferSec: number;
  /** Monotonic now, ms. */
  nowMs: number;
  playbackRate?: number;
  /** Highest rung allowed (e.g. capped to player size); undefined = no cap. */
  maxRungIndex?: number;
  /** Duration of the next segment, s (default: the last downloaded one's). */
  segmentDurationSec?: number;
  /** The engine's buffer goal (it stops fetching above it), s. */
  maxBufferSec?: number;
  /**
   * Segments still to fetch, including the one being chosen (VoD: known from
   * the playlist; undefined for live or when unknown). Near the end there is
   * no point keeping a buffer, so the rule may spend it.
   */
  segmentsLeft?: number;
}

export interface AbrDecision {
  rungIndex: number;
  /** Throughput estimate used for the decision, bits/s. */
  estimateBps: number;
  /** Short machine-readable reason, e.g. "startup", "drop", "climb", "hold", "pinned". */
  reason: string;
}

export interface AbandonDecision {
  abandon: boolean;
  /** Rung to fetch instead when abandoning. */
  switchTo?: number;
  reason: string;
}

export interface AbrRule {
  setRungs(rungs: readonly Rung[]): void;
  recordDownload(sample: DownloadSample): void;
  /** First rung, from a quick estimate (manifest download, last session's estimate). */
  chooseStartRung(hint?: { estimateBps?: number }): AbrDecision;
  /** Rung for the next segment. */
  chooseNext(state: PlaybackState): AbrDecision;
  /** Called during a download; says whether to give it up for a lower rung. */
  checkAbandon(progress: InFlightProgress, state: PlaybackState): AbandonDecision;
  /** Manual quality: pin a rung (null = back to Auto). */
  pin(rungIndex: number | null): void;
  /** Current throughput estimate, bits/s (0 when nothing is known yet). */
  estimateBps(): number;
  /** What to keep for the next session (see estimate-storage.ts); null when nothing is known. */
  exportEstimate?(): { estimateBps: number; latencyMs: number } | null;
  /** Forget in-flight progress (the download was cancelled for another reason, e.g. a seek). */
  cancelInFlight?(): void;
}
