/**
 * "Never lose anything": every kind of bad input gets a one-line error naming the file and
 * leaves the media dir exactly as it was; an existing id is refused without force and
 * replaced atomically with it; aborts and stale staging folders leave nothing behind;
 * a few undecodable frames only warn.
 */
import { chmod, mkdir, mkdtemp, readFile, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeTitle, isEncodeError, makeDemoSource, type TitleJson } from '../../encoder/index.ts';
import { ensureEncodedTitle, sharedSamplePath, SAMPLES } from '../fixtures/encoded-title.ts';
import { ffmpeg, snapshot } from './helpers.ts';

let src: string;
let mediaDir: string;
let good: string;

async function expectRejected(input: string, reason: RegExp, code?: string): Promise<void> {
  const before = await snapshot(mediaDir);
  let caught: unknown = null;
  try {
    await encodeTitle({ input, id: 'bad', mediaDir, segmentDurationSec: 2, onWarning: () => {} });
  } catch (err) {
    caught = err;
  }
  expect(isEncodeError(caught), `expected a user error for ${input}, got ${String(caught)}`).toBe(true);
  const message = (caught as Error).message;
  expect(message).toContain(input);
  expect(message).toMatch(reason);
  expect(message).not.toContain('\n');
  if (code) expect((caught as { code: string }).code).toBe(code);
  expect(await snapshot(mediaDir)).toEqual(before);
}

beforeAll(async () => {
  src = await mkdtemp(join(tmpdir(), 'enc-bad-src-'));
  mediaDir = await mkdtemp(join(tmpdir(), 'enc-bad-media-'));
  // An existing title that must survive every failure below.
  await ensureEncodedTitle({ mediaDir, id: 'keep', verbose: false });
  good = join(src, 'good.mp4');
  await makeDemoSource(good, { durationSec: 3, width: 320, height: 240 });
  await writeFile(join(src, 'text.mp4'), 'this is a text file, not a video\n');
  await ffmpeg(['-f', 'lavfi', '-i', 'sine=d=2', '-c:a', 'aac', join(src, 'audio.m4a')]);
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=s=320x240:d=1', '-frames:v', '0', '-c:v', 'libx264', join(src, 'zero.mp4')]);
  // 8 s H.264 + AAC, moov at the end (a download cut short) and moov at the front (cut mid-way).
  const plain = join(src, 'plain.mp4');
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=25:d=8', '-f', 'lavfi', '-i', 'sine=d=8', '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', plain]);
  const faststart = join(src, 'faststart.mp4');
  await ffmpeg(['-i', plain, '-c', 'copy', '-movflags', '+faststart', faststart]);
  const p = await readFile(plain);
  await writeFile(join(src, 'cut-no-moov.mp4'), p.subarray(0, Math.floor(p.length / 2)));
  const f = await readFile(faststart);
  await writeFile(join(src, 'cut-mid.mp4'), f.subarray(0, Math.floor(f.length / 2)));
  const corrupt = Buffer.from(f);
  let seed = 7;
  for (let i = Math.floor(f.length * 0.3); i < Math.floor(f.length * 0.8); i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    corrupt[i] = seed & 0xff;
  }
  await writeFile(join(src, 'corrupt-mid.mp4'), corrupt);
});

