import { describe, expect, it } from 'vitest';
import { bufferAhead, OurShakaAbrManager, type MediaLike, type RequestLike, type VariantLike } from '../../player/src/engines/shaka/abr-adapter.ts';
import { SpyRule } from './spy-rule.ts';

/** Variants as shaka builds them: video × audio, not sorted. */
function variants(): VariantLike[] {
  const audio = { id: 100, bandwidth: 128_000 };
  const v = (id: number, bw: number, w: number, h: number): VariantLike => ({
    id,
    bandwidth: bw + 128_000,
    video: { id: id + 10, bandwidth: bw, width: w, height: h },
    audio,
  });
  return [v(3, 6_000_000, 1920, 1080), v(1, 400_000, 426, 240), v(2, 1_200_000, 854, 480), v(4, 3_000_000, 1280, 720)];
}

function media(bufferedEnd: number, currentTime = 10): MediaLike {
  return {
    currentTime,
    playbackRate: 1,
    clientHeight: 360,
    buffered: { length: 1, start: () => 0, end: () => bufferedEnd },
  };
}

function setup() {
  const rule = new SpyRule();
  const switches: Array<{ v: VariantLike; clear?: boolean }> = [];
  const decisions: Array<{ from: number | null; to: number; reason: string }> = [];
  const abandons: unknown[] = [];
  let wall = 1_000_000;
  const mgr = new OurShakaAbrManager(rule, {
    now: () => 42,
    wallNow: () => wall,
    onDecision: (d) => decisions.push(d),
    onAbandon: (a) => abandons.push(a),
  });
  mgr.init((v, clear) => switches.push({ v, clear }));
  mgr.configure({ enabled: true, restrictions: {} });
  mgr.setMediaElement(media(25));
  mgr.setVariants(variants(), false);
  return { rule, mgr, switches, decisions, abandons, setWall: (w: number) => (wall = w) };
}

const seg = (start: number, end: number, size?: number) => ({ getStartTime: () => start, getEndTime: () => end, getSize: () => size ?? null });

