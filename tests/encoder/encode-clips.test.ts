/**
 * Real encodes (real ffmpeg) of short cuts of the shared sample clips and a short synthetic
 * 4K clip for the 2160p rung. Each title is encoded once (cached by tests/fixtures) and
 * checked against every acceptance point in title-assertions.ts.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe } from 'vitest';
import { ensureEncodedTitle, sharedSamplePath, SAMPLES } from '../fixtures/encoded-title.ts';
import { registerTitleChecks, type TitleContext } from './title-assertions.ts';

async function freshMediaDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'enc-media-'));
}

function sampleOrNote(name: string): string | null {
  const p = sharedSamplePath(name);
  if (!p) console.log(`[encode-clips] ../shared/media-samples/${name} is absent (fresh clone): using a synthetic lavfi source instead`);
  return p;
}

describe('tears of steel (VP8 + Vorbis 800x332, 6 s cut, 2 s segments)', () => {
  let ctx: TitleContext;
  beforeAll(async () => {
    const mediaDir = await freshMediaDir();
    const source = sampleOrNote(SAMPLES.tearsOfSteel);
    const title = await ensureEncodedTitle({ mediaDir, id: 'tears', source, durationSec: 6, segmentDurationSec: 2 });
    ctx = {
      dir: join(mediaDir, 'tears'),
      title,
      expect: source
        ? { displayWidth: 800, displayHeight: 332, hasAudio: true, durationSec: 6 }
        : { displayWidth: 854, displayHeight: 480, hasAudio: true, durationSec: 6 },
    };
  });
  registerTitleChecks(() => ctx);
});

describe('intel car park (H.264 Baseline + silent AAC 768x432 12.5 fps, 4 s cut)', () => {
  let ctx: TitleContext;
  beforeAll(async () => {
    const mediaDir = await freshMediaDir();
    const source = sampleOrNote(SAMPLES.intelCar);
    const title = await ensureEncodedTitle({ mediaDir, id: 'car', source, durationSec: 4, segmentDurationSec: 2 });
    ctx = {
      dir: join(mediaDir, 'car'),
      title,
      expect: source
        ? { displayWidth: 768, displayHeight: 432, hasAudio: true, durationSec: 4 }
        : { displayWidth: 854, displayHeight: 480, hasAudio: true, durationSec: 4 },
    };
  });
  registerTitleChecks(() => ctx);
});

describe('synthetic 4K (3840x2160, 2 s, 1 s segments): all seven rungs up to 2160p', () => {
  let ctx: TitleContext;
  beforeAll(async () => {
    const mediaDir = await freshMediaDir();
    const title = await ensureEncodedTitle({
      mediaDir,
      id: 'uhd',
      durationSec: 2,
      segmentDurationSec: 1,
      syntheticWidth: 3840,
      syntheticHeight: 2160,
      preset: 'superfast',
    });
    ctx = { dir: join(mediaDir, 'uhd'), title, expect: { displayWidth: 3840, displayHeight: 2160, hasAudio: true, durationSec: 2 } };
  });
  registerTitleChecks(() => ctx);
});
