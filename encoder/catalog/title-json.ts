/**
 * The catalogue entry the encoder writes as `media/<id>/title.json`.
 * It is the contract between the encoder (producer), the server's catalogue API
 * and the player (consumers). Add fields freely; never rename or remove one.
 * All paths are relative to the title folder.
 */
export interface SourceFacts {
  /** File name of the source (no directory: the catalogue must not leak local paths). */
  file: string;
  container: string;
  durationSec: number;
  width: number;
  height: number;
  /** Display aspect ratio after SAR and rotation, as a number (e.g. 1.7778). */
  displayAspectRatio: number;
  rotation: number;
  frameRate: number;
  videoCodec: string;
  audioCodec: string | null;
  bitrateBps: number | null;
}

export interface VideoRendition {
  /** Stable id, e.g. "v720p". Also the folder/prefix of its files. */
  id: string;
  width: number;
  height: number;
  /** Peak segment bitrate (bits/s) measured on the produced segments (video only). */
  bitratePeakBps: number;
  /** Average bitrate (bits/s) measured on the produced segments (video only). */
  bitrateAvgBps: number;
  /** Target bitrate the ladder asked for (bits/s). */
  targetBitrateBps: number;
  /** RFC 6381 codec string, e.g. "avc1.64001f". */
  codecs: string;
  frameRate: number;
  /** HLS media playlist, e.g. "v720p/playlist.m3u8". */
  playlist: string;
  /** Init segment, e.g. "v720p/init.mp4". */
  init: string;
  segments: Array<{ file: string; durationSec: number; bytes: number }>;
}

export interface AudioRendition {
  id: string;
  codecs: string;
  bitratePeakBps: number;
  bitrateAvgBps: number;
  channels: number;
  sampleRate: number;
  language: string;
  playlist: string;
  init: string;
  segments: Array<{ file: string; durationSec: number; bytes: number }>;
}

export interface TitleJson {
  id: string;
  title: string;
  durationSec: number;
  source: SourceFacts;
  /** Ordered from lowest to highest bitrate. */
  renditions: VideoRendition[];
  audio: AudioRendition | null;
  segmentDurationSec: number;
  hls: string; // "master.m3u8"
  dash: string; // "manifest.mpd"
  poster: string; // "poster.jpg"
  thumbnails: { vtt: string; sprites: string[]; intervalSec: number; width: number; height: number } | null;
  createdAt: string; // ISO 8601
  encoder: Record<string, unknown>;
}
