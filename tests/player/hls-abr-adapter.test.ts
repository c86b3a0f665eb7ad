import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHlsAbrController, HLS_EVENTS, type FragLike, type HlsLike, type LevelLike } from '../../player/src/engines/hlsjs/abr-adapter.ts';
import { createAbr } from '../../player/src/abr/index.ts';
import { SpyRule } from './spy-rule.ts';

/** Just enough of hls.js for the controller: an event emitter plus the getters it reads. */
class FakeHls implements HlsLike {
  private handlers = new Map<string, Array<{ fn: (e: string, d: any) => void; ctx: unknown }>>();
  levels: LevelLike[] = [
    { bitrate: 400_000, width: 426, height: 240 },
    { bitrate: 1_200_000, width: 854, height: 480 },
    { bitrate: 3_000_000, width: 1280, height: 720 },
    { bitrate: 6_000_000, width: 1920, height: 1080 },
  ];
  media = { playbackRate: 1, paused: false };
  mainForwardBufferInfo: { len: number } | null = { len: 12 };
  minAutoLevel = 0;
  maxAutoLevel = 3;
  autoLevelEnabled = true;
  nextLoadLevelWrites: number[] = [];
  triggered: string[] = [];
  set nextLoadLevel(v: number) {
    this.nextLoadLevelWrites.push(v);
  }
  get nextLoadLevel() {
    return this.nextLoadLevelWrites.at(-1) ?? -1;
  }
  on(e: string, fn: (e: string, d: any) => void, ctx?: unknown) {
    const list = this.handlers.get(e) ?? [];
    list.push({ fn, ctx });
    this.handlers.set(e, list);
  }
  off(e: string, fn: (e: string, d: any) => void) {
    this.handlers.set(e, (this.handlers.get(e) ?? []).filter((h) => h.fn !== fn));
  }
  trigger(e: string, data: unknown) {
    this.triggered.push(e);
    for (const h of this.handlers.get(e) ?? []) h.fn.call(h.ctx, e, data);
    return true;
  }
  listenerCount(): number {
    return [...this.handlers.values()].reduce((n, l) => n + l.length, 0);
  }
}

function frag(level: number, over: Partial<FragLike> = {}): FragLike & { aborted: number } {
  const f = {
    type: 'main',
    sn: 7,
    level,
    duration: 4,
    aborted: 0,
    stats: { aborted: false, loaded: 0, total: 0, loading: { start: 1000, first: 0, end: 0 } },
    abortRequests() {
      f.aborted++;
      f.stats.aborted = true;
    },
    ...over,
  };
  return f as FragLike & { aborted: number };
}

function loaded(hls: FakeHls, f: FragLike, bytes: number, startMs: number, firstMs: number, endMs: number) {
  f.stats.loaded = bytes;
  f.stats.total = bytes;
  f.stats.loading = { start: startMs, first: firstMs, end: endMs };
  hls.trigger(HLS_EVENTS.FRAG_LOADED, { frag: f, part: null, networkDetails: null });
}

let clock = 0;
const hooks = () => ({ now: () => clock });

afterEach(() => {
  vi.useRealTimers();
});

