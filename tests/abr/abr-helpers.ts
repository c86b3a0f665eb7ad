import type { AbrRule, DownloadSample, Rung } from '../../player/src/abr/index.ts';

export const LADDER_KBPS = [300, 750, 1200, 1850, 2850, 4300];
export const RUNGS: Rung[] = LADDER_KBPS.map((k) => ({ bandwidthBps: k * 1000 }));
export const SEG = 4;

/** A segment of `rung` downloaded over a link of `linkBps` with `ttfbMs` latency. */
export function download(rung: number, linkBps: number, atMs: number, ttfbMs = 80): DownloadSample {
  const bytes = ((LADDER_KBPS[rung] as number) * 1000 * SEG) / 8;
  return {
    rungIndex: rung,
    bytes,
    totalMs: ttfbMs + ((bytes * 8) / linkBps) * 1000,
    ttfbMs,
    segmentDurationSec: SEG,
    atMs,
  };
}

/**
 * Plays a scripted sequence of link throughputs through the rule the way a
 * player does (chooseNext → download → recordDownload), with a simple buffer
 * model. Returns the rung chosen for each segment.
 */
export function play(abr: AbrRule, linkBps: readonly number[], startBuffer = 0, startRung = 1): { rungs: number[]; buffers: number[] } {
  let buffer = startBuffer;
  let now = 0;
  let rung = startRung;
  const rungs: number[] = [];
  const buffers: number[] = [];
  for (let i = 0; i < linkBps.length; i++) {
    if (i > 0) rung = abr.chooseNext({ bufferSec: buffer, nowMs: now }).rungIndex;
    rungs.push(rung);
    const s = download(rung, linkBps[i] as number, now);
    const dt = s.totalMs / 1000;
    buffer = Math.max(0, buffer - dt) + SEG;
    buffer = Math.min(buffer, 30);
    now += s.totalMs;
    abr.recordDownload({ ...s, atMs: now });
    buffers.push(buffer);
  }
  return { rungs, buffers };
}
