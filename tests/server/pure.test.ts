/** Pure cores of the server: range parsing, path safety, token bucket, breaker, eviction policies, ranking, traces. */
import { describe, expect, it } from 'vitest';
import { parseRange } from '../../server/http/range.ts';
import { parseMediaPath } from '../../server/http/safe-path.ts';
import { cacheControlFor, contentTypeFor } from '../../server/http/mime.ts';
import { TokenBucket } from '../../server/shaping/token-bucket.ts';
import { generatedTrace, meanMbps, parseTrace, traceMbpsAt } from '../../server/shaping/trace.ts';
import { mergeShape, NO_SHAPE, sessionIdOf, shapePatchFromQuery, ShapeError } from '../../server/shaping/sessions.ts';
import { CircuitBreaker } from '../../server/edge/breaker.ts';
import { ByteCache, createPolicy } from '../../server/edge/cache.ts';
import { POLICY_NAMES } from '../../server/edge/policies/policy.ts';
import { hintsFromQuery, rankPathways, type EdgeLoad } from '../../server/steering/rank.ts';
import { appendQuery, parseAttrList } from '../../server/manifests/attrs.ts';

describe('parseRange', () => {
  it('parses single byte ranges', () => {
    expect(parseRange(undefined, 100)).toEqual({ type: 'full' });
    expect(parseRange('bytes=0-9', 100)).toEqual({ type: 'partial', start: 0, end: 9 });
    expect(parseRange('bytes=90-', 100)).toEqual({ type: 'partial', start: 90, end: 99 });
    expect(parseRange('bytes=-10', 100)).toEqual({ type: 'partial', start: 90, end: 99 });
    expect(parseRange('bytes=-500', 100)).toEqual({ type: 'partial', start: 0, end: 99 });
    expect(parseRange('bytes=50-1000', 100)).toEqual({ type: 'partial', start: 50, end: 99 });
  });
  it('flags unsatisfiable and malformed ranges', () => {
    expect(parseRange('bytes=100-', 100)).toEqual({ type: 'unsatisfiable' });
    expect(parseRange('bytes=-0', 100)).toEqual({ type: 'unsatisfiable' });
    expect(parseRange('bytes=0-0', 0)).toEqual({ type: 'unsatisfiable' });
    for (const bad of ['bytes=', 'bytes=-', 'bytes=abc', 'items=0-1', 'bytes=5-1', 'bytes 0-1', 'x'.repeat(300)]) {
      expect(parseRange(bad, 100), bad).toEqual({ type: 'malformed' });
    }
  });
  it('ignores multi-range requests (whole object)', () => {
    expect(parseRange('bytes=0-1,5-6', 100)).toEqual({ type: 'full' });
    expect(parseRange('bytes=0-1,zz', 100)).toEqual({ type: 'malformed' });
  });
});

describe('parseMediaPath', () => {
  it('accepts plain nested file names', () => {
    expect(parseMediaPath('demo/v720p/seg-00001.m4s')).toEqual({ ok: true, segments: ['demo', 'v720p', 'seg-00001.m4s'], relPath: 'demo/v720p/seg-00001.m4s' });
    expect(parseMediaPath('demo/seg%2D1.m4s')).toMatchObject({ ok: true, relPath: 'demo/seg-1.m4s' });
  });
  it.each([
    '../etc/passwd',
    'demo/../../etc/passwd',
    '%2e%2e/etc/passwd',
    '%2E%2E%2Fetc%2Fpasswd',
    'demo%2f..%2f..%2fetc',
    '%252e%252e/etc/passwd',
    'demo/%252e%252e%252fetc',
    'demo/%00.m4s',
    'demo/a\u0000b',
    'demo\\..\\..\\etc\\passwd',
    'demo/%5c..%5cetc',
    '.hidden/x',
    'demo/.env',
    'demo//x',
    './demo/x',
    'demo/%',
    'demo/%zz',
    'demo/a b.m4s',
    '',
  ])('refuses %j', (p) => {
    const r = parseMediaPath(p);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.status).toBeGreaterThanOrEqual(400);
  });
});