describe('hls.js abrController adapter (AbrComponentAPI → our rule)', () => {
  it('gives hls.js the ladder as rungs on MANIFEST_PARSED', () => {
    const rule = new SpyRule();
    const C = createHlsAbrController(rule, hooks());
    const hls = new FakeHls();
    new C(hls);
    hls.trigger(HLS_EVENTS.MANIFEST_PARSED, {});
    expect(rule.rungs.map((r) => r.bandwidthBps)).toEqual([400_000, 1_200_000, 3_000_000, 6_000_000]);
    expect(rule.rungs[2]).toMatchObject({ width: 1280, height: 720 });
  });

  it('firstAutoLevel asks chooseStartRung with the stored estimate and clamps to maxAutoLevel', () => {
    const rule = new SpyRule();
    rule.start = { rungIndex: 3, estimateBps: 9e6, reason: 'startup' };
    const decisions: unknown[] = [];
    const C = createHlsAbrController(rule, { ...hooks(), startEstimateBps: () => 9e6, onDecision: (d) => decisions.push(d) });
    const hls = new FakeHls();
    hls.maxAutoLevel = 2; // e.g. capLevelToPlayerSize
    const abr = new C(hls);
    expect(abr.firstAutoLevel).toBe(2);
    expect(rule.last('chooseStartRung')).toEqual([{ estimateBps: 9e6 }]);
    // Reported when hls.js requests a fragment of that level, once per level change.
    expect(decisions).toEqual([]);
    hls.trigger(HLS_EVENTS.FRAG_LOADING, { frag: frag(2) });
    hls.trigger(HLS_EVENTS.FRAG_LOADING, { frag: frag(2, { sn: 8 }) });
    expect(decisions).toEqual([{ from: null, to: 2, estimateBps: 9e6, reason: 'startup' }]);
    abr.destroy();
  });

  it('uses the manifest download as start hint when no stored estimate exists', () => {
    const rule = new SpyRule();
    const C = createHlsAbrController(rule, hooks());
    const hls = new FakeHls();
    const abr = new C(hls);
    // A tiny playlist is all round trip: no hint from it.
    hls.trigger(HLS_EVENTS.MANIFEST_LOADED, { stats: { aborted: false, loaded: 900, total: 900, loading: { start: 0, first: 40, end: 41 } } });
    void abr.firstAutoLevel;
    expect(rule.last('chooseStartRung')).toEqual([undefined]);
    hls.trigger(HLS_EVENTS.MANIFEST_LOADED, { stats: { aborted: false, loaded: 25_000, total: 25_000, loading: { start: 0, first: 10, end: 100 } } });
    void abr.firstAutoLevel;
    expect(rule.last('chooseStartRung')).toEqual([{ estimateBps: 2_000_000 }]);
  });

  it('FRAG_LOADED → recordDownload (bytes, request→last byte, TTFB); then nextAutoLevel → chooseNext with the buffer', () => {
    const rule = new SpyRule();
    const C = createHlsAbrController(rule, hooks());
    const hls = new FakeHls();
    const abr = new C(hls);
    hls.trigger(HLS_EVENTS.MANIFEST_PARSED, {});
    clock = 5000;
    loaded(hls, frag(1), 600_000, 1000, 1080, 2000);
    expect(rule.downloads).toEqual([{ rungIndex: 1, bytes: 600_000, totalMs: 1000, ttfbMs: 80, segmentDurationSec: 4, atMs: 5000 }]);

    rule.next = { rungIndex: 2, estimateBps: 4.8e6, reason: 'climb' };
    hls.mainForwardBufferInfo = { len: 17.5 };
    expect(abr.nextAutoLevel).toBe(2);
    const [state] = rule.last('chooseNext') as [{ bufferSec: number; maxRungIndex?: number }];
    expect(state.bufferSec).toBe(17.5);
    expect(state.maxRungIndex).toBe(3);
  });

  it('ignores init segments and non-main (audio) fragments', () => {
    const rule = new SpyRule();
    const C = createHlsAbrController(rule, hooks());
    const hls = new FakeHls();
    new C(hls);
    loaded(hls, frag(1, { sn: 'initSegment' }), 900, 0, 5, 10);
    loaded(hls, frag(0, { type: 'audio' }), 50_000, 0, 5, 100);
    expect(rule.count('recordDownload')).toBe(0);
  });

  it('hls.js writing back our own pick is not an override; a different level is forced until it loads', () => {
    const rule = new SpyRule();
    const C = createHlsAbrController(rule, hooks());
    const hls = new FakeHls();
    const abr = new C(hls);
    loaded(hls, frag(2), 1_000_000, 0, 50, 1000);
    rule.next = { rungIndex: 3, estimateBps: 8e6, reason: 'climb' };
    expect(abr.nextAutoLevel).toBe(3);
    abr.nextAutoLevel = 3; // stream-controller: hls.nextLoadLevel = level
    expect(abr.forcedAutoLevel).toBe(-1);
    abr.nextAutoLevel = 1; // error-controller moving off a failing level
    expect(abr.forcedAutoLevel).toBe(1);
    expect(abr.nextAutoLevel).toBe(1);
    loaded(hls, frag(1), 300_000, 0, 50, 1000);
    expect(abr.forcedAutoLevel).toBe(-1);
    expect(abr.nextAutoLevel).toBe(3);
  });

  it('bwEstimator and resetEstimator are backed by the rule (hls.bandwidthEstimate, CMCD mtp)', () => {
    const rule = new SpyRule();
    const C = createHlsAbrController(rule, hooks());
    const hls = new FakeHls();
    const abr = new C(hls);
    expect(abr.bwEstimator.canEstimate()).toBe(false);
    rule.estimate = 3_300_000;
    expect(abr.bwEstimator.getEstimate()).toBe(3_300_000);
    expect(abr.bwEstimator.canEstimate()).toBe(true);
    abr.resetEstimator(7_000_000);
    void abr.firstAutoLevel;
    expect(rule.last('chooseStartRung')).toEqual([{ estimateBps: 7_000_000 }]);
  });

  it('in-flight check: a drop decided during a kept download is reported at once, not at the next request', () => {
    vi.useFakeTimers();
    const rule = new SpyRule();
    const decisions: Array<{ from: number | null; to: number; reason: string }> = [];
    const C = createHlsAbrController(rule, { ...hooks(), onDecision: (d) => decisions.push(d) });
    const hls = new FakeHls();
    const abr = new C(hls);
    const f = frag(3);
    rule.next = { rungIndex: 3, estimateBps: 5e6, reason: 'hold' };
    clock = 1000;
    hls.trigger(HLS_EVENTS.FRAG_LOADING, { frag: f });
    clock = 1500;
    f.stats.loaded = 100_000;
    f.stats.total = 3_000_000;
    f.stats.loading.first = 1050;
    hls.mainForwardBufferInfo = { len: 20 };
    vi.advanceTimersByTime(100);
    expect(decisions.map((d) => d.to)).toEqual([3]);
    // The progress fed to the rule made it pick rung 1 for the next fragment; the download is kept.
    rule.next = { rungIndex: 1, estimateBps: 800_000, reason: 'drop-inflight' };
    vi.advanceTimersByTime(100);
    expect(f.aborted).toBe(0);
    expect(decisions.map((d) => [d.from, d.to, d.reason])).toEqual([[null, 3, 'engine'], [3, 1, 'drop-inflight']]);
    // hls.js then requests level 1: no second report of the same decision.
    void abr;
    hls.trigger(HLS_EVENTS.FRAG_LOADING, { frag: frag(1) });
    expect(decisions).toHaveLength(2);
    vi.useRealTimers();
  });

  it('in-flight check: abandon aborts the fragment, forces the lower level and tells hls.js', () => {
    vi.useFakeTimers();
    const rule = new SpyRule();
    const abandons: unknown[] = [];
    const decisions: Array<{ from: number | null; to: number; reason: string }> = [];
    const C = createHlsAbrController(rule, { ...hooks(), onAbandon: (a) => abandons.push(a), onDecision: (d) => decisions.push(d) });
    const hls = new FakeHls();
    const abr = new C(hls);
    const f = frag(3);
    rule.next = { rungIndex: 3, estimateBps: 0, reason: 'hold' };
    clock = 1000;
    hls.trigger(HLS_EVENTS.FRAG_LOADING, { frag: f });
    // Progress: 200 kB of ~3 MB after 2 s with 3 s of buffer.
    clock = 3000;
    f.stats.loaded = 200_000;
    f.stats.total = 3_000_000;
    f.stats.loading.first = 1100;
    hls.mainForwardBufferInfo = { len: 3 };
    vi.advanceTimersByTime(100);
    const [progress, state] = rule.last('checkAbandon') as [Record<string, unknown>, Record<string, unknown>];
    expect(progress).toMatchObject({ rungIndex: 3, bytesLoaded: 200_000, bytesTotal: 3_000_000, elapsedMs: 2000, ttfbMs: 100, segmentDurationSec: 4 });
    expect(state).toMatchObject({ bufferSec: 3 });
    expect(f.aborted).toBe(0);

    rule.abandon = { abandon: true, switchTo: 0, reason: 'too-slow' };
    vi.advanceTimersByTime(100);
    expect(f.aborted).toBe(1);
    expect(hls.nextLoadLevelWrites.at(-1)).toBe(0);
    expect(hls.triggered).toContain(HLS_EVENTS.FRAG_LOAD_EMERGENCY_ABORTED);
    expect(abr.forcedAutoLevel).toBe(0);
    expect(abr.nextAutoLevel).toBe(0);
    expect(abandons).toEqual([{ rung: 3, to: 0, reason: 'too-slow' }]);
    expect(decisions.map((d) => [d.from, d.to, d.reason])).toEqual([[null, 3, 'engine'], [3, 0, 'abandon:too-slow']]);
    // Timer stopped: no more checks for the aborted fragment.
    const n = rule.count('checkAbandon');
    vi.advanceTimersByTime(500);
    expect(rule.count('checkAbandon')).toBe(n);
  });

  it('no abandon while the quality is pinned', () => {
    vi.useFakeTimers();
    const rule = new SpyRule();
    rule.abandon = { abandon: true, switchTo: 0, reason: 'too-slow' };
    const C = createHlsAbrController(rule, hooks());
    const hls = new FakeHls();
    hls.autoLevelEnabled = false;
    new C(hls);
    const f = frag(3);
    hls.trigger(HLS_EVENTS.FRAG_LOADING, { frag: f });
    vi.advanceTimersByTime(300);
    expect(f.aborted).toBe(0);
  });

  it('destroy unregisters every listener', () => {
    const rule = new SpyRule();
    const C = createHlsAbrController(rule, hooks());
    const hls = new FakeHls();
    const abr = new C(hls);
    expect(hls.listenerCount()).toBeGreaterThan(0);
    abr.destroy();
    expect(hls.listenerCount()).toBe(0);
  });

  it('with the real rule: a throughput drop moves hls.js down by the next fragment', () => {
    const rule = createAbr();
    const C = createHlsAbrController(rule, hooks());
    const hls = new FakeHls();
    const abr = new C(hls);
    hls.trigger(HLS_EVENTS.MANIFEST_PARSED, {});
    hls.mainForwardBufferInfo = { len: 20 };
    let t = 0;
    // Fast network: 4 s fragments of the 1080p rung (3 MB) arriving in 0.3 s (~80 Mb/s).
    for (let i = 0; i < 6; i++) {
      clock = t + 300;
      loaded(hls, frag(3, { sn: i }), 3_000_000, t, t + 20, t + 300);
      t += 4000;
    }
    expect(abr.nextAutoLevel).toBe(3);
    // Drop to ~1 Mb/s: the next 3 MB fragment takes 24 s.
    hls.mainForwardBufferInfo = { len: 8 };
    clock = t + 24_000;
    loaded(hls, frag(3, { sn: 6 }), 3_000_000, t, t + 50, t + 24_000);
    expect(abr.nextAutoLevel).toBeLessThanOrEqual(1);
  });
});

