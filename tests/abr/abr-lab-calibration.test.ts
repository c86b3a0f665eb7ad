import { existsSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeAlgorithm, DEFAULT_ALGOS } from '../../bench/abr-lab/algorithms/registry.ts';
import type { Trace } from '../../bench/abr-lab/pensieve-env.ts';
import { calibrate, loadReference } from '../../bench/abr-lab/reference-results.ts';
import { aggregate, runSession, runSet } from '../../bench/abr-lab/run-lab.ts';
import { syntheticTraces, syntheticVideo } from '../../bench/abr-lab/synthetic-traces.ts';
import { loadTraceDir } from '../../bench/abr-lab/trace-loader.ts';
import { loadMediaVideo, loadPensieveVideo } from '../../bench/abr-lab/video-source.ts';

const shared = resolve(__dirname, '..', '..', '..', 'shared', 'traces', 'pensieve');
const haveShared = existsSync(join(shared, 'hsdpa_test_sim_traces')) && existsSync(join(shared, 'results'));
if (!haveShared) {
  console.warn(`[abr-lab] ${shared} is absent: calibration against Pensieve's reference results cannot be checked here; testing calibration-independent properties on GENERATED traces instead.`);
}

describe('calibration against Pensieve’s own code', () => {
  it(haveShared ? 'BBA and RobustMPC (published) land within ±3 % of the reference, per trace too' : 'skipped for lack of data: see the generated-trace properties below', () => {
    if (!haveShared) {
      // Nothing to compare against; the properties below run in every case.
      expect(existsSync(shared)).toBe(false);
      return;
    }
    const ref = loadReference(join(shared, 'results', 'pensieve_sim_baselines_per_trace.csv'));
    expect(ref).not.toBeNull();
    const video = loadPensieveVideo(join(shared, 'video_sizes'));
    const expected: Record<string, Record<string, number>> = {
      hsdpa_test_sim_traces: { bba: 0.639, robustmpc: 0.876 },
      fcc_test_genet: { bba: 0.773, robustmpc: 1.006 },
    };
    for (const set of Object.keys(expected)) {
      const traces = loadTraceDir(join(shared, set));
      for (const algo of ['bba', 'robustmpc']) {
        const res = runSet(traces, video, makeAlgorithm(algo));
        const c = calibrate(ref!, set, algo, res.map((r) => ({ trace: r.trace, qoe_lin: r.summary.qoe_lin })));
        expect(c, `${set} ${algo}`).not.toBeNull();
        expect(c!.traces).toBe(traces.length);
        expect(Math.abs(c!.relDiff), `${set} ${algo} mean`).toBeLessThanOrEqual(0.03);
        expect(Math.abs(c!.ours - (expected[set]![algo] as number)) / (expected[set]![algo] as number)).toBeLessThanOrEqual(0.03);
        // The simulator reproduces Pensieve's arithmetic, so each trace should match, not just the mean.
        expect(c!.maxTraceDiff, `${set} ${algo} worst trace ${c!.worstTrace}`).toBeLessThan(1e-3);
      }
    }
  });
});

describe('lab properties on generated traces (hold with or without the data set)', () => {
  const video = syntheticVideo(3);
  const traces = syntheticTraces(6, 3, 240);

  it('every algorithm picks valid rungs, is deterministic and scores 47 chunks', () => {
    for (const algo of DEFAULT_ALGOS) {
      const a = runSet(traces, video, makeAlgorithm(algo));
      const b = runSet(traces, video, makeAlgorithm(algo));
      expect(a.map((r) => r.summary)).toEqual(b.map((r) => r.summary));
      for (const r of a) {
        expect(r.chunks).toHaveLength(48);
        expect(r.chunks[0]!.rung).toBe(1); // Pensieve's fixed start
        expect(r.summary.chunks).toBe(47);
        expect(Number.isFinite(r.summary.qoe_lin)).toBe(true);
      }
    }
  });

  it('on a link far above the top rung everyone reaches the top rung and never stalls after startup', () => {
    const fast: Trace = { name: 'fast', timeSec: [0, 400], mbps: [20, 20] };
    for (const algo of DEFAULT_ALGOS) {
      const r = runSession(fast, video, makeAlgorithm(algo));
      expect(r.summary.rebuffer_s, algo).toBe(0);
      expect(r.chunks[r.chunks.length - 1]!.rung, algo).toBe(5);
    }
  });

  it('on a link below the lowest rung the buffer-aware algorithms sit at the lowest rung', () => {
    const slow: Trace = { name: 'slow', timeSec: [0, 1000], mbps: [0.2, 0.2] };
    for (const algo of ['ours', 'bba', 'robustmpc', 'robustmpc-fixed', 'hlsjs', 'bola']) {
      const r = runSession(slow, video, makeAlgorithm(algo));
      expect(r.chunks.slice(5).every((c) => c.rung === 0), algo).toBe(true);
      expect(r.summary.rebuffer_s, algo).toBeGreaterThan(0);
    }
  });

  it('time is conserved: download time = trace time advanced + RTT per chunk (no sleeps below the cap)', () => {
    const r = runSession(traces[0]!, video, makeAlgorithm('bba'));
    for (const c of r.chunks) {
      if (c.sleepMs > 0) continue;
      const traceAdvance = c.traceEndSec - c.traceStartSec;
      if (traceAdvance < 0) continue; // trace looped during this chunk
      expect(c.delayMs / 1000).toBeCloseTo(traceAdvance + 0.08, 6);
    }
  });

  it('ours beats the stock hls.js and shaka rules on generated traces too', () => {
    const more = syntheticTraces(30, 11, 240);
    const q = (algo: string) => aggregate(runSet(more, video, makeAlgorithm(algo))).qoe_lin;
    const ours = q('ours');
    expect(ours).toBeGreaterThan(q('hlsjs'));
    expect(ours).toBeGreaterThan(q('shaka'));
  });
});

describe('--video <media id>', () => {
  it('reads the ladder and segment sizes of an encoded title', () => {
    const dir = mkdtempSync(join(tmpdir(), 'abr-lab-media-'));
    mkdirSync(join(dir, 't1'));
    const seg = (n: number, bytes: number, last = 4) =>
      Array.from({ length: n }, (_, i) => ({ file: `s${i}.m4s`, durationSec: i === n - 1 ? last : 4, bytes: bytes + i }));
    const title = {
      id: 't1',
      segmentDurationSec: 4,
      renditions: [
        { id: 'v720p', bitratePeakBps: 3_000_000, segments: seg(10, 1_400_000, 1) },
        { id: 'v360p', bitratePeakBps: 800_000, segments: seg(10, 380_000, 1) },
      ],
    };
    writeFileSync(join(dir, 't1', 'title.json'), JSON.stringify(title));
    const v = loadMediaVideo(dir, 't1');
    expect(v.bitratesKbps).toEqual([800, 3000]);
    expect(v.chunkBytes[0]![2]).toBe(380_002);
    expect(v.totalChunks).toBe(9); // the 1-s tail segment is left out
    expect(v.startRung).toBe(1);
    const traces = syntheticTraces(2, 5, 120);
    const r = runSession(traces[0]!, v, makeAlgorithm('ours'));
    expect(r.chunks).toHaveLength(9);
    expect(() => loadMediaVideo(dir, 'missing')).toThrow(/no title.json/);
  });
});
