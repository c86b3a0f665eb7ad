/**
 * Test helpers for the server suite: a tiny real encoded title (ffmpeg from @ffmpeg-installer: two video rungs
 * + audio, CMAF segments, HLS + DASH manifests from ffmpeg's dash muxer), cached per machine and copied into each
 * test's media dir; and a raw HTTP client that sends request targets verbatim (fetch would normalise `..`).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { cp, mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import ffmpeg from '@ffmpeg-installer/ffmpeg';
import type { TitleJson } from '../../encoder/catalog/title-json.ts';

const run = promisify(execFile);
const FIXTURE_VERSION = 'v2';

async function buildMiniTitle(dir: string, durationSec: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  const ff = ffmpeg.path;
  // prettier-ignore
  await run(ff, [
    '-hide_banner', '-loglevel', 'error',
    '-f', 'lavfi', '-i', `testsrc2=s=320x180:r=24:d=${durationSec}`,
    '-f', 'lavfi', '-i', `sine=f=440:d=${durationSec}`,
    '-map', '0:v', '-map', '0:v', '-map', '1:a',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '24', '-keyint_min', '24', '-sc_threshold', '0',
    '-b:v:0', '150k', '-s:v:0', '160x90', '-b:v:1', '600k', '-s:v:1', '320x180',
    '-c:a', 'aac', '-b:a', '64k',
    '-f', 'dash', '-seg_duration', '1', '-use_template', '1', '-use_timeline', '0', '-hls_playlist', '1',
    '-init_seg_name', 'init-$RepresentationID$.mp4', '-media_seg_name', 'seg-$RepresentationID$-$Number%05d$.m4s',
    '-adaptation_sets', 'id=0,streams=v id=1,streams=a',
    join(dir, 'manifest.mpd'),
  ], { cwd: dir });
  await run(ff, ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=320x180:d=1', '-frames:v', '1', join(dir, 'poster.jpg')]);
  await writeFile(join(dir, 'thumbs.vtt'), 'WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nposter.jpg#xywh=0,0,160,90\n');
}

async function cachedMiniTitle(durationSec: number): Promise<string> {
  const dir = join(tmpdir(), `abr-server-fixture-${FIXTURE_VERSION}-${durationSec}s`);
  if (existsSync(join(dir, 'manifest.mpd')) && existsSync(join(dir, 'thumbs.vtt'))) return dir;
  const tmp = await mkdtemp(join(tmpdir(), 'abr-server-fixture-build-'));
  await buildMiniTitle(tmp, durationSec);
  try {
    await rename(tmp, dir);
  } catch {
    await rm(tmp, { recursive: true, force: true }); // another worker won the race
  }
  return dir;
}

/** Copies the cached mini title into mediaDir/id and writes its title.json. */
export async function makeMiniTitle(mediaDir: string, id = 'demo', durationSec = 6, title = 'Demo'): Promise<{ dir: string; segments: string[]; title: TitleJson }> {
  const src = await cachedMiniTitle(durationSec);
  const dir = join(mediaDir, id);
  await mkdir(mediaDir, { recursive: true });
  await cp(src, dir, { recursive: true });
  const files = (await readdir(dir)).sort();
  const segments = files.filter((f) => f.endsWith('.m4s'));
  const segs = async (rep: string) =>
    Promise.all(
      segments.filter((f) => f.startsWith(`seg-${rep}-`)).map(async (f) => ({ file: f, durationSec: 1, bytes: (await stat(join(dir, f))).size })),
    );
  const t: TitleJson = {
    id,
    title,
    durationSec,
    source: { file: 'lavfi.mp4', container: 'mp4', durationSec, width: 320, height: 180, displayAspectRatio: 16 / 9, rotation: 0, frameRate: 24, videoCodec: 'h264', audioCodec: 'aac', bitrateBps: null },
    renditions: [
      { id: '0', width: 160, height: 90, bitratePeakBps: 200_000, bitrateAvgBps: 150_000, targetBitrateBps: 150_000, codecs: 'avc1.42c00c', frameRate: 24, playlist: 'media_0.m3u8', init: 'init-0.mp4', segments: await segs('0') },
      { id: '1', width: 320, height: 180, bitratePeakBps: 700_000, bitrateAvgBps: 600_000, targetBitrateBps: 600_000, codecs: 'avc1.42c014', frameRate: 24, playlist: 'media_1.m3u8', init: 'init-1.mp4', segments: await segs('1') },
    ],
    audio: { id: '2', codecs: 'mp4a.40.2', bitratePeakBps: 64_000, bitrateAvgBps: 64_000, channels: 1, sampleRate: 44100, language: 'und', playlist: 'media_2.m3u8', init: 'init-2.mp4', segments: await segs('2') },
    segmentDurationSec: 1,
    hls: 'master.m3u8',
    dash: 'manifest.mpd',
    poster: 'poster.jpg',
    thumbnails: null,
    createdAt: new Date().toISOString(),
    encoder: { fixture: 'tests/server/helpers.ts' },
  };
  await writeFile(join(dir, 'title.json'), JSON.stringify(t, null, 2));
  return { dir, segments, title: t };
}

export async function tempMediaDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'abr-server-media-'));
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** Sends `path` verbatim (no URL normalisation). */
export function raw(base: string, path: string, opts: { method?: string; headers?: Record<string, string> } = {}): Promise<RawResponse> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path, method: opts.method ?? 'GET', headers: opts.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
