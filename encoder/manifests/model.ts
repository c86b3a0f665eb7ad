/**
 * The measured facts both manifest writers describe. Built from the produced files
 * (encoder/analysis), never from the settings we asked ffmpeg for. Paths are relative
 * to the title folder, always with forward slashes.
 */
export interface MeasuredSegment {
  file: string;
  bytes: number;
  /** Decode time of the first sample and duration, in the track's timescale. */
  startTicks: number;
  durationTicks: number;
  durationSec: number;
}

export interface MeasuredTrack {
  /** Rendition id, also its folder: "v720p", "audio". */
  id: string;
  kind: 'video' | 'audio';
  codecs: string;
  timescale: number;
  init: string;
  playlist: string;
  segments: MeasuredSegment[];
  /** Number of the first segment file (the DASH startNumber). */
  startNumber: number;
  /** Segment file name pattern relative to the rendition folder with %05d for the number. */
  segmentPattern: string;
  peakBps: number;
  avgBps: number;
  width?: number;
  height?: number;
  frameRate?: number;
  channels?: number;
  sampleRate?: number;
}

export interface MeasuredTitle {
  durationSec: number;
  segmentDurationSec: number;
  video: MeasuredTrack[];
  audio: MeasuredTrack | null;
}

/** Peak and average bitrate of a track from its segment sizes and measured durations. */
export function segmentBitrates(segments: Array<{ bytes: number; durationSec: number }>): { peakBps: number; avgBps: number } {
  let peak = 0;
  let bytes = 0;
  let seconds = 0;
  for (const s of segments) {
    bytes += s.bytes;
    seconds += s.durationSec;
    if (s.durationSec > 0) peak = Math.max(peak, (s.bytes * 8) / s.durationSec);
  }
  return { peakBps: Math.ceil(peak), avgBps: seconds > 0 ? Math.ceil((bytes * 8) / seconds) : 0 };
}

/** Path of `to` relative to the folder of `fromFile` (both relative to the title folder). */
export function relativeTo(fromFile: string, to: string): string {
  const fromDir = fromFile.split('/').slice(0, -1);
  const target = to.split('/');
  let common = 0;
  while (common < fromDir.length && common < target.length - 1 && fromDir[common] === target[common]) common++;
  return [...fromDir.slice(common).map(() => '..'), ...target.slice(common)].join('/');
}
