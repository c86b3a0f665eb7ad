import { describe, expect, it } from 'vitest';
import { PensieveEnv, type Trace, type Video } from '../../bench/abr-lab/pensieve-env.ts';
import { hdUtility, summarizeQoe } from '../../bench/abr-lab/qoe.ts';
import { cutWindows, parseTrace, rotateTrace, shareOfTimeBelow } from '../../bench/abr-lab/trace-loader.ts';
import { OursAdapter } from '../../bench/abr-lab/algorithms/ours-adapter.ts';
import { makeAlgorithm } from '../../bench/abr-lab/algorithms/registry.ts';
import { runSession } from '../../bench/abr-lab/run-lab.ts';
import { syntheticVideo } from '../../bench/abr-lab/synthetic-traces.ts';

// Line i applies between time[i-1] and time[i]; line 0's throughput is never used.
// Payload per second at 95 %: 8 Mb/s → 950 000 B, 0.8 Mb/s → 95 000 B, 4 Mb/s → 475 000 B.
const trace: Trace = { name: 'hand', timeSec: [0, 1, 2, 3], mbps: [123, 8, 0.8, 4] };
const video: Video = {
  name: 'hand',
  bitratesKbps: [300, 4300],
  chunkBytes: [
    [10_000, 10_000, 10_000, 10_000],
    [1_000_000, 200_000, 800_000, 10_000],
  ],
  chunkDurationSec: 4,
  totalChunks: 4,
  startRung: 1,
};

describe('Pensieve simulator (fixed_env.py arithmetic), hand-computed steps', () => {
  it('chunk 1: crosses a trace line, adds the RTT, stalls for the whole delay on an empty buffer', () => {
    const env = new PensieveEnv(trace, video);
    const r = env.getVideoChunk(1);
    // 950 000 B in line 1 (1 s); 50 000 B more at 100 000 B/s × 0.95 → 0.5263158 s.
    const delaySec = 1 + 50_000 / 100_000 / 0.95;
    expect(r.delayMs).toBeCloseTo(delaySec * 1000 + 80, 9);
    expect(r.rebufferSec).toBeCloseTo(delaySec + 0.08, 9);
    expect(r.bufferSec).toBe(4);
    expect(r.sleepMs).toBe(0);
    expect(r.chunkCounter).toBe(1);
    expect(r.chunksRemaining).toBe(3);
    expect(env.traceTimeSec()).toBeCloseTo(delaySec, 12);
  });

  it('chunks 2 and 3: drains the buffer by the delay, loops the trace back to line 1', () => {
    const env = new PensieveEnv(trace, video);
    env.getVideoChunk(1);
    const r2 = env.getVideoChunk(1);
    // Rest of line 2 (0.4736842 s) carries 45 000 B; 155 000 B at 500 000 B/s × 0.95 → 0.3263158 s: 0.8 s in all.
    expect(r2.delayMs).toBeCloseTo(880, 9);
    expect(r2.rebufferSec).toBe(0);
    expect(r2.bufferSec).toBeCloseTo(7.12, 9);
    const r3 = env.getVideoChunk(1);
    // Rest of line 3: 0.6736842 s → 320 000 B; loop to line 1: 480 000 B at 950 000 B/s → 0.5052632 s.
    const d3 = (3 - (2 + 155_000 / 500_000 / 0.95)) + 480_000 / 1_000_000 / 0.95;
    expect(r3.delayMs).toBeCloseTo(d3 * 1000 + 80, 9);
    expect(r3.bufferSec).toBeCloseTo(7.12 - (d3 + 0.08) + 4, 9);
    const r4 = env.getVideoChunk(0);
    expect(r4.endOfVideo).toBe(true);
    expect(r4.chunkBytes).toBe(10_000);
  });

  it('sleeps in 500 ms steps above the buffer cap while the trace runs on', () => {
    const env = new PensieveEnv(trace, video, { bufferThreshMs: 5000 });
    env.getVideoChunk(1);
    const r2 = env.getVideoChunk(1);
    // 7120 ms > 5000 ms: drain 2120 → ceil(4.24) × 500 = 2500 ms of sleep, buffer 4620 ms.
    expect(r2.sleepTakenMs).toBe(2500);
    expect(r2.bufferSec).toBeCloseTo(4.62, 9);
    // Trace walk: 0.6736842 s of line 3, loop, 1 s of line 1, then 0.8263158 s into line 2.
    // fixed_env returns what is left of the sleep after the walk (a quirk kept as is).
    expect(r2.sleepMs).toBeCloseTo(2500 - 673.6842105263 - 1000, 6);
    expect(env.traceTimeSec()).toBeCloseTo(1 + (2500 - 673.6842105263 - 1000) / 1000, 9);
  });

  it('rejects a trace it cannot play', () => {
    expect(() => new PensieveEnv({ name: 'x', timeSec: [0], mbps: [1] }, video)).toThrow(/at least 2 lines/);
  });
});

