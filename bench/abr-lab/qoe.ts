/**
 * QoE as in Pensieve's papers and `test/plot_results.py`: per chunk,
 * q(R) − μ·rebuffer − |q(R_n) − q(R_{n−1})|, summed over chunks 2..N and
 * divided by N−1 (the first chunk, fetched at a fixed rung with an empty
 * buffer, is left out; its rung still counts as the previous one of chunk 2).
 *   lin: q = Mb/s, μ = 4.3;  log: q = ln(R / R_min), μ = 2.66;
 *   hd:  q = 1,2,3,12,15,20 for Pensieve's ladder, μ = 8.
 * For another ladder, hd interpolates that table over the bitrate.
 */

export const PENSIEVE_LADDER_KBPS = [300, 750, 1200, 1850, 2850, 4300];
export const HD_REWARD = [1, 2, 3, 12, 15, 20];

export interface ChunkLog {
  rung: number;
  bitrateKbps: number;
  rebufferSec: number;
}

export interface QoeSummary {
  qoe_lin: number;
  qoe_log: number;
  qoe_hd: number;
  /** Mean bitrate of the scored chunks, kb/s. */
  bitrate_kbps: number;
  /** Total stall over the scored chunks, s. */
  rebuffer_s: number;
  /** Rung changes over the scored chunks. */
  switches: number;
  chunks: number;
}

/** hd utility of a bitrate: Pensieve's table, piecewise linear in between, clamped. */
export function hdUtility(kbps: number): number {
  const x = PENSIEVE_LADDER_KBPS;
  if (kbps <= (x[0] as number)) return (HD_REWARD[0] as number) * (kbps / (x[0] as number));
  for (let i = 1; i < x.length; i++) {
    const x1 = x[i] as number;
    if (kbps <= x1) {
      const x0 = x[i - 1] as number;
      const y0 = HD_REWARD[i - 1] as number;
      const y1 = HD_REWARD[i] as number;
      return y0 + ((y1 - y0) * (kbps - x0)) / (x1 - x0);
    }
  }
  return HD_REWARD[HD_REWARD.length - 1] as number;
}

export type QoeMetric = 'lin' | 'log' | 'hd';

/** A metric's utility of a bitrate (kb/s) and its stall weight μ, per second of rebuffering. */
export function qoeMetric(metric: QoeMetric, ladderKbps: readonly number[]): { q: (kbps: number) => number; mu: number } {
  const rMin = ladderKbps[0] as number;
  if (metric === 'lin') return { q: (k) => k / 1000, mu: 4.3 };
  if (metric === 'log') return { q: (k) => Math.log(k / rMin), mu: 2.66 };
  return { q: hdUtility, mu: 8 };
}

export function summarizeQoe(chunks: readonly ChunkLog[], ladderKbps: readonly number[], skipFirst = 1): QoeSummary {
  const lin = qoeMetric('lin', ladderKbps);
  const log = qoeMetric('log', ladderKbps);
  const hd = qoeMetric('hd', ladderKbps);
  const score = (m: typeof lin, c: ChunkLog, p: ChunkLog) => m.q(c.bitrateKbps) - m.mu * c.rebufferSec - Math.abs(m.q(c.bitrateKbps) - m.q(p.bitrateKbps));
  let sLin = 0;
  let sLog = 0;
  let sHd = 0;
  let bitrate = 0;
  let rebuf = 0;
  let switches = 0;
  let n = 0;
  for (let i = skipFirst; i < chunks.length; i++) {
    const c = chunks[i] as ChunkLog;
    const p = chunks[i - 1] as ChunkLog;
    sLin += score(lin, c, p);
    sLog += score(log, c, p);
    sHd += score(hd, c, p);
    bitrate += c.bitrateKbps;
    rebuf += c.rebufferSec;
    if (c.rung !== p.rung) switches++;
    n++;
  }
  const d = Math.max(1, n);
  return { qoe_lin: sLin / d, qoe_log: sLog / d, qoe_hd: sHd / d, bitrate_kbps: bitrate / d, rebuffer_s: rebuf, switches, chunks: n };
}