describe('shaka AbrManager adapter (shaka.extern.AbrManager → our rule)', () => {
  it('setVariants → setRungs, one rung per video stream, ascending', () => {
    const { rule, mgr } = setup();
    expect(rule.rungs.map((r) => r.height)).toEqual([240, 480, 720, 1080]);
    expect(mgr.setVariants(variants(), false)).toBe(false); // same ids → "not updated"
  });

  it('chooseVariant: first call → chooseStartRung, later → chooseNext with the buffer', () => {
    const { rule, mgr, decisions } = setup();
    rule.start = { rungIndex: 2, estimateBps: 5e6, reason: 'startup' };
    expect(mgr.chooseVariant().video?.height).toBe(720);
    expect(rule.count('chooseStartRung')).toBe(1);
    mgr.segmentDownloaded(500, 1_000_000, true); // whole response, no progress events
    rule.next = { rungIndex: 3, estimateBps: 9e6, reason: 'climb' };
    expect(mgr.chooseVariant().video?.height).toBe(1080);
    const [state] = rule.last('chooseNext') as [{ bufferSec: number }];
    expect(state.bufferSec).toBe(15);
    expect(decisions.map((d) => [d.from, d.to])).toEqual([[null, 2], [2, 3]]);
  });

  it('segmentDownloaded without progress → recordDownload with that rung, TTFB and duration', () => {
    const { rule, mgr } = setup();
    const req: RequestLike = { uris: ['x'], timeToFirstByte: 60, contentType: 'video' };
    mgr.segmentDownloaded(800, 750_000, true, req, { stream: { id: 12 }, segment: seg(8, 12) });
    expect(rule.downloads).toEqual([{ rungIndex: 1, bytes: 750_000, totalMs: 800, ttfbMs: 60, segmentDurationSec: 4, atMs: 42 }]);
  });

  it('progress chunks are summed per request and recorded once on completion', () => {
    const { rule, mgr, setWall } = setup();
    mgr.enable();
    const req: RequestLike = { uris: ['y'], requestStartTime: 1_000_000, timeToFirstByte: 40, packetNumber: 1, contentType: 'video' };
    const ctx = { stream: { id: 14 }, segment: seg(0, 4, 1_500_000) };
    setWall(1_000_300);
    mgr.segmentDownloaded(300, 500_000, true, req, ctx);
    req.packetNumber = 2;
    setWall(1_000_600);
    mgr.segmentDownloaded(300, 1_000_000, true, req, ctx);
    expect(rule.count('recordDownload')).toBe(0);
    expect(rule.count('checkAbandon')).toBe(2);
    const [progress] = rule.last('checkAbandon') as [Record<string, unknown>];
    expect(progress).toMatchObject({ rungIndex: 2, bytesLoaded: 1_500_000, bytesTotal: 1_500_000, elapsedMs: 600, ttfbMs: 40 });
    mgr.completeRequest(req, 1_500_000, 600);
    expect(rule.downloads).toEqual([{ rungIndex: 2, bytes: 1_500_000, totalMs: 600, ttfbMs: 40, segmentDurationSec: 4, atMs: 42 }]);
  });

  it('ignores audio segments', () => {
    const { rule, mgr } = setup();
    mgr.segmentDownloaded(100, 30_000, true, { uris: ['a'], contentType: 'audio' }, { stream: { id: 100 } });
    expect(rule.count('recordDownload')).toBe(0);
  });

  it('after a download, a different pick calls switchCallback (only while enabled)', () => {
    const { rule, mgr, switches } = setup();
    rule.start = { rungIndex: 3, estimateBps: 9e6, reason: 'startup' };
    mgr.chooseVariant();
    rule.next = { rungIndex: 0, estimateBps: 5e5, reason: 'drop' };
    mgr.segmentDownloaded(4000, 3_000_000, true);
    expect(switches).toHaveLength(0); // disabled
    mgr.enable();
    mgr.segmentDownloaded(4000, 3_000_000, true);
    expect(switches.map((s) => s.v.video?.height)).toEqual([240]);
    mgr.segmentDownloaded(4000, 3_000_000, true);
    expect(switches).toHaveLength(1); // same pick: no new switch
  });

  it('abandon in flight: switchCallback to the lower variant, download not recorded', () => {
    const { rule, mgr, switches, abandons, setWall } = setup();
    rule.start = { rungIndex: 3, estimateBps: 9e6, reason: 'startup' };
    mgr.chooseVariant();
    mgr.enable();
    rule.abandon = { abandon: true, switchTo: 1, reason: 'too-slow' };
    const req: RequestLike = { uris: ['z'], requestStartTime: 1_000_000, timeToFirstByte: 100, packetNumber: 1, contentType: 'video' };
    setWall(1_002_000);
    mgr.segmentDownloaded(2000, 100_000, true, req, { stream: { id: 13 }, segment: seg(0, 4, 3_000_000) });
    expect(switches.map((s) => s.v.video?.height)).toEqual([480]);
    expect(abandons).toEqual([{ rung: 3, to: 1, reason: 'too-slow' }]);
    mgr.completeRequest(req, 100_000, 2100);
    expect(rule.count('recordDownload')).toBe(0);
  });

  it('getBandwidthEstimate is the rule estimate, else the configured default', () => {
    const { rule, mgr } = setup();
    mgr.configure({ defaultBandwidthEstimate: 2_500_000 });
    expect(mgr.getBandwidthEstimate()).toBe(2_500_000);
    rule.estimate = 4_000_000;
    expect(mgr.getBandwidthEstimate()).toBe(4_000_000);
  });

  it('restrictions cap the rung passed to the rule (maxHeight)', () => {
    const { rule, mgr } = setup();
    mgr.configure({ restrictions: { maxHeight: 720 } });
    rule.start = { rungIndex: 3, estimateBps: 9e6, reason: 'startup' };
    expect(mgr.chooseVariant().video?.height).toBe(720);
    mgr.segmentDownloaded(100, 100_000, true);
    rule.next = { rungIndex: 3, estimateBps: 9e6, reason: 'climb' };
    mgr.chooseVariant();
    const [state] = rule.last('chooseNext') as [{ maxRungIndex?: number }];
    expect(state.maxRungIndex).toBe(2);
  });

  it('bufferAhead reads the range holding the playhead', () => {
    const m: MediaLike = { currentTime: 30, playbackRate: 1, buffered: { length: 2, start: (i) => [0, 28][i]!, end: (i) => [10, 41][i]! } };
    expect(bufferAhead(m)).toBe(11);
    expect(bufferAhead({ ...m, currentTime: 20 })).toBe(0);
  });
});