describe('mime and cache control', () => {
  it('maps extensions', () => {
    expect(contentTypeFor('a/master.m3u8')).toBe('application/vnd.apple.mpegurl');
    expect(contentTypeFor('a/manifest.mpd')).toBe('application/dash+xml');
    expect(contentTypeFor('a/seg.m4s')).toBe('video/iso.segment');
    expect(contentTypeFor('a/init.mp4')).toBe('video/mp4');
    expect(contentTypeFor('a/t.vtt')).toMatch(/^text\/vtt/);
    expect(contentTypeFor('a/p.jpg')).toBe('image/jpeg');
    expect(cacheControlFor('a/seg.m4s').header).toBe('public, max-age=31536000, immutable');
    expect(cacheControlFor('a/init.mp4').header).toContain('immutable');
    expect(cacheControlFor('a/master.m3u8').maxAgeSec).toBeLessThanOrEqual(10);
  });
});

describe('TokenBucket', () => {
  it('paces a fixed rate: n bytes take n/rate seconds after the burst', () => {
    const rate = 100_000; // bytes/s
    const b = new TokenBucket(() => rate, 5000, 0);
    let now = 0;
    let sent = 0;
    while (sent < 505_000) {
      const wait = b.reserve(5000, now);
      now += wait;
      sent += 5000;
    }
    // 505 000 bytes with a 5 000-byte burst → 5 s
    expect(now).toBeGreaterThan(4900);
    expect(now).toBeLessThan(5100);
  });
  it('follows a time-varying rate', () => {
    const b = new TokenBucket((t) => (t < 1000 ? 10_000 : 100_000), 1000, 0);
    let now = 0;
    let sent = 0;
    while (now < 2000) {
      now += Math.max(1, b.reserve(1000, now));
      sent += 1000;
    }
    // ~10 kB in the first second, ~100 kB in the second
    expect(sent).toBeGreaterThan(90_000);
    expect(sent).toBeLessThan(125_000);
  });
});

describe('traces', () => {
  it('parses the Pensieve format with CRLF and follows it in time', () => {
    const t = parseTrace('0.0\t1.0\r\n1.0\t2.0\r\n2.0\t4.0\r\n');
    expect(t.durationSec).toBe(2);
    expect(traceMbpsAt(t, 0.5)).toBe(2);
    expect(traceMbpsAt(t, 1.5)).toBe(4);
    expect(traceMbpsAt(t, 2.5)).toBe(2); // loops
    expect(meanMbps(t)).toBe(3);
    expect(() => parseTrace('0 1\nfoo bar\n')).toThrow(/line 2 is not "<time_s> <Mbit\/s>"/);
    expect(generatedTrace().times.length).toBeGreaterThan(10);
  });
  it('validates shapes and reads query parameters', () => {
    expect(mergeShape(NO_SHAPE, { kbps: 800 })).toMatchObject({ kbps: 800, latencyMs: 0 });
    expect(() => mergeShape(NO_SHAPE, { kbps: -1 })).toThrow(ShapeError);
    expect(() => mergeShape(NO_SHAPE, { latencyMs: Number.NaN })).toThrow(ShapeError);
    expect(() => mergeShape(NO_SHAPE, { trace: '../../etc/passwd' })).toThrow(ShapeError);
    expect(shapePatchFromQuery(new URLSearchParams('shape_kbps=500&latency_ms=20'))).toEqual({ kbps: 500, latencyMs: 20 });
    expect(shapePatchFromQuery(new URLSearchParams('a=1'))).toBeUndefined();
    expect(() => shapePatchFromQuery(new URLSearchParams('shape_kbps=fast'))).toThrow(ShapeError);
    expect(sessionIdOf(new URLSearchParams('session=abc'), {})).toBe('abc');
    expect(sessionIdOf(new URLSearchParams('CMCD=br%3D500%2Csid%3D%22s-1%22%2Cot%3Dv'), {})).toBe('s-1');
    expect(sessionIdOf(new URLSearchParams(''), { 'cmcd-session': 'sid="hdr"' })).toBe('hdr');
    expect(sessionIdOf(new URLSearchParams('session=bad id!'), {})).toBeUndefined();
  });
});