describe('hls.js adapter: cancelled downloads', () => {
  it('a fragment aborted elsewhere (seek) clears the rule in-flight progress; a finished one does not', () => {
    const rule = Object.assign(new SpyRule(), { cancelled: 0, cancelInFlight() { this.cancelled++; } });
    const C = createHlsAbrController(rule, hooks());
    const hls = new FakeHls();
    const abr = new C(hls);
    const a = frag(2, { sn: 1 });
    hls.trigger(HLS_EVENTS.FRAG_LOADING, { frag: a });
    loaded(hls, a, 100_000, 0, 10, 100);
    hls.trigger(HLS_EVENTS.FRAG_LOADING, { frag: frag(2, { sn: 2 }) });
    expect(rule.cancelled).toBe(0);
    hls.trigger(HLS_EVENTS.FRAG_LOADING, { frag: frag(2, { sn: 9 }) }); // sn 2 never finished
    expect(rule.cancelled).toBe(1);
    abr.destroy();
  });
});

describe('hls.js adapter: playback state for the rule', () => {
  it('passes the buffer goal, the fragment duration and the segments left', () => {
    const rule = new SpyRule();
    const C = createHlsAbrController(rule, hooks());
    const hls = Object.assign(new FakeHls(), { config: { maxBufferLength: 30 } });
    hls.media = Object.assign(hls.media, { duration: 60, currentTime: 10 });
    hls.mainForwardBufferInfo = { len: 14 };
    const abr = new C(hls);
    hls.trigger(HLS_EVENTS.FRAG_LOADING, { frag: frag(1) });
    loaded(hls, frag(1), 100_000, 0, 10, 100);
    void abr.nextAutoLevel;
    const [state] = rule.last('chooseNext') as [Record<string, unknown>];
    expect(state).toMatchObject({ bufferSec: 14, maxBufferSec: 30, segmentDurationSec: 4, segmentsLeft: 9 });
    abr.destroy();
  });
});