describe('trace parsing', () => {
  it('reads CRLF, tabs and spaces', () => {
    const t = parseTrace('t', '0.0\t4.0\r\n0.5 4.79\r\n\r\n1.0   2\r\n');
    expect(t.timeSec).toEqual([0, 0.5, 1]);
    expect(t.mbps).toEqual([4, 4.79, 2]);
    expect(() => parseTrace('bad', '0 1\nx y\n')).toThrow(/bad line/);
  });

  it('rotates a trace to start at a later line (tune-ours --starts), keeping each line\'s duration and throughput', () => {
    // Lines 1..3 last 0.5, 1.5 and 1 s at 1, 2 and 3 Mb/s. From 1 s: the first line starting at or after
    // 1 s is line 3 (it starts at 2 s); then the trace goes on from line 1.
    const t: Trace = { name: 'r', timeSec: [0, 0.5, 2, 3], mbps: [9, 1, 2, 3] };
    const r = rotateTrace(t, 1);
    expect(r.name).toBe('r@2s');
    expect(r.timeSec).toEqual([0, 1, 1.5, 3]);
    expect(r.mbps.slice(1)).toEqual([3, 1, 2]);
    expect(rotateTrace(t, 0)).toBe(t);
    // Played in the simulator, the rotated trace's first second delivers line 3's rate: 3 Mb/s × 0.95.
    const env = new PensieveEnv(r, { ...video, chunkBytes: [[356_250, 1, 1, 1], [356_250, 1, 1, 1]] });
    expect(env.getVideoChunk(0).delayMs).toBeCloseTo(1000 + 80, 6);
  });

  it('cuts windows from a long log (the lines starting inside each) and measures the share of time below a rate', () => {
    // Six 1 s lines at 1..6 Mb/s; windows of 3 s every 1.5 s: [0, 3), [1.5, 4.5) and [3, 6) (the next would end past 6 s).
    const t: Trace = { name: 'log', timeSec: [0, 1, 2, 3, 4, 5, 6], mbps: [0, 1, 2, 3, 4, 5, 6] };
    const w = cutWindows(t, 3, 1.5);
    expect(w.map((x) => x.name)).toEqual(['log@0s', 'log@1.5s', 'log@3s']);
    expect(w[0]?.mbps.slice(1)).toEqual([1, 2, 3]);
    // From 1.5 s: the first line starting at or after it starts at 2 s (line 3); lines starting before 4.5 s.
    expect(w[1]?.timeSec).toEqual([0, 1, 2, 3]);
    expect(w[1]?.mbps).toEqual([2, 3, 4, 5]);
    expect(w[2]?.mbps.slice(1)).toEqual([4, 5, 6]);
    expect(cutWindows(t, 7, 1)).toEqual([]);
    // 1 and 2 Mb/s below 2.5 Mb/s: 2 s of 6.
    expect(shareOfTimeBelow(t, 2.5)).toBeCloseTo(2 / 6, 12);
    expect(shareOfTimeBelow(w[2] as Trace, 2.5)).toBe(0);
  });
});

describe('QoE', () => {
  it('scores chunks 2..N: bitrate − μ·rebuffer − |switch|, with the first chunk as the previous rung', () => {
    const ladder = [300, 750, 1200, 1850, 2850, 4300];
    const chunks = [
      { rung: 1, bitrateKbps: 750, rebufferSec: 3 }, // not scored
      { rung: 3, bitrateKbps: 1850, rebufferSec: 0 },
      { rung: 0, bitrateKbps: 300, rebufferSec: 0.5 },
    ];
    const q = summarizeQoe(chunks, ladder);
    // lin: (1.85 − 1.1) + (0.3 − 4.3·0.5 − 1.55) = 0.75 − 3.4 = −2.65 → /2
    expect(q.qoe_lin).toBeCloseTo(-2.65 / 2, 12);
    const l = (k: number) => Math.log(k / 300);
    expect(q.qoe_log).toBeCloseTo((l(1850) - (l(1850) - l(750)) + (0 - 2.66 * 0.5 - l(1850))) / 2, 12);
    // hd: (12 − 10) + (1 − 8·0.5 − 11) = 2 − 14 = −12 → /2
    expect(q.qoe_hd).toBeCloseTo(-6, 12);
    expect(q.rebuffer_s).toBe(0.5);
    expect(q.switches).toBe(2);
    expect(q.bitrate_kbps).toBeCloseTo((1850 + 300) / 2, 12);
  });

  it('hd utility follows Pensieve’s table on its ladder', () => {
    expect([300, 750, 1200, 1850, 2850, 4300].map(hdUtility)).toEqual([1, 2, 3, 12, 15, 20]);
    expect(hdUtility(8000)).toBe(20);
  });
});

