/** The edge tier: hit/miss, coalescing, eviction by bytes, stale-if-error + breaker, steering, manifest rewriting, chaos. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import { Parser as M3u8Parser } from 'm3u8-parser';
import { startStack, type Stack } from '../../server/stack.ts';
import { POLICY_NAMES } from '../../server/edge/policies/policy.ts';
import { makeMiniTitle, raw, sleep, tempMediaDir } from './helpers.ts';

let media: string;
let segments: string[];

beforeAll(async () => {
  media = await tempMediaDir();
  ({ segments } = await makeMiniTitle(media, 'demo'));
});

interface EdgeStat {
  id: string;
  healthy: boolean;
  hits: number;
  misses: number;
  stale: number;
  originFetches: number;
  coalesced: number;
  cacheBytes: number;
  cacheCapacityBytes: number;
  evictions: number;
  breaker: string;
  byteHitRatio: number;
}
async function edgeStats(stack: Stack, id = 'edge-1'): Promise<EdgeStat> {
  const list = (await (await fetch(`${stack.originUrl}/api/edges`)).json()) as EdgeStat[];
  const e = list.find((x) => x.id === id);
  if (!e) throw new Error(`no ${id}`);
  return e;
}
async function originMediaRequests(stack: Stack): Promise<number> {
  const text = await (await fetch(`${stack.originUrl}/metrics`)).text();
  let n = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('origin_requests_total{') && line.includes('route="media"')) n += Number(line.split(' ').pop());
  }
  return n;
}

describe('edge cache', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ mediaDir: media, edges: 2, originRttMs: 150 });
  });
  afterAll(async () => stack?.close());

  it('misses once, then hits, with X-Cache, X-Edge and Age', async () => {
    const url = `${stack.edges[0]!.url}/media/demo/${segments[0]}`;
    const a = await fetch(url);
    const bodyA = Buffer.from(await a.arrayBuffer());
    expect(a.headers.get('x-cache')).toBe('MISS');
    expect(a.headers.get('x-edge')).toBe('edge-1');
    const b = await fetch(url);
    const bodyB = Buffer.from(await b.arrayBuffer());
    expect(b.headers.get('x-cache')).toBe('HIT');
    expect(b.headers.get('age')).toMatch(/^\d+$/);
    expect(bodyB.equals(bodyA)).toBe(true);
    const origin = Buffer.from(await (await fetch(`${stack.originUrl}/media/demo/${segments[0]}`)).arrayBuffer());
    expect(bodyA.equals(origin)).toBe(true);
    // Range requests are served from the cached whole object
    const r = await raw(stack.edges[0]!.url, `/media/demo/${segments[0]}`, { headers: { Range: 'bytes=0-99' } });
    expect(r.status).toBe(206);
    expect(r.headers['x-cache']).toBe('HIT');
    expect(r.body.equals(origin.subarray(0, 100))).toBe(true);
  });

  it('coalesces N concurrent misses into one origin fetch', async () => {
    const before = await originMediaRequests(stack);
    const statsBefore = await edgeStats(stack, 'edge-2');
    const N = 12;
    const res = await Promise.all(
      Array.from({ length: N }, () => fetch(`${stack.edges[1]!.url}/media/demo/${segments[3]}`).then(async (r) => ({ status: r.status, len: (await r.arrayBuffer()).byteLength }))),
    );
    expect(res.every((r) => r.status === 200 && r.len > 0)).toBe(true);
    const after = await originMediaRequests(stack);
    expect(after - before).toBe(1);
    const s = await edgeStats(stack, 'edge-2');
    expect(s.originFetches - statsBefore.originFetches).toBe(1);
    expect(s.coalesced - statsBefore.coalesced).toBe(N - 1);
  });

  it('passes origin 404s through without caching them as objects', async () => {
    const r = await fetch(`${stack.edges[0]!.url}/media/demo/missing.m4s`);
    expect(r.status).toBe(404);
    expect(r.headers.get('x-edge')).toBe('edge-1');
  });
});

describe.each(POLICY_NAMES)('eviction by bytes (%s)', (policy) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ mediaDir: media, edges: 1, cacheBytes: 200_000, cachePolicy: policy });
  });
  afterAll(async () => stack?.close());

  it('keeps the cache under its byte budget and evicts', async () => {
    let served = 0;
    for (const seg of segments) {
      const r = await fetch(`${stack.edges[0]!.url}/media/demo/${seg}`);
      served += (await r.arrayBuffer()).byteLength;
      const s = await edgeStats(stack);
      expect(s.cacheBytes).toBeLessThanOrEqual(200_000);
    }
    expect(served).toBeGreaterThan(200_000);
    const s = await edgeStats(stack);
    expect(s.evictions).toBeGreaterThan(0);
    expect(s.cacheCapacityBytes).toBe(200_000);
    const metrics = await (await fetch(`${stack.edges[0]!.url}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`edge_cache_evictions_total\\{edge="edge-1"\\} ${s.evictions}`));
  });
});

describe('origin outage: stale-if-error and the circuit breaker', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ mediaDir: media, edges: 1, breaker: { failureThreshold: 3, openMs: 800 } });
  });
  afterAll(async () => stack?.close());

  it('serves cached objects, fails fast for the rest, and closes again after recovery', async () => {
    const edge = stack.edges[0]!.url;
    const seg = `${edge}/media/demo/${segments[0]}`;
    const manifest = `${edge}/media/demo/media_0.m3u8`;
    expect((await fetch(seg)).headers.get('x-cache')).toBe('MISS');
    expect((await fetch(manifest)).headers.get('x-cache')).toBe('MISS');

    expect((await fetch(`${stack.originUrl}/api/origin/fail`, { method: 'POST' })).status).toBe(200);
    // cached immutable segment: still a hit
    const hit = await fetch(seg);
    expect(hit.status).toBe(200);
    expect(hit.headers.get('x-cache')).toBe('HIT');
    // manifest past its max-age: revalidation fails → stale
    await sleep(2100);
    const stale = await fetch(manifest);
    expect(stale.status).toBe(200);
    expect(stale.headers.get('x-cache')).toBe('STALE');
    expect(await stale.text()).toContain('#EXTINF');

    // uncached objects: 502 until the breaker opens (3 consecutive failures, the failed revalidation
    // above being the first), then 503 fast with Retry-After
    const statuses: number[] = [];
    for (let i = 1; i <= 3; i++) statuses.push((await fetch(`${edge}/media/demo/${segments[i]}`)).status);
    expect(statuses).toEqual([502, 502, 503]);
    expect((await edgeStats(stack)).breaker).toBe('open');
    const t0 = Date.now();
    const fast = await fetch(`${edge}/media/demo/${segments[4]}`);
    expect(fast.status).toBe(503);
    expect(fast.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(Date.now() - t0).toBeLessThan(500);
    expect(await (await fetch(`${edge}/metrics`)).text()).toMatch(/edge_breaker_state\{edge="edge-1"\} 2/);

    // half-open probe fails while the origin is still down → open again
    await sleep(900);
    expect((await edgeStats(stack)).breaker).toBe('half-open');
    expect((await fetch(`${edge}/media/demo/${segments[4]}`)).status).toBe(502);
    expect((await edgeStats(stack)).breaker).toBe('open');

    // origin back: the next probe succeeds and closes the breaker
    await fetch(`${stack.originUrl}/api/origin/recover`, { method: 'POST' });
    await sleep(900);
    const ok = await fetch(`${edge}/media/demo/${segments[4]}`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-cache')).toBe('MISS');
    expect((await edgeStats(stack)).breaker).toBe('closed');
    expect((await edgeStats(stack)).stale).toBeGreaterThan(0);
  });
});

describe('content steering', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ mediaDir: media, edges: 3 });
  });
  afterAll(async () => stack?.close());

  it('rewrites the HLS multivariant playlist with one pathway per healthy edge', async () => {
    const edge = stack.edges[1]!;
    const r = await fetch(`${edge.url}/media/demo/master.m3u8?session=s-hls`);
    const text = await r.text();
    expect(text).toContain(`#EXT-X-CONTENT-STEERING:SERVER-URI="${stack.steeringUrl}",PATHWAY-ID="edge-2"`);
    const p = new M3u8Parser();
    p.push(text);
    p.end();
    const m = p.manifest;
    expect(m.contentSteering).toMatchObject({ serverUri: stack.steeringUrl, pathwayId: 'edge-2' });
    const variants = m.playlists as Array<{ uri: string; attributes: Record<string, string> }>;
    expect(variants.length).toBe(2 * 3);
    for (const e of stack.edges) {
      const mine = variants.filter((v) => v.attributes['PATHWAY-ID'] === e.id);
      expect(mine.length).toBe(2);
      for (const v of mine) {
        expect(v.uri.startsWith(`${e.url}/media/demo/`)).toBe(true);
        expect(v.uri).toContain('session=s-hls');
        expect(v.attributes.AUDIO).toBe(`group_A1-${e.id}`);
      }
      const audio = m.mediaGroups.AUDIO[`group_A1-${e.id}`];
      const rendition = Object.values(audio)[0] as { uri: string };
      expect(rendition.uri.startsWith(`${e.url}/media/demo/`)).toBe(true);
    }
    // media playlists keep relative segment URIs (with the session appended)
    const mp = await (await fetch(`${edge.url}/media/demo/media_1.m3u8?session=s-hls`)).text();
    const mpp = new M3u8Parser();
    mpp.push(mp);
    mpp.end();
    const segs = mpp.manifest.segments as Array<{ uri: string; map?: { uri: string } }>;
    expect(segs.length).toBeGreaterThan(0);
    for (const s of segs) {
      expect(s.uri).toMatch(/^seg-1-\d+\.m4s\?session=s-hls$/);
    }
    expect(segs[0]!.map?.uri).toBe('init-1.mp4?session=s-hls');
  });

  it('rewrites the MPD with BaseURL@serviceLocation per edge and ContentSteering', async () => {
    const edge = stack.edges[0]!;
    const text = await (await fetch(`${edge.url}/media/demo/manifest.mpd?session=s-dash`)).text();
    const x = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(text) as {
      MPD: { BaseURL: Array<{ '#text': string; '@serviceLocation': string }>; ContentSteering: { '#text': string; '@defaultServiceLocation': string; '@queryBeforeStart': string }; Period: { AdaptationSet: Array<{ Representation: unknown }> } };
    };
    expect(x.MPD.BaseURL.map((b) => b['@serviceLocation'])).toEqual(['edge-1', 'edge-2', 'edge-3']);
    expect(x.MPD.BaseURL.map((b) => b['#text'])).toEqual(stack.edges.map((e) => `${e.url}/media/demo/`));
    expect(x.MPD.ContentSteering['#text']).toBe(stack.steeringUrl);
    expect(x.MPD.ContentSteering['@defaultServiceLocation']).toBe('edge-1');
    expect(x.MPD.ContentSteering['@queryBeforeStart']).toBe('false');
    expect(text).toMatch(/media="seg-\$RepresentationID\$-\$Number%05d\$\.m4s\?session=s-dash"/);
    expect(text).toMatch(/initialization="init-\$RepresentationID\$\.mp4\?session=s-dash"/);
    // and a rewritten segment URL resolves against the edge
    const seg = await fetch(`${edge.url}/media/demo/seg-0-00001.m4s?session=s-dash`);
    expect(seg.status).toBe(200);
  });

  it('moves clients off a failed edge: steering ranking, topology, manifests, connections', async () => {
    const steer = async (q: string) => (await (await fetch(`${stack.steeringUrl}?${q}`)).json()) as { VERSION: number; TTL: number; 'PATHWAY-PRIORITY': string[] };
    const before = await steer('_HLS_pathway=edge-1&_HLS_throughput=5000000');
    expect(before.VERSION).toBe(1);
    expect(before.TTL).toBeGreaterThan(0);
    expect(before.TTL).toBeLessThanOrEqual(5);
    expect(before['PATHWAY-PRIORITY'][0]).toBe('edge-1');

    const kill = await fetch(`${stack.originUrl}/api/edges/edge-1/fail`, { method: 'POST', body: JSON.stringify({ mode: 'refuse' }), headers: { 'Content-Type': 'application/json' } });
    expect(kill.status).toBe(200);
    const after = await steer('_HLS_pathway=edge-1&_HLS_throughput=5000000');
    expect(after['PATHWAY-PRIORITY'][0]).not.toBe('edge-1');
    expect(after['PATHWAY-PRIORITY'].at(-1)).toBe('edge-1');
    const dash = await steer('_DASH_pathway=edge-1&_DASH_throughput=5000000');
    expect(dash['PATHWAY-PRIORITY'][0]).not.toBe('edge-1');

    const topo = (await (await fetch(`${stack.originUrl}/api/topology`)).json()) as { edges: Array<{ id: string; healthy: boolean }> };
    expect(topo.edges.find((e) => e.id === 'edge-1')?.healthy).toBe(false);
    await expect(fetch(`${stack.edges[0]!.url}/media/demo/master.m3u8`)).rejects.toThrow();
    const m = await (await fetch(`${stack.edges[1]!.url}/media/demo/master.m3u8`)).text();
    expect(m).not.toContain('PATHWAY-ID="edge-1"');
    expect(m).toContain('PATHWAY-ID="edge-3"');

    // reset mode: connections accepted then reset
    await fetch(`${stack.originUrl}/api/edges/edge-1/fail`, { method: 'POST', body: JSON.stringify({ mode: 'reset' }) });
    await expect(fetch(`${stack.edges[0]!.url}/healthz`)).rejects.toThrow();

    await fetch(`${stack.originUrl}/api/edges/edge-1/recover`, { method: 'POST' });
    expect((await fetch(`${stack.edges[0]!.url}/healthz`)).status).toBe(200);
    const back = await steer('_HLS_pathway=edge-1');
    expect(back['PATHWAY-PRIORITY'][0]).toBe('edge-1');
  });
});
