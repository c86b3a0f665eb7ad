/**
 * I/O edge: read what the DASH muxer wrote (raw init + numbered chunks per output
 * stream), measure every segment with the pure MP4 box reader, and move the files into
 * the published layout: <rendition>/init.mp4 and <rendition>/seg-00001.m4s.
 */
import { mkdir, readdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { rawInitFile } from '../ffmpeg/encode-command.ts';
import { segmentBitrates, type MeasuredTrack } from '../manifests/model.ts';
import { parseInit, parseSegment } from './mp4-boxes.ts';

export const SEGMENT_PATTERN = 'seg-%05d.m4s';
export const segmentName = (n: number): string => `seg-${String(n).padStart(5, '0')}.m4s`;

export interface TrackToMeasure {
  streamIndex: number;
  id: string;
  frameRate?: number;
}

export async function measureAndPlaceTrack(rawDir: string, titleDir: string, t: TrackToMeasure): Promise<MeasuredTrack> {
  const initBuf = await readFile(join(rawDir, rawInitFile(t.streamIndex)));
  const init = parseInit(initBuf);
  const prefix = `chunk-${t.streamIndex}-`;
  const chunks = (await readdir(rawDir))
    .filter((f) => f.startsWith(prefix) && f.endsWith('.m4s'))
    .map((f) => ({ f, n: Number(f.slice(prefix.length, -4)) }))
    .sort((a, b) => a.n - b.n);
  if (chunks.length === 0) throw new Error(`rendition ${t.id}: ffmpeg produced no media segments`);
  chunks.forEach((c, i) => {
    if (c.n !== chunks[0]!.n + i) throw new Error(`rendition ${t.id}: segment ${chunks[0]!.n + i} is missing`);
  });
  await mkdir(join(titleDir, t.id), { recursive: true });
  const segments: MeasuredTrack['segments'] = [];
  for (const c of chunks) {
    const buf = await readFile(join(rawDir, c.f));
    const info = parseSegment(buf, init);
    if (info.sampleCount === 0) throw new Error(`rendition ${t.id}: segment ${c.n} is empty`);
    if (init.kind === 'video' && !info.startsWithSync) {
      throw new Error(`rendition ${t.id}: segment ${c.n} does not start with a keyframe`);
    }
    const file = `${t.id}/${segmentName(c.n)}`;
    await rename(join(rawDir, c.f), join(titleDir, file));
    segments.push({
      file,
      bytes: buf.length,
      startTicks: info.baseMediaDecodeTime,
      durationTicks: info.durationTicks,
      durationSec: info.durationTicks / init.timescale,
    });
  }
  const initFile = `${t.id}/init.mp4`;
  await rename(join(rawDir, rawInitFile(t.streamIndex)), join(titleDir, initFile));
  const { peakBps, avgBps } = segmentBitrates(segments);
  return {
    id: t.id,
    kind: init.kind,
    codecs: init.codecs,
    timescale: init.timescale,
    init: initFile,
    playlist: `${t.id}/playlist.m3u8`,
    segments,
    startNumber: chunks[0]!.n,
    segmentPattern: SEGMENT_PATTERN,
    peakBps,
    avgBps,
    ...(init.kind === 'video'
      ? { width: init.width, height: init.height, frameRate: t.frameRate }
      : { channels: init.channels, sampleRate: init.sampleRate }),
  };
}