describe('CircuitBreaker', () => {
  it('closed → open after repeated failures → half-open probe → closed', () => {
    const b = new CircuitBreaker({ failureThreshold: 3, openMs: 1000 });
    const seen: string[] = [];
    b.onTransition = (f, t) => seen.push(`${f}>${t}`);
    expect(b.allow(0)).toBe(true);
    b.failure(0);
    b.failure(1);
    expect(b.state(2)).toBe('closed');
    b.failure(2);
    expect(b.state(3)).toBe('open');
    expect(b.allow(500)).toBe(false);
    expect(b.retryAfterMs(500)).toBe(502);
    expect(b.state(1002)).toBe('half-open');
    expect(b.allow(1002)).toBe(true); // the probe
    expect(b.allow(1003)).toBe(false); // only one probe at a time
    b.failure(1004); // probe failed → open again
    expect(b.state(1005)).toBe('open');
    expect(b.allow(2004)).toBe(true);
    b.success(2005);
    expect(b.state(2006)).toBe('closed');
    expect(seen).toEqual(['closed>open', 'open>half-open', 'half-open>open', 'open>half-open', 'half-open>closed']);
  });
  it('a success resets the failure count', () => {
    const b = new CircuitBreaker({ failureThreshold: 2 });
    b.failure(0);
    b.success(1);
    b.failure(2);
    expect(b.state(3)).toBe('closed');
  });
});

describe.each(POLICY_NAMES)('ByteCache with %s', (name) => {
  it('never holds more bytes than its capacity and counts evictions', () => {
    const cache = new ByteCache<number>(10_000, createPolicy(name, 10_000));
    for (let i = 0; i < 200; i++) {
      cache.set(`k${i}`, i, 500 + ((i * 37) % 1500));
      expect(cache.bytes).toBeLessThanOrEqual(10_000);
    }
    expect(cache.evictions).toBeGreaterThan(0);
    let sum = 0;
    for (const k of cache.keys()) sum += 500 + ((Number(k.slice(1)) * 37) % 1500);
    expect(sum).toBe(cache.bytes);
  });
  it('refuses objects larger than the cache and keeps frequently used objects', () => {
    const cache = new ByteCache<string>(4000, createPolicy(name, 4000));
    expect(cache.set('huge', 'x', 5000)).toBe(false);
    cache.set('hot', 'h', 1000);
    for (let i = 0; i < 50; i++) {
      cache.get('hot');
      cache.set(`cold${i}`, 'c', 1000);
    }
    expect(cache.has('hot')).toBe(true);
    expect(cache.bytes).toBeLessThanOrEqual(4000);
  });
  it('delete and replace keep the byte count right', () => {
    const cache = new ByteCache<string>(3000, createPolicy(name, 3000));
    cache.set('a', 'a', 1000);
    cache.set('b', 'b', 1000);
    cache.replace('a', 'a2', 1500);
    expect(cache.bytes).toBe(2500);
    expect(cache.peek('a')).toBe('a2');
    cache.delete('b');
    expect(cache.bytes).toBe(1500);
    cache.set('c', 'c', 1500);
    cache.set('d', 'd', 1500);
    expect(cache.bytes).toBeLessThanOrEqual(3000);
  });
});

describe('s3fifo', () => {
  it('filters a scan of one-hit objects while LRU loses its working set', () => {
    const run = (name: 'lru' | 's3fifo') => {
      const cache = new ByteCache<number>(20_000, createPolicy(name, 20_000));
      let hits = 0;
      for (let round = 0; round < 30; round++) {
        for (let h = 0; h < 10; h++) {
          if (cache.get(`hot${h}`) !== undefined) hits++;
          else cache.set(`hot${h}`, h, 1000);
        }
        for (let s = 0; s < 15; s++) cache.set(`scan${round}-${s}`, s, 1000);
      }
      return hits;
    };
    expect(run('s3fifo')).toBeGreaterThan(run('lru'));
  });
});