describe('bad input: one-line error naming the file, media dir untouched', () => {
  it('missing file', () => expectRejected(join(src, 'nope.mp4'), /not found/, 'missing'));
  it('unreadable file', async () => {
    // root reads anything, so as root use a directory named like a video (also unreadable as a video file).
    const path = join(src, process.getuid?.() === 0 ? 'folder.mp4' : 'locked.mp4');
    if (process.getuid?.() === 0) await mkdir(path, { recursive: true });
    else {
      await writeFile(path, await readFile(good));
      await chmod(path, 0o000);
    }
    await expectRejected(path, /unreadable|not readable|permission/, 'unreadable');
  });
  it('not a video (text renamed .mp4)', () => expectRejected(join(src, 'text.mp4'), /not a readable video|Invalid data/, 'not-video'));
  it('audio-only file', () => expectRejected(join(src, 'audio.m4a'), /audio-only/, 'audio-only'));
  it('zero duration', () => expectRejected(join(src, 'zero.mp4'), /zero duration/, 'zero-duration'));
  it('truncated download (moov missing)', () => expectRejected(join(src, 'cut-no-moov.mp4'), /truncated/));
  it('truncated mid-way (moov at the front, media cut)', () => expectRejected(join(src, 'cut-mid.mp4'), /truncated|corrupt/));
  it('corrupt mid-way', () => expectRejected(join(src, 'corrupt-mid.mp4'), /corrupt/));
});

describe('publishing', () => {
  it('refuses an existing id without force and leaves it untouched', async () => {
    const before = await snapshot(mediaDir);
    await expect(encodeTitle({ input: good, id: 'keep', mediaDir })).rejects.toThrow(/already exists; pass --force/);
    expect(await snapshot(mediaDir)).toEqual(before);
  });

  it('an aborted encode (Ctrl-C) leaves no title and no staging folder', async () => {
    const before = await snapshot(mediaDir);
    const controller = new AbortController();
    const run = encodeTitle({
      input: join(src, 'faststart.mp4'),
      id: 'aborted',
      mediaDir,
      segmentDurationSec: 2,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'encode') controller.abort(new Error('test abort'));
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'aborted' });
    expect(await snapshot(mediaDir)).toEqual(before);
  });

  it('--force replaces an existing title atomically and stale staging folders are cleaned', async () => {
    await ensureEncodedTitle({ mediaDir, id: 'replace-me', verbose: false });
    const stale = join(mediaDir, '.staging-old-p999999-deadbeef');
    await mkdir(join(stale, 'v240p'), { recursive: true });
    await writeFile(join(stale, 'v240p', 'seg-00001.m4s'), 'half written');
    const title: TitleJson = await encodeTitle({ input: good, id: 'replace-me', mediaDir, force: true, segmentDurationSec: 1, onWarning: () => {} });
    expect(title.renditions.map((r) => r.id)).toEqual(['v240p']);
    const names = await readdir(mediaDir);
    expect(names.sort()).toEqual(['keep', 'replace-me']);
    // The old 480p rendition is gone, the new title.json is the one returned.
    expect(await readdir(join(mediaDir, 'replace-me'))).not.toContain('v480p');
    expect(JSON.parse(await readFile(join(mediaDir, 'replace-me', 'title.json'), 'utf8'))).toEqual(title);
  });
});

describe('a few undecodable frames', () => {
  it('still encodes, with a warning', async () => {
    const sintel = sharedSamplePath(SAMPLES.sintel);
    let input: string;
    let limit: number;
    if (sintel) {
      // Sintel's AV1 stream has 2 corrupt frames after 7.4 s.
      input = sintel;
      limit = 8;
    } else {
      console.log('[bad-input] ../shared/media-samples absent: damaging one frame of a synthetic clip instead');
      input = join(src, 'one-bad-frame.mp4');
      const f = Buffer.from(await readFile(join(src, 'faststart.mp4')));
      for (let i = 0; i < 40; i++) f[Math.floor(f.length * 0.55) + i] = 0xff;
      await writeFile(input, f);
      limit = 8;
    }
    const warnings: string[] = [];
    const title = await encodeTitle({ input, id: 'few-bad-frames', mediaDir, maxHeight: 240, segmentDurationSec: 2, durationLimitSec: limit, preset: 'superfast', onWarning: (m) => warnings.push(m) });
    expect(warnings.join('\n')).toMatch(/decoding error/);
    expect(title.durationSec).toBeGreaterThan(limit - 1);
    expect(title.renditions).toHaveLength(1);
  });
});
