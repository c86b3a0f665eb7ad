import { describe, expect, it } from 'vitest';
import { ByteCache, createPolicy } from '../../server/edge/cache.ts';
import { LookaheadPolicy, parseSegmentKey } from '../../server/edge/policies/lookahead.ts';
import { DEFAULT_CACHE_POLICY } from '../../server/stack.ts';

describe('parseSegmentKey', () => {
  it('splits numbered segments into title, track and index and leaves other files alone', () => {
    expect(parseSegmentKey('demo/v720p/seg-00012.m4s')).toEqual({ title: 'demo', track: 'demo/v720p/seg-', index: 12 });
    expect(parseSegmentKey('7/3/41')).toEqual({ title: '7', track: '7/3/', index: 41 });
    expect(parseSegmentKey('demo/master.m3u8')).toBeUndefined();
    expect(parseSegmentKey('demo/v720p/init.mp4')).toBeUndefined();
    expect(parseSegmentKey('demo/v720p/playlist_720p.m3u8')).toBeUndefined();
    expect(parseSegmentKey('k12')).toBeUndefined();
  });
});

describe('lookahead policy', () => {
  it('is the default edge policy', () => {
    expect(DEFAULT_CACHE_POLICY).toBe('lookahead');
    expect(createPolicy('lookahead', 1000).name).toBe('lookahead');
  });

  it('evicts by bytes: never above capacity, byte count exact, evictions counted', () => {
    const cache = new ByteCache<number>(50_000, new LookaheadPolicy());
    const size = (t: number, r: number, k: number) => 800 + ((t * 131 + r * 17 + k * 7) % 3000);
    let n = 0;
    for (let i = 0; i < 3000; i++) {
      const t = i % 7;
      const r = (i >> 3) % 3;
      const k = (i * 13) % 40;
      const key = `t${t}/r${r}/seg-${k}.m4s`;
      if (cache.get(key) === undefined) cache.set(key, n++, size(t, r, k));
      expect(cache.bytes).toBeLessThanOrEqual(50_000);
    }
    expect(cache.evictions).toBeGreaterThan(0);
    let sum = 0;
    for (const key of cache.keys()) {
      const seg = parseSegmentKey(key)!;
      sum += size(Number(seg.title.slice(1)), Number(key.split('/')[1]!.slice(1)), seg.index);
    }
    expect(sum).toBe(cache.bytes);
  });

  it('keeps the segments an active viewer is about to read over segments every viewer has passed', () => {
    // A leading viewer reads segments 0..9 of title "a"; a second viewer follows a few segments behind.
    // Filler objects of a title nobody plays force evictions; the segments ahead of the follower must stay.
    const cache = new ByteCache<true>(12 * 1000, new LookaheadPolicy({ admission: 0 }));
    const key = (t: string, k: number) => `${t}/v1/seg-${k}.m4s`;
    for (let k = 0; k < 10; k++) cache.set(key('a', k), true, 1000);
    // the follower reads 0..3 (hits) and stays at 3
    for (let k = 0; k <= 3; k++) expect(cache.get(key('a', k))).toBe(true);
    // one-off objects of titles nobody else plays push the cache
    for (let i = 0; i < 6; i++) cache.set(key(`z${i}`, 100), true, 1000);
    for (let k = 4; k < 10; k++) expect(cache.has(key('a', k))).toBe(true);
  });

  it('values early segments of a title above late ones once viewers are seen abandoning', () => {
    const p = new LookaheadPolicy({ admission: 0, smooth: 0 });
    const cache = new ByteCache<true>(1_000_000, p);
    const key = (k: number) => `b/v1/seg-${k}.m4s`;
    // 20 viewers, one after the other: all read 0..4, only 2 get to 30
    for (let v = 0; v < 20; v++) {
      const stop = v < 2 ? 30 : 5;
      for (let k = 0; k < stop; k++) if (cache.get(key(k)) === undefined) cache.set(key(k), true, 1000);
      for (let i = 0; i < 400; i++) cache.set(`c/v1/seg-${v * 1000 + i}.m4s`, true, 10); // time passes, viewers expire
    }
    const internals = p as unknown as { objs: Map<string, object>; value(o: object): number };
    const early = internals.value(internals.objs.get(key(2))!);
    const late = internals.value(internals.objs.get(key(25))!);
    expect(early).toBeGreaterThan(5 * late);
  });

  it('keeps frequently requested non-segment files (manifests, init) over one-off ones', () => {
    const cache = new ByteCache<string>(4000, new LookaheadPolicy());
    cache.set('demo/master.m3u8', 'm', 1000);
    for (let i = 0; i < 50; i++) {
      cache.get('demo/master.m3u8');
      cache.set(`other/file${i}.bin`, 'x', 1000);
    }
    expect(cache.has('demo/master.m3u8')).toBe(true);
  });

  it('declines to admit a segment worth less than what it would push out, and still counts its request', () => {
    const key = (t: string, k: number) => `${t}/v1/seg-${k}.m4s`;
    const cache = new ByteCache<true>(5000, new LookaheadPolicy({ admission: 1 }));
    // five viewers watch the first segments of "hot": they are worth keeping
    for (let v = 0; v < 5; v++) for (let k = 0; k < 5; k++) if (cache.get(key('hot', k)) === undefined) cache.set(key('hot', k), true, 1000);
    // a lone viewer far into a title nobody else watches
    const stored = cache.set(key('cold', 500), true, 1000);
    expect(stored).toBe(false);
    expect(cache.rejections).toBe(1);
    for (let k = 0; k < 5; k++) expect(cache.has(key('hot', k))).toBe(true);
    expect(cache.bytes).toBe(5000);
  });

  it("values a title's segments for new viewers by the catalogue's rung mix, not by the title's own few viewers", () => {
    const p = new LookaheadPolicy({ admission: 0 });
    const cache = new ByteCache<true>(10_000_000, p);
    const read = (t: string, rung: string, from: number, to: number) => {
      for (let k = from; k < to; k++) {
        const key = `${t}/${rung}/seg-${k}.m4s`;
        if (cache.get(key) === undefined) cache.set(key, true, 1000);
      }
    };
    // 20 titles, viewers on v3 after a short start on v1: the catalogue's viewers are on v3
    for (let t = 0; t < 20; t++) {
      read(`c${t}`, 'v1', 0, 2);
      read(`c${t}`, 'v3', 2, 30);
    }
    // title x: one viewer stayed on v1 throughout, one was on v3
    read('x', 'v1', 0, 30);
    read('x', 'v1', 0, 2);
    read('x', 'v3', 2, 30);
    for (let i = 0; i < 3000; i++) cache.set(`filler/v9/seg-${i}.m4s`, true, 1); // time passes, cursors expire
    const internals = p as unknown as { objs: Map<string, object>; value(o: object): number };
    const v3 = internals.value(internals.objs.get('x/v3/seg-20.m4s')!);
    const v1 = internals.value(internals.objs.get('x/v1/seg-20.m4s')!);
    expect(v3).toBeGreaterThan(3 * v1);
  });

  it('measures how long viewers stay on a rung: wandering and coming back is not leaving', () => {
    const run = (trackAt: (viewer: number, k: number) => string) => {
      const p = new LookaheadPolicy({ admission: 0 });
      const cache = new ByteCache<true>(100_000_000, p);
      for (let v = 0; v < 60; v++) {
        for (let k = 0; k < 60; k++) {
          const key = `t${v % 5}/${trackAt(v, k)}/seg-${k}.m4s`;
          if (cache.get(key) === undefined) cache.set(key, true, 100);
        }
      }
      return (p as unknown as { homeShare: number }).homeShare;
    };
    // every 5th segment on a neighbouring rung, then back home: far ahead a viewer is still mostly on its rung
    const wander = run((v, k) => (k % 5 === 4 ? `r${(v % 3) + 1}` : `r${(v % 3) + 2}`));
    // one switch per viewer, for good: far ahead the chance to be on today's rung is the one-step chance^d
    const drift = run((v, k) => `r${k < 5 + (v % 50) ? 2 : 3}`);
    expect(wander).toBeGreaterThan(0.5);
    expect(drift).toBeLessThan(0.2);
  });

  it('keeps the pooled survival curve equal to a recount over the titles it remembers (through decay and forgetting)', () => {
    const p = new LookaheadPolicy({ admission: 0, halfLife: 400 });
    const cache = new ByteCache<true>(200_000, p);
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    // viewers of 30 titles of different lengths, most stopping early; the half-life forgets the rare titles
    for (let v = 0; v < 400; v++) {
      const t = Math.floor(Math.pow(rand(), 2) * 30);
      const stop = 1 + Math.floor(rand() * (10 + t * 3));
      for (let k = 0; k < stop; k++) {
        const key = `t${t}/v1/seg-${k}.m4s`;
        if (cache.get(key) === undefined) cache.set(key, true, 500);
      }
    }
    // then only t0 for a while: the others fade out of memory
    for (let v = 0; v < 300; v++) for (let k = 0; k < 20; k++) if (cache.get(`t0/v1/seg-${k}.m4s`) === undefined) cache.set(`t0/v1/seg-${k}.m4s`, true, 500);
    const x = p as unknown as { titles: Map<string, { starts: number; reach: number[] }>; survivalG: number[]; expire(): void };
    x.expire();
    const reach: number[] = [];
    const starts: number[] = [];
    for (const t of x.titles.values()) {
      for (let k = 0; k < t.reach.length; k++) {
        reach[k] = (reach[k] ?? 0) + (t.reach[k] ?? 0);
        starts[k] = (starts[k] ?? 0) + t.starts;
      }
    }
    expect(x.survivalG.length).toBe(reach.length);
    reach.forEach((r, k) => expect(x.survivalG[k]).toBeCloseTo(Math.min(1, r / (starts[k] ?? 1)), 9));
    expect(x.titles.size).toBeLessThan(30); // some titles were forgotten on the way
  });
});
