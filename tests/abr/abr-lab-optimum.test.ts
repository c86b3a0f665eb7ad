import { describe, expect, it } from 'vitest';
import { OfflineOptimal } from '../../bench/abr-lab/algorithms/offline-optimal.ts';
import { DEFAULT_ALGOS, makeAlgorithm } from '../../bench/abr-lab/algorithms/registry.ts';
import { offlineOptimum } from '../../bench/abr-lab/offline-optimum.ts';
import { qoeMetric, type QoeMetric } from '../../bench/abr-lab/qoe.ts';
import { PensieveEnv, type Trace, type Video } from '../../bench/abr-lab/pensieve-env.ts';
import { runSession } from '../../bench/abr-lab/run-lab.ts';
import { syntheticTraces, syntheticVideo } from '../../bench/abr-lab/synthetic-traces.ts';

// Generated traces and chunk sizes, so these hold with or without ../shared.

/** QoE per scored chunk of a fixed schedule, by brute replay in the simulator. */
function scheduleScore(trace: Trace, video: Video, rungs: readonly number[], metric: QoeMetric): number {
  const m = qoeMetric(metric, video.bitratesKbps);
  const mu = m.mu;
  const q = (rung: number) => m.q(video.bitratesKbps[rung] as number);
  const env = new PensieveEnv(trace, video);
  let s = 0;
  for (let i = 0; i < rungs.length; i++) {
    const c = env.getVideoChunk(rungs[i] as number);
    if (i > 0) s += q(rungs[i] as number) - mu * c.rebufferSec - Math.abs(q(rungs[i] as number) - q(rungs[i - 1] as number));
  }
  return s / (rungs.length - 1);
}

/** Every schedule of a short video (first rung fixed): the true optimum. */
function bruteForce(trace: Trace, video: Video, metric: QoeMetric): number {
  const n = video.totalChunks - 1;
  const k = video.bitratesKbps.length;
  let best = -Infinity;
  for (let code = 0; code < k ** n; code++) {
    const rungs = [video.startRung];
    for (let i = 0, c = code; i < n; i++, c = Math.floor(c / k)) rungs.push(c % k);
    best = Math.max(best, scheduleScore(trace, video, rungs, metric));
  }
  return best;
}

describe('offline optimum', () => {
  // Six chunks: 6^5 = 7776 schedules, few enough to try them all. Slow traces, so that stalls and
  // the choice between them matter; one with a buffer long enough to reach the 60 s cap is below.
  const short: Video = { ...syntheticVideo(5), totalChunks: 6 };
  const traces = syntheticTraces(4, 11, 120).map((t, i) => ({ ...t, mbps: t.mbps.map((m) => m * (i % 2 === 0 ? 0.4 : 1)) }));

  it('with buckets too narrow to merge anything, finds the brute-force optimum of every metric exactly', () => {
    for (const metric of ['lin', 'log', 'hd'] as const) {
      for (const t of traces) {
        const dp = offlineOptimum(t, short, { metric, timeStepSec: 1e-9, bufferStepSec: 1e-9, pareto: false });
        const bf = bruteForce(t, short, metric);
        expect(dp.qoePerChunk, `${t.name} ${metric}`).toBeCloseTo(bf, 9);
        // The schedule it returns scores what it says.
        expect(scheduleScore(t, short, dp.rungs, metric)).toBeCloseTo(dp.qoePerChunk, 9);
      }
    }
  });

  it('with the default buckets, returns an achievable schedule close to the optimum', () => {
    for (const t of traces) {
      const dp = offlineOptimum(t, short);
      const bf = bruteForce(t, short, 'lin');
      expect(dp.qoePerChunk).toBeLessThanOrEqual(bf + 1e-9);
      // Merging states 2 s apart can lose the best path; on one of these 5-chunk sessions it costs
      // 0.07 per chunk (one switch's worth). Over 47 chunks the default grid is within ~0.01 of a 0.5 s one.
      expect(dp.qoePerChunk).toBeGreaterThan(bf - 0.1);
      expect(scheduleScore(t, short, dp.rungs, 'lin')).toBeCloseTo(dp.qoePerChunk, 9);
    }
  });

  it('as the lab algorithm `optimal`, scores its own figure and at least every online algorithm on each trace', () => {
    const video = syntheticVideo(3);
    // A fast link too, so that the 60 s buffer cap (sleeping with the trace running) is in play.
    const full = [...syntheticTraces(2, 7, 320), { ...(syntheticTraces(1, 8, 320)[0] as Trace), name: 'fast', mbps: (syntheticTraces(1, 8, 320)[0] as Trace).mbps.map((m) => m * 4 + 3) }];
    for (const t of full) {
      const opt = offlineOptimum(t, video);
      const played = runSession(t, video, new OfflineOptimal());
      expect(played.chunks.map((c) => c.rung)).toEqual(opt.rungs);
      expect(played.summary.qoe_lin).toBeCloseTo(opt.qoePerChunk, 9);
      if (t.name === 'fast') expect(played.chunks.some((c) => c.sleepMs > 0)).toBe(true);
      for (const a of DEFAULT_ALGOS) {
        const r = runSession(t, video, makeAlgorithm(a));
        expect(played.summary.qoe_lin, `${t.name}: optimal vs ${a}`).toBeGreaterThanOrEqual(r.summary.qoe_lin - 1e-9);
      }
    }
  });

  it('refuses to play a session it was not shown', () => {
    const video = syntheticVideo(3);
    const algo = new OfflineOptimal();
    expect(() => algo.startSession()).toThrow(/whole trace/);
    expect(() => offlineOptimum(syntheticTraces(1)[0] as Trace, video, { timeStepSec: 0 })).toThrow(/bucket/);
  });
});
