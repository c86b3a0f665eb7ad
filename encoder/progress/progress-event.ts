/** One progress event, emitted by encodeTitle and rendered by the CLI (bar, lines or JSON). */
export interface EncodeProgress {
  phase: 'probe' | 'encode' | 'package' | 'verify' | 'publish' | 'done';
  /** 0-100 over the whole encode of this title. */
  percent: number;
  /** Seconds of source processed, and the total to process. */
  processedSec: number;
  durationSec: number;
  /** Encoding speed: × realtime and frames per second (source frames). */
  speed: number;
  fps: number;
  /** Estimated seconds left, null until known. */
  etaSec: number | null;
  elapsedSec: number;
}

/** Pure: derive speed and ETA from processed media time and wall time. */
export function encodeProgress(processedSec: number, durationSec: number, elapsedSec: number, fps: number): EncodeProgress {
  const done = Math.max(0, Math.min(processedSec, durationSec));
  const speed = elapsedSec > 0 ? done / elapsedSec : 0;
  const etaSec = speed > 0 ? (durationSec - done) / speed : null;
  return {
    phase: 'encode',
    // Leave the last 2 % for packaging, verification and publishing.
    percent: durationSec > 0 ? Math.min(98, (done / durationSec) * 98) : 0,
    processedSec: done,
    durationSec,
    speed,
    fps,
    etaSec,
    elapsedSec,
  };
}