describe('shaka adapter: init segments', () => {
  it('does not record init segments as throughput samples', () => {
    const { rule, mgr } = setup();
    mgr.segmentDownloaded(90, 805, true, { uris: ['init'], contentType: 'video' }, { type: 0, stream: { id: 12 } });
    expect(rule.count('recordDownload')).toBe(0);
    mgr.segmentDownloaded(90, 80_500, true, { uris: ['seg'], contentType: 'video' }, { type: 1, stream: { id: 12 } });
    expect(rule.count('recordDownload')).toBe(1);
  });
});

describe('shaka adapter: cancelled downloads', () => {
  it('a new video request while another is open clears the rule in-flight progress', () => {
    const { rule, mgr } = setup();
    const r = Object.assign(rule, { cancelled: 0, cancelInFlight() { this.cancelled++; } });
    const a: RequestLike = { uris: ['a'], requestStartTime: 1, packetNumber: 1, contentType: 'video' };
    const b: RequestLike = { uris: ['b'], requestStartTime: 2, packetNumber: 1, contentType: 'video' };
    mgr.segmentDownloaded(100, 20_000, true, a, { stream: { id: 12 } });
    expect(r.cancelled).toBe(0);
    mgr.segmentDownloaded(100, 20_000, true, b, { stream: { id: 12 } });
    expect(r.cancelled).toBe(1);
    mgr.completeRequest(a, 40_000, 300); // the cancelled one is gone: nothing recorded
    expect(rule.count('recordDownload')).toBe(0);
  });
});

describe('shaka adapter: completion matching', () => {
  it('matches the response to its progress entry by URI when the request object differs', () => {
    const { rule, mgr } = setup();
    const req: RequestLike = { uris: ['http://e/seg-3.m4s'], requestStartTime: 1, timeToFirstByte: 30, packetNumber: 1, contentType: 'video' };
    mgr.segmentDownloaded(100, 50_000, true, req, { stream: { id: 12 }, segment: seg(0, 4) });
    mgr.completeRequest({ ...req }, 50_000, 120);
    expect(rule.downloads).toHaveLength(1);
    expect(rule.downloads[0]).toMatchObject({ rungIndex: 1, bytes: 50_000, totalMs: 120, ttfbMs: 30 });
  });
});

describe('shaka adapter: lifecycle', () => {
  it('stop() silences switches; release() tells the engine the instance is gone', () => {
    const rule = new SpyRule();
    let released = 0;
    const switches: VariantLike[] = [];
    const mgr = new OurShakaAbrManager(rule, { onRelease: () => released++ });
    mgr.init((v) => switches.push(v));
    mgr.setVariants(variants(), false);
    mgr.enable();
    rule.next = { rungIndex: 3, estimateBps: 9e6, reason: 'climb' };
    mgr.segmentDownloaded(100, 100_000, true);
    expect(switches).toHaveLength(1);
    mgr.release();
    expect(released).toBe(1);
    rule.next = { rungIndex: 0, estimateBps: 1e5, reason: 'drop' };
    mgr.segmentDownloaded(100, 100_000, true);
    expect(switches).toHaveLength(1);
  });
});

describe('shaka adapter: manual pin then Auto', () => {
  it('a pin switches at once with a buffer flush; back to Auto, trySuggestStreams returns to the rule pick', () => {
    const { rule, mgr, switches, decisions } = setup();
    mgr.enable();
    rule.start = { rungIndex: 3, estimateBps: 9e6, reason: 'startup' };
    mgr.chooseVariant();
    // User pins 240p (the engine pins the rule, then asks for the switch).
    mgr.switchNow(0);
    expect(switches.map((s) => [s.v.video?.height, s.clear])).toEqual([[240, true]]);
    expect(decisions.at(-1)).toMatchObject({ from: 3, to: 0, reason: 'pinned' });
    // Back to Auto: the rule wants 1080p again.
    rule.next = { rungIndex: 3, estimateBps: 9e6, reason: 'climb' };
    mgr.segmentDownloaded(100, 1_000_000, false); // a download while pinned does not switch (allowSwitch false)
    mgr.trySuggestStreams();
    expect(switches.map((s) => s.v.video?.height)).toEqual([240, 1080]);
  });
});
