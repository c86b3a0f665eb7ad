import { describe, expect, it } from 'vitest';
import { MAX_EVENTS, StatsCollector } from '../../player/src/stats/collector.ts';

const mk = () => new StatsCollector({ engine: 'hls', abr: 'ours', titleId: 'demo', sessionId: 's1', loadStartMs: 1000 });
const seg = (over: Partial<{ rung: number; bytes: number; ms: number; edge: string | null; cache: string | null }> = {}) => ({
  rung: 1, bytes: 500_000, ms: 1000, ttfbMs: 50, durationSec: 4, edge: 'edge-1', cache: 'HIT', ...over,
});

describe('stats collector (window.__player state)', () => {
  it('startup is load request → first frame, counted once', () => {
    const c = mk();
    expect(c.state.ready).toBe(false);
    c.onFirstFrame(1850);
    c.onFirstFrame(3000);
    expect(c.state.ready).toBe(true);
    expect(c.state.startupMs).toBe(850);
    expect(c.state.events.filter((e) => e.type === 'startup')).toHaveLength(1);
  });

  it('waiting before the first frame or during a seek is not a stall; otherwise stalls are counted and timed', () => {
    const c = mk();
    c.onWaiting(1100);
    expect(c.state.stalls.count).toBe(0);
    c.onFirstFrame(1500);
    c.onSeeking(2000, 30);
    c.onWaiting(2010);
    c.onSeeked();
    c.onPlaying(2300);
    expect(c.state.stalls).toEqual({ count: 0, totalMs: 0 });
    c.onWaiting(5000);
    c.onWaiting(5100); // repeated waiting inside one stall
    expect(c.stallMsNow(5600)).toBe(600);
    expect(c.state.stalls.count).toBe(1); // counted while still in progress
    c.onPlaying(6200);
    expect(c.state.stalls).toEqual({ count: 1, totalMs: 1200 });
    // A few-ms waiting/playing blip at a segment boundary is not a stall.
    c.onWaiting(7000);
    c.onPlaying(7002);
    expect(c.state.stalls).toEqual({ count: 1, totalMs: 1200 });
    expect(c.state.events.map((e) => e.type)).toEqual(['startup', 'seek', 'stall-start', 'stall-end']);
    expect(c.state.events[2]!.t).toBe(5000);
  });

  it('a switch is a change of the rung on screen after the first frame, not the first rung', () => {
    const c = mk();
    c.onRungShown(1100, { rung: 3, height: 1080 }); // before the first frame: not a switch
    c.onRungShown(1150, { rung: 2, height: 720 });
    c.onFirstFrame(1180);
    c.onRungShown(1200, { rung: 2, height: 720 });
    c.onRungShown(1300, { rung: 2, height: 720 });
    c.onRungShown(9000, { rung: 1, height: 480 });
    c.onRungShown(12000, { rung: 3, height: 1080 });
    expect(c.state.switches).toBe(2);
    expect(c.state.currentRung).toBe(3);
  });

  it('abr decisions set selectedRung and estimate and are logged with from/to/reason', () => {
    const c = mk();
    c.onDecision(1100, { from: null, to: 2, estimateBps: 5e6, reason: 'startup' });
    c.onDecision(5000, { from: 2, to: 0, estimateBps: 8e5, reason: 'drop' });
    expect(c.state.selectedRung).toBe(0);
    expect(c.state.estimateBps).toBe(8e5);
    expect(c.state.events.at(-1)).toMatchObject({ type: 'abr-decision', from: 2, to: 0, estimateBps: 8e5, reason: 'drop', t: 5000 });
  });

  it('segments give per-segment throughput, the current edge and its X-Cache hit ratio', () => {
    const c = mk();
    c.onSegment(2000, seg());
    c.onSegment(3000, seg({ cache: 'MISS' }));
    c.onSegment(4000, seg({ edge: 'edge-2', cache: 'HIT' }));
    expect(c.segments[0]!.throughputBps).toBe(4_000_000);
    expect(c.state.edge).toBe('edge-2');
    expect(c.hitRatio('edge-1')).toBe(0.5);
    expect(c.hitRatio('edge-2')).toBe(1);
    expect(c.state.events.filter((e) => e.type === 'edge').map((e) => e.edge)).toEqual(['edge-1', 'edge-2']);
  });

  it('samples feed buffer/estimate/dropped frames and the selected-bitrate series; pins turn auto off', () => {
    const c = mk();
    c.onRungs([
      { index: 0, width: 426, height: 240, bandwidthBps: 400_000 },
      { index: 1, width: 1280, height: 720, bandwidthBps: 3_000_000 },
    ]);
    c.onPinned(1);
    c.sample({ nowMs: 3000, bufferSec: 12.5, droppedFrames: 3, estimateBps: 6e6, auto: false });
    expect(c.state).toMatchObject({ auto: false, selectedRung: 1, bufferSec: 12.5, droppedFrames: 3, estimateBps: 6e6 });
    expect(c.series.at(-1)).toEqual({ t: 2, bufferSec: 12.5, estimateBps: 6e6, selectedBps: 3_000_000 });
  });

  it('keeps charts to the last few minutes and the event log bounded', () => {
    const c = mk();
    for (let i = 0; i < 1000; i++) c.sample({ nowMs: 1000 + i * 1000, bufferSec: 1, droppedFrames: 0, estimateBps: 1, auto: true });
    expect(c.series[0]!.t).toBeGreaterThanOrEqual(999 - 300);
    for (let i = 0; i < MAX_EVENTS + 10; i++) c.onError(i, { message: 'x', fatal: false });
    expect(c.state.events).toHaveLength(MAX_EVENTS);
  });
});

describe('no-progress clock (connection problem message)', () => {
  it('before the first frame: time since the last segment or load; after: the current stall', () => {
    const c = mk();
    expect(c.noProgressMs(6000)).toBe(5000);
    c.onSegment(4000, seg());
    expect(c.noProgressMs(6000)).toBe(2000);
    c.onFirstFrame(4500);
    expect(c.noProgressMs(9000)).toBe(0);
    c.onWaiting(9000);
    expect(c.noProgressMs(19000)).toBe(10000);
    c.onPlaying(19500);
    expect(c.noProgressMs(20000)).toBe(0);
  });
});
