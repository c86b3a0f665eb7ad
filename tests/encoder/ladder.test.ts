import { describe, expect, it } from 'vitest';
import { chooseLadder } from '../../encoder/ladder/ladder.ts';

const ids = (r: ReturnType<typeof chooseLadder>): string[] => r.map((x) => x.id);

describe('chooseLadder (pure)', () => {
  it('takes every rung up to a 16:9 1080p source and none above it', () => {
    const r = chooseLadder({ displayWidth: 1920, displayHeight: 1080, frameRate: 30 });
    expect(ids(r)).toEqual(['v240p', 'v360p', 'v480p', 'v720p', 'v1080p']);
    expect(r.map((x) => `${x.width}x${x.height}`)).toEqual(['426x240', '640x360', '854x480', '1280x720', '1920x1080']);
  });

  it('reaches 2160p only for a 4K source and caps at --max-height', () => {
    expect(ids(chooseLadder({ displayWidth: 3840, displayHeight: 2160, frameRate: 24 })).at(-1)).toBe('v2160p');
    expect(ids(chooseLadder({ displayWidth: 3840, displayHeight: 2160, frameRate: 24, maxHeight: 720 })).at(-1)).toBe('v720p');
  });

  it('never upscales: an 800x332 source gets only 240p, keeping its 2.41:1 shape', () => {
    const r = chooseLadder({ displayWidth: 800, displayHeight: 332, frameRate: 24 });
    expect(ids(r)).toEqual(['v240p']);
    expect(r[0]!.width).toBe(578);
    expect(r[0]!.height).toBe(240);
  });

  it('uses the display size (anamorphic SAR already applied) and even dimensions', () => {
    // 720x576 with SAR 16:15 displays as 768x576 (4:3).
    const r = chooseLadder({ displayWidth: 768, displayHeight: 576, frameRate: 25 });
    expect(ids(r)).toEqual(['v240p', 'v360p', 'v480p']);
    for (const x of r) {
      expect(x.width % 2).toBe(0);
      expect(x.height % 2).toBe(0);
      expect(Math.abs(x.width / x.height - 4 / 3)).toBeLessThan(0.01);
    }
  });

  it('names portrait (rotated) rungs by their short side', () => {
    const r = chooseLadder({ displayWidth: 1080, displayHeight: 1920, frameRate: 30 });
    expect(ids(r)).toEqual(['v240p', 'v360p', 'v480p', 'v720p', 'v1080p']);
    expect(r.at(-1)).toMatchObject({ width: 1080, height: 1920 });
    expect(r[0]).toMatchObject({ width: 240, height: 426 });
  });

  it('still produces one rung at the source size when it is smaller than 240p', () => {
    const r = chooseLadder({ displayWidth: 321, displayHeight: 181, frameRate: 30 });
    expect(r).toHaveLength(1);
    expect(r[0]).toMatchObject({ width: 320, height: 180 });
    expect(r[0]!.targetBitrateBps).toBeLessThanOrEqual(300_000);
  });

  it('uses capped VBR with bitrates rising with the rung and Apple-like end points', () => {
    const r = chooseLadder({ displayWidth: 3840, displayHeight: 2160, frameRate: 30 });
    expect(r[0]!.targetBitrateBps).toBe(300_000);
    expect(r.at(-1)!.targetBitrateBps).toBeGreaterThanOrEqual(12_000_000);
    expect(r.at(-1)!.targetBitrateBps).toBeLessThanOrEqual(16_000_000);
    for (let i = 1; i < r.length; i++) expect(r[i]!.targetBitrateBps).toBeGreaterThan(r[i - 1]!.targetBitrateBps);
    for (const x of r) {
      expect(x.maxrateBps).toBeGreaterThan(x.targetBitrateBps);
      expect(x.bufsizeBits).toBeGreaterThan(0);
    }
    // Higher frame rates get more bits.
    const r60 = chooseLadder({ displayWidth: 1920, displayHeight: 1080, frameRate: 60 });
    expect(r60.at(-1)!.targetBitrateBps).toBeGreaterThan(chooseLadder({ displayWidth: 1920, displayHeight: 1080, frameRate: 30 }).at(-1)!.targetBitrateBps);
  });
});