describe('rankPathways', () => {
  const edges = (over: Partial<EdgeLoad>[] = []): EdgeLoad[] =>
    ['edge-1', 'edge-2', 'edge-3'].map((id, i) => ({ id, healthy: true, inflight: 0, requestRate: 0, ...over[i] }));
  it('puts failed edges last and prefers the least loaded', () => {
    expect(rankPathways(edges())).toEqual(['edge-1', 'edge-2', 'edge-3']);
    expect(rankPathways(edges([{ healthy: false }]))).toEqual(['edge-2', 'edge-3', 'edge-1']);
    expect(rankPathways(edges([{ inflight: 20 }, { inflight: 5 }]))).toEqual(['edge-3', 'edge-2', 'edge-1']);
  });
  it('keeps a client on its pathway unless it is much worse or failed', () => {
    expect(rankPathways(edges(), { pathway: 'edge-2' })[0]).toBe('edge-2');
    expect(rankPathways(edges([{}, { inflight: 30 }]), { pathway: 'edge-2' })[0]).toBe('edge-1');
    expect(rankPathways(edges([{}, { healthy: false }]), { pathway: 'edge-2' })).toEqual(['edge-1', 'edge-3', 'edge-2']);
  });
  it("does not move a lone viewer off its edge because of that viewer's own load", () => {
    // One player: two requests in flight and ~5 req/s on its edge, the others idle. Without an absolute
    // margin each steering reload would send it to an idle edge, which then looks busy: flapping.
    const own = { inflight: 2, requestRate: 5 };
    expect(rankPathways(edges([own]), { pathway: 'edge-1' })[0]).toBe('edge-1');
    expect(rankPathways(edges([{}, own]), { pathway: 'edge-2' })[0]).toBe('edge-2');
  });
  it('demotes a pathway on which clients report far lower throughput', () => {
    const r = rankPathways(edges([{ reportedThroughputBps: 500_000 }, { reportedThroughputBps: 8_000_000 }, { reportedThroughputBps: 7_000_000 }]));
    expect(r[r.length - 1]).toBe('edge-1');
  });
  it('reads HLS and DASH hints', () => {
    expect(hintsFromQuery(new URLSearchParams('_HLS_pathway=edge-2&_HLS_throughput=123456'))).toEqual({ pathway: 'edge-2', throughputBps: 123456 });
    expect(hintsFromQuery(new URLSearchParams('_DASH_pathway=edge-3&_DASH_throughput=9'))).toEqual({ pathway: 'edge-3', throughputBps: 9 });
    expect(hintsFromQuery(new URLSearchParams('_HLS_pathway=<x>&_HLS_throughput=-1'))).toEqual({});
  });
});

describe('attribute lists', () => {
  it('keeps quoted commas and appends queries', () => {
    expect(parseAttrList('BANDWIDTH=1,CODECS="avc1.4d,mp4a.40.2",AUDIO="a"')).toEqual([
      ['BANDWIDTH', '1'],
      ['CODECS', '"avc1.4d,mp4a.40.2"'],
      ['AUDIO', '"a"'],
    ]);
    expect(appendQuery('a.m4s', 'session=x')).toBe('a.m4s?session=x');
    expect(appendQuery('a.m4s?x=1#f', 'session=x')).toBe('a.m4s?x=1&session=x#f');
  });
});

describe('TokenBucket catch-up', () => {
  it('recovers link time lost to a late sender, but bursts only `capacity` after an idle gap', () => {
    const b = new TokenBucket(() => 100_000, 5000, 0);
    let now = 0;
    now += b.reserve(5000, now); // burst
    now += b.reserve(5000, now); // waits 50 ms
    expect(now).toBeCloseTo(50, 0);
    // the sender wakes up 200 ms late: the 20 000 bytes the link could have sent are available at once
    now += 200;
    expect(b.reserve(20_000, now)).toBe(0);
    // after a 2 s idle gap only the 5 000-byte burst is free
    now += 2000;
    expect(b.reserve(5000, now)).toBe(0);
    expect(b.reserve(5000, now)).toBeCloseTo(50, 0);
  });
});
