/**
 * Pure: turn ffprobe's JSON into the facts the encoder needs, or a user-facing reason
 * why the file cannot be encoded. No I/O here so every rejection rule is unit-testable.
 */
import { EncodeError } from '../errors.ts';
import type { SourceFacts } from '../catalog/title-json.ts';

export interface ProbeStream {
  index: number;
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  sample_aspect_ratio?: string;
  r_frame_rate?: string;
  avg_frame_rate?: string;
  duration?: string;
  nb_frames?: string;
  channels?: number;
  sample_rate?: string;
  tags?: Record<string, string>;
  disposition?: Record<string, number>;
  side_data_list?: Array<{ side_data_type?: string; rotation?: number }>;
}

export interface ProbeJson {
  streams?: ProbeStream[];
  format?: { format_name?: string; duration?: string; bit_rate?: string; size?: string };
}

export interface ProbedSource {
  facts: SourceFacts;
  /** Frame size after rotation and SAR: what a viewer sees (not rounded to even). */
  displayWidth: number;
  displayHeight: number;
  hasAudio: boolean;
  audioChannels: number | null;
  videoStreamIndex: number;
  audioStreamIndex: number | null;
}

export function parseRatio(text: string | undefined): number | null {
  if (!text) return null;
  const m = /^(\d+(?:\.\d+)?)[:/](\d+(?:\.\d+)?)$/.exec(text.trim());
  if (!m) {
    const n = Number(text);
    return Number.isFinite(n) && n > 0 ? n : null;
  }
  const num = Number(m[1]);
  const den = Number(m[2]);
  if (!(num > 0) || !(den > 0)) return null;
  return num / den;
}

function rotationOf(stream: ProbeStream): number {
  const fromTag = stream.tags?.rotate !== undefined ? Number(stream.tags.rotate) : NaN;
  const fromSide = stream.side_data_list?.find((s) => typeof s.rotation === 'number')?.rotation;
  const raw = Number.isFinite(fromTag) ? fromTag : (fromSide ?? 0);
  // Normalise to 0/90/180/270 clockwise.
  return (((Math.round(raw / 90) * 90) % 360) + 360) % 360;
}

export function sourceFactsFromProbe(probe: ProbeJson, filePath: string): ProbedSource {
  const fileName = filePath.split(/[\\/]/).pop() ?? filePath;
  const streams = probe.streams ?? [];
  const video = streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  const audio = streams.find((s) => s.codec_type === 'audio');
  if (streams.length === 0) {
    throw new EncodeError(`${filePath}: zero duration (the file holds no audio or video samples)`, 'zero-duration');
  }
  if (!video) {
    if (audio) throw new EncodeError(`${filePath}: audio-only file (no video stream); give a video file`, 'audio-only');
    throw new EncodeError(`${filePath}: no video stream found; is this a video file?`, 'not-video');
  }
  const width = video.width ?? 0;
  const height = video.height ?? 0;
  if (width <= 0 || height <= 0) {
    throw new EncodeError(`${filePath}: video stream has no frame size (${width}x${height}); the file may be corrupt`, 'corrupt');
  }
  // The video's own duration when known (audio may run longer than the picture), else the container's.
  const videoDuration = Number(video.duration ?? NaN);
  const duration = videoDuration > 0 ? videoDuration : Number(probe.format?.duration ?? NaN);
  if (!(duration > 0)) {
    throw new EncodeError(`${filePath}: zero duration (no playable video); give a file with at least one second of video`, 'zero-duration');
  }
  if (video.nb_frames !== undefined && Number(video.nb_frames) === 0) {
    throw new EncodeError(`${filePath}: zero duration (the video stream has no frames)`, 'zero-duration');
  }
  const sar = parseRatio(video.sample_aspect_ratio) ?? 1;
  const rotation = rotationOf(video);
  const sidewise = rotation === 90 || rotation === 270;
  const storedDisplayWidth = width * (sar > 0 ? sar : 1);
  const displayWidth = sidewise ? height : storedDisplayWidth;
  const displayHeight = sidewise ? storedDisplayWidth : height;
  const frameRate = sanitiseFrameRate(parseRatio(video.avg_frame_rate) ?? parseRatio(video.r_frame_rate));
  const bitRate = Number(probe.format?.bit_rate ?? NaN);
  return {
    facts: {
      file: fileName,
      container: probe.format?.format_name ?? 'unknown',
      durationSec: round(duration, 3),
      width,
      height,
      displayAspectRatio: round(displayWidth / displayHeight, 4),
      rotation,
      frameRate: round(frameRate, 3),
      videoCodec: video.codec_name ?? 'unknown',
      audioCodec: audio?.codec_name ?? null,
      bitrateBps: Number.isFinite(bitRate) && bitRate > 0 ? Math.round(bitRate) : null,
    },
    displayWidth,
    displayHeight,
    hasAudio: Boolean(audio),
    audioChannels: audio?.channels ?? null,
    videoStreamIndex: video.index,
    audioStreamIndex: audio ? audio.index : null,
  };
}

/** Frame rates like 90000/1 (timebase leaked into r_frame_rate) or 0 are not usable. */
function sanitiseFrameRate(fps: number | null): number {
  if (fps === null || !(fps >= 1) || fps > 240) return 25;
  return fps;
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