describe('--abandon (opt-in, not in fixed_env): giving up a download in flight', () => {
  it('hand-computed: give up rung 1 at the first check, fetch rung 0 again with a new RTT', () => {
    const env = new PensieveEnv(trace, video);
    const seen: Array<{ rung: number; bytesLoaded: number; bytesTotal: number; elapsedMs: number; bufferSec: number }> = [];
    const r = env.getVideoChunkAbandoning(1, (p) => {
      seen.push(p);
      return p.rung === 1 ? 0 : null;
    });
    // Check at 200 ms of transfer on line 1 (950 000 B/s of payload): 190 000 B in, 280 ms since the request.
    expect(seen[0]).toEqual({ rung: 1, bytesLoaded: expect.closeTo(190_000, 6), bytesTotal: 1_000_000, elapsedMs: expect.closeTo(280, 9), bufferSec: 0 });
    // Rung 0 (10 000 B) from 0.2 s into line 1: 10 000 / 950 000 s, then its RTT; it finishes before its first check.
    const second = 10_000 / 1_000_000 / 0.95;
    expect(seen).toHaveLength(1);
    expect(r.quality).toBe(0);
    expect(r.abandoned).toEqual([1]);
    expect(r.chunkBytes).toBe(10_000);
    expect(r.delayMs).toBeCloseTo(280 + second * 1000 + 80, 9);
    expect(r.attemptDelayMs).toBeCloseTo(second * 1000 + 80, 9);
    // Empty buffer: the whole time is stall, the lost attempt included.
    expect(r.rebufferSec).toBeCloseTo(0.28 + second + 0.08, 9);
    expect(r.bufferSec).toBe(4);
    expect(env.traceTimeSec()).toBeCloseTo(0.2 + second, 12);
    expect(r.chunkCounter).toBe(1);
  });

  it('never giving up is the fixed_env download (same delays, buffers and trace walk, checks or not)', () => {
    const t = parseTrace('walk', Array.from({ length: 40 }, (_, i) => `${i * 0.7} ${[3, 0.4, 1.5, 6, 0.9][i % 5]}`).join('\n'));
    const v: Video = { ...video, chunkBytes: [Array(6).fill(60_000), [900_000, 300_000, 2_000_000, 40_000, 700_000, 500_000]], totalChunks: 6 };
    const plain = new PensieveEnv(t, v, { bufferThreshMs: 6000 });
    const checked = new PensieveEnv(t, v, { bufferThreshMs: 6000 });
    let checks = 0;
    for (let i = 0; i < 6; i++) {
      const a = plain.getVideoChunk(1);
      const b = checked.getVideoChunkAbandoning(1, () => {
        checks++;
        return null;
      });
      expect(b.quality).toBe(1);
      expect(b.abandoned).toEqual([]);
      expect(b.delayMs).toBeCloseTo(a.delayMs, 6);
      expect(b.attemptDelayMs).toBeCloseTo(a.delayMs, 6);
      expect(b.bufferSec).toBeCloseTo(a.bufferSec, 9);
      expect(b.rebufferSec).toBeCloseTo(a.rebufferSec, 9);
      expect(b.sleepTakenMs).toBe(a.sleepTakenMs);
      expect(checked.traceTimeSec()).toBeCloseTo(plain.traceTimeSec(), 9);
    }
    expect(checks).toBeGreaterThan(10);
  });

  it('only a lower rung gives a download up', () => {
    const env = new PensieveEnv(trace, video);
    const r = env.getVideoChunkAbandoning(0, () => 1);
    expect(r.quality).toBe(0);
    expect(r.abandoned).toEqual([]);
  });

  it('ours, on a link that collapses under a deep buffer, gives up the big download and stalls less', () => {
    // 5 Mb/s for 120 s, then 0.25 Mb/s: below the second rung, a 2850 kb/s chunk would take ~50 s.
    const lines: string[] = [];
    for (let s = 0; s <= 400; s++) lines.push(`${s} ${s < 120 ? 5 : 0.25}`);
    const t = parseTrace('collapse', lines.join('\n'));
    const v = syntheticVideo(3);
    const plain = runSession(t, v, new OursAdapter());
    const abandoning = runSession(t, v, new OursAdapter(), { abandon: true });
    const gaveUp = abandoning.chunks.filter((c) => (c.abandoned ?? []).length > 0);
    expect(gaveUp.length).toBeGreaterThan(0);
    for (const c of gaveUp) for (const a of c.abandoned ?? []) expect(a).toBeGreaterThan(c.rung);
    expect(plain.chunks.some((c) => c.abandoned)).toBe(false);
    expect(abandoning.summary.rebuffer_s).toBeLessThan(plain.summary.rebuffer_s);
    // Baselines have no abandonment: the option changes nothing for them.
    const bba1 = runSession(t, v, makeAlgorithm('bba'));
    const bba2 = runSession(t, v, makeAlgorithm('bba'), { abandon: true });
    expect(bba2.summary).toEqual(bba1.summary);
  });
});
