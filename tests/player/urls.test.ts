import { describe, expect, it } from 'vitest';
import { manifestUrl, parseQuality, parseStartTime, parseWatchParams, pickBaseUrl, resolveQuality } from '../../player/src/api/urls.ts';
import { throughputColumns } from '../../player/src/stats/chart-data.ts';

describe('manifest URL and deep links', () => {
  it('streams through the first healthy edge, else the origin, else same origin', () => {
    const topo = {
      origin: { url: 'http://o:8080' },
      edges: [
        { id: 'edge-1', url: 'http://e1:8081/', healthy: false },
        { id: 'edge-2', url: 'http://e2:8082', healthy: true },
      ],
    };
    expect(pickBaseUrl(topo)).toEqual({ url: 'http://e2:8082', edge: 'edge-2' });
    expect(pickBaseUrl({ ...topo, edges: [] })).toEqual({ url: 'http://o:8080', edge: null });
    expect(pickBaseUrl(null)).toEqual({ url: '', edge: null });
  });

  it('adds the session and passes shaping params through unchanged', () => {
    const page = new URLSearchParams('trace=norway_tram_1&trace_speed=2&engine=shaka&t=30&shape_kbps=800&latency_ms=40');
    const hls = manifestUrl({ base: 'http://e2:8082', titleId: 'demo', engine: 'hls', sessionId: 'abc', pageParams: page });
    expect(hls).toBe('http://e2:8082/media/demo/master.m3u8?session=abc&shape_kbps=800&latency_ms=40&trace=norway_tram_1&trace_speed=2');
    const dash = manifestUrl({ base: '', titleId: 'demo', engine: 'shaka', sessionId: 'abc', pageParams: new URLSearchParams() });
    expect(dash).toBe('/media/demo/manifest.mpd?session=abc');
    expect(manifestUrl({ base: '', titleId: 'd', engine: 'shaka', format: 'hls', sessionId: 's', pageParams: new URLSearchParams() })).toContain('master.m3u8');
  });

  it('parses ?t=, ?quality=, ?engine=, ?abr=', () => {
    expect(parseStartTime('90')).toBe(90);
    expect(parseStartTime('1m30s')).toBe(90);
    expect(parseStartTime('1:30')).toBe(90);
    expect(parseStartTime('junk')).toBe(0);
    expect(parseQuality('720p')).toEqual({ height: 720 });
    expect(parseQuality('2')).toBe(2);
    expect(parseQuality(null)).toBe('auto');
    expect(parseWatchParams(new URLSearchParams('engine=shaka&abr=default'))).toMatchObject({ engine: 'shaka', abr: 'default', quality: 'auto' });
    expect(parseWatchParams(new URLSearchParams('engine=nope'))).toMatchObject({ engine: 'hls', abr: 'ours' });
  });

  it('resolves ?quality= against the ladder', () => {
    const rungs = [240, 480, 720, 1080].map((height, index) => ({ index, height }));
    expect(resolveQuality({ height: 720 }, rungs)).toBe(2);
    expect(resolveQuality({ height: 600 }, rungs)).toBe(1);
    expect(resolveQuality({ height: 100 }, rungs)).toBe(0);
    expect(resolveQuality(9, rungs)).toBe(3);
    expect(resolveQuality('auto', rungs)).toBe('auto');
  });
});

describe('chart columns', () => {
  it('merges segment points and estimate samples on one time axis', () => {
    const cols = throughputColumns(
      [{ t: 1, bufferSec: 0, estimateBps: 2e6, selectedBps: null }, { t: 3, bufferSec: 0, estimateBps: 3e6, selectedBps: null }],
      [{ t: 2, throughputBps: 4e6, rung: 0, bytes: 1, ms: 1, edge: null, cache: null }],
    );
    expect(cols).toEqual([[1, 2, 3], [null, 4, null], [2, null, 3]]);
  });
});

import { segmentsLeft } from '../../player/src/engines/rule-extras.ts';
describe('segmentsLeft (PlaybackState for the rule)', () => {
  it('counts segments beyond the buffered end, at least 1, undefined when unknown', () => {
    expect(segmentsLeft(60, 10, 20, 4)).toBe(8);
    expect(segmentsLeft(60, 10, 49.995, 4)).toBe(1);
    expect(segmentsLeft(Infinity, 10, 20, 4)).toBeUndefined();
    expect(segmentsLeft(undefined, 10, 20, 4)).toBeUndefined();
    expect(segmentsLeft(60, 0, 0, 0)).toBeUndefined();
  });
});
