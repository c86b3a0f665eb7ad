/**
 * Generated traces and chunk sizes for when the public data set is not
 * available (a fresh clone without ../shared). Deterministic (seeded), in
 * Pensieve's format, with the kinds of behaviour the real sets have: slow
 * drifts, sudden drops and recoveries, outages, per-second noise.
 * They are NOT comparable with published results; they only let the lab and
 * its tests run anywhere.
 */

import type { Trace, Video } from './pensieve-env.ts';
import { PENSIEVE_LADDER_KBPS } from './qoe.ts';
import { mulberry32 } from '../../server/edge/policies/seeded-random.ts';

export function syntheticTraces(count: number, seed = 1, durationSec = 320): Trace[] {
  const out: Trace[] = [];
  for (let k = 0; k < count; k++) {
    const rnd = mulberry32(seed * 7919 + k);
    let level = 0.4 + rnd() * 4; // Mb/s
    const timeSec: number[] = [];
    const mbps: number[] = [];
    let t = 0;
    while (t <= durationSec) {
      const r = rnd();
      if (r < 0.03) level = 0.2 + rnd() * 0.5; // sudden drop
      else if (r < 0.06) level = 1 + rnd() * 5; // recovery / jump
      else level = Math.max(0.1, Math.min(8, level * Math.exp((rnd() - 0.5) * 0.3)));
      const outage = rnd() < 0.01;
      timeSec.push(Number(t.toFixed(3)));
      mbps.push(outage ? 0.05 : Number((level * (0.8 + 0.4 * rnd())).toFixed(4)));
      t += 1;
    }
    out.push({ name: `synthetic_${seed}_${k}`, timeSec, mbps });
  }
  return out;
}

/** Chunk sizes around the declared bitrate (±15 %), 49 per rung like Pensieve's video. */
export function syntheticVideo(seed = 1): Video {
  const rnd = mulberry32(seed);
  const chunks = 49;
  const noise = Array.from({ length: chunks }, () => 0.85 + 0.3 * rnd());
  return {
    name: 'synthetic',
    bitratesKbps: [...PENSIEVE_LADDER_KBPS],
    chunkBytes: PENSIEVE_LADDER_KBPS.map((k) => noise.map((f) => Math.round((k * 1000 * 4 * f) / 8))),
    chunkDurationSec: 4,
    totalChunks: 48,
    startRung: 1,
  };
}
