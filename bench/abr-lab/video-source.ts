/**
 * The video a session plays: Pensieve's "Envivio-Dash3" chunk sizes (from the
 * shared data set), or one of our encoded titles (media/<id>/title.json: its
 * ladder and real segment sizes).
 */

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TitleJson } from '../../encoder/catalog/title-json.ts';
import type { Video } from './pensieve-env.ts';
import { PENSIEVE_LADDER_KBPS } from './qoe.ts';

export function loadPensieveVideo(videoSizesDir: string): Video {
  const chunkBytes = PENSIEVE_LADDER_KBPS.map((_, q) => {
    const text = readFileSync(join(videoSizesDir, `video_size_${q}`), 'utf8');
    return text
      .split(/\r?\n/)
      .map((l) => l.trim().split(/\s+/)[0] ?? '')
      .filter((s) => s !== '')
      .map((s) => {
        const n = Number.parseInt(s, 10);
        if (!Number.isFinite(n) || n <= 0) throw new Error(`video_size_${q}: bad size "${s}"`);
        return n;
      });
  });
  return {
    name: 'pensieve',
    bitratesKbps: [...PENSIEVE_LADDER_KBPS],
    chunkBytes,
    chunkDurationSec: 4,
    totalChunks: 48,
    startRung: 1,
  };
}

/**
 * One of our titles. Declared bitrates are the renditions' peak bitrates (what
 * the HLS master declares as BANDWIDTH); sizes are the real segment sizes.
 * Segments: all but a short last one; start rung 1 as in Pensieve.
 */
export function loadMediaVideo(mediaDir: string, id: string): Video {
  const file = join(mediaDir, id, 'title.json');
  if (!existsSync(file)) throw new Error(`no title.json for "${id}" in ${mediaDir} (run npm run encode first)`);
  const t = JSON.parse(readFileSync(file, 'utf8')) as TitleJson;
  const renditions = [...t.renditions].sort((a, b) => a.bitratePeakBps - b.bitratePeakBps);
  if (renditions.length < 2) throw new Error(`${id}: needs at least 2 renditions for an ABR comparison`);
  const counts = renditions.map((r) => r.segments.length);
  const segs = Math.min(...counts);
  if (segs < 3) throw new Error(`${id}: too few segments (${segs})`);
  const segDur = t.segmentDurationSec;
  // A final partial segment would distort the per-chunk QoE: drop it.
  const last = renditions[0]?.segments[segs - 1];
  const total = last && last.durationSec < 0.75 * segDur ? segs - 1 : segs;
  return {
    name: id,
    bitratesKbps: renditions.map((r) => r.bitratePeakBps / 1000),
    chunkBytes: renditions.map((r) => r.segments.slice(0, segs).map((s) => s.bytes)),
    chunkDurationSec: segDur,
    totalChunks: total,
    startRung: Math.min(1, renditions.length - 1),
  };
}
