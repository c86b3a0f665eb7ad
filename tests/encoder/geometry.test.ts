/**
 * Aspect ratio from the display geometry: anamorphic (non-square SAR) and rotated
 * (display-matrix) sources, encoded for real and checked with ffprobe.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TitleJson } from '../../encoder/index.ts';
import { ensureEncodedTitle } from '../fixtures/encoded-title.ts';
import { ffmpeg, ffprobeJson, joinRendition } from './helpers.ts';

let mediaDir: string;
let anamorphic: TitleJson;
let rotated: TitleJson;

beforeAll(async () => {
  const src = await mkdtemp(join(tmpdir(), 'enc-geo-'));
  mediaDir = await mkdtemp(join(tmpdir(), 'enc-geo-media-'));
  // 480x360 stored with SAR 2:1 → displayed 960x360 (8:3).
  const sar = join(src, 'anamorphic.mp4');
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=480x360:r=24:d=2,setsar=2/1', '-c:v', 'libx264', '-preset', 'ultrafast', sar]);
  // 640x360 stored, rotate=90 → displayed 360x640 portrait.
  // Its audio stops after 1 s: the encoder pads it with silence to the picture's length.
  // (This ffmpeg only writes the display matrix when remuxing, hence two steps.)
  const upright = join(src, 'upright.mp4');
  const rot = join(src, 'rotated.mp4');
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=640x360:r=24:d=2', '-f', 'lavfi', '-i', 'sine=d=1', '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', upright]);
  await ffmpeg(['-i', upright, '-c', 'copy', '-metadata:s:v:0', 'rotate=90', rot]);
  anamorphic = await ensureEncodedTitle({ mediaDir, id: 'sar', source: sar, durationSec: 2, segmentDurationSec: 1 });
  rotated = await ensureEncodedTitle({ mediaDir, id: 'rot', source: rot, durationSec: 2, segmentDurationSec: 1 });
});

describe('display geometry', () => {
  it('anamorphic source: rungs keep the 8:3 display aspect with square pixels', async () => {
    expect(anamorphic.source.displayAspectRatio).toBeCloseTo(8 / 3, 3);
    expect(anamorphic.renditions.map((r) => `${r.width}x${r.height}`)).toEqual(['640x240', '960x360']);
    expect(anamorphic.audio).toBeNull();
    const top = anamorphic.renditions.at(-1)!;
    const s = (await ffprobeJson(await joinRendition(join(mediaDir, 'sar'), top.init, [top.segments[0]!.file]), ['-show_streams'])).streams[0];
    expect([s.width, s.height]).toEqual([960, 360]);
    expect(['1:1', undefined, '0:1']).toContain(s.sample_aspect_ratio);
  });

  it('rotated phone-style source: portrait rungs named by the short side, pixels upright', async () => {
    expect([90, 270]).toContain(rotated.source.rotation);
    expect(rotated.renditions.map((r) => `${r.id} ${r.width}x${r.height}`)).toEqual(['v240p 240x426', 'v360p 360x640']);
    const top = rotated.renditions.at(-1)!;
    const s = (await ffprobeJson(await joinRendition(join(mediaDir, 'rot'), top.init, [top.segments[0]!.file]), ['-show_streams'])).streams[0];
    expect([s.width, s.height]).toEqual([360, 640]);
    // Rotation is applied to the pixels, so the output carries no rotate flag of its own.
    expect(s.tags?.rotate ?? '0').toBe('0');
    expect(rotated.audio?.codecs).toBe('mp4a.40.2');
    const audioSec = rotated.audio!.segments.reduce((a, x) => a + x.durationSec, 0);
    const videoSec = top.segments.reduce((a, x) => a + x.durationSec, 0);
    expect(Math.abs(audioSec - videoSec)).toBeLessThan(0.05);
  });
});
