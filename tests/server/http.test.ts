/** HTTP done right, on the origin and an edge: MIME, caching headers, 304, ranges, HEAD, CORS, path safety, bad input. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { symlink, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import net from 'node:net';
import { startStack, type Stack } from '../../server/stack.ts';
import { makeMiniTitle, raw, tempMediaDir } from './helpers.ts';

let stack: Stack;
let media: string;
let segments: string[];
let outside: string;

beforeAll(async () => {
  media = await tempMediaDir();
  ({ segments } = await makeMiniTitle(media, 'demo'));
  await makeMiniTitle(media, 'another', 6, 'Another title');
  outside = await tempMediaDir();
  await writeFile(join(outside, 'secret.txt'), 'top secret');
  await symlink(join(outside, 'secret.txt'), join(media, 'demo', 'leak.m4s'));
  await symlink(outside, join(media, 'demo', 'escape'));
  await writeFile(join(media, 'demo', '.env'), 'SECRET=1');
  await mkdir(join(media, 'demo', 'sub'));
  await writeFile(join(media, 'demo', 'sub', 'ok.vtt'), 'WEBVTT\n');
  stack = await startStack({ mediaDir: media, edges: 2 });
});
afterAll(async () => {
  await stack?.close();
});

const roles = () => [
  ['origin', stack.originUrl],
  ['edge', stack.edges[0]!.url],
] as const;

describe.each(['origin', 'edge'] as const)('%s media', (role) => {
  const base = () => (role === 'origin' ? stack.originUrl : stack.edges[0]!.url);

  it('sends the right Content-Type and Cache-Control per file', async () => {
    const cases: Array<[string, RegExp, RegExp]> = [
      ['master.m3u8', /^application\/vnd\.apple\.mpegurl/, /max-age=\d\b/],
      ['manifest.mpd', /^application\/dash\+xml/, /max-age=\d\b/],
      [segments[0]!, /^video\/iso\.segment/, /^public, max-age=31536000, immutable$/],
      ['init-0.mp4', /^video\/mp4/, /^public, max-age=31536000, immutable$/],
      ['poster.jpg', /^image\/jpeg/, /public/],
      ['thumbs.vtt', /^text\/vtt/, /public/],
    ];
    for (const [file, type, cc] of cases) {
      const r = await fetch(`${base()}/media/demo/${file}`);
      expect(r.status, file).toBe(200);
      expect(r.headers.get('content-type'), file).toMatch(type);
      expect(r.headers.get('cache-control'), file).toMatch(cc);
      expect(r.headers.get('etag'), file).toMatch(/^"/);
      expect(r.headers.get('accept-ranges')).toBe('bytes');
      expect(r.headers.get('access-control-allow-origin')).toBe('*');
      expect(r.headers.get('timing-allow-origin')).toBe('*');
      const exposed = r.headers.get('access-control-expose-headers') ?? '';
      for (const h of ['Content-Length', 'Content-Range', 'X-Cache', 'X-Edge']) expect(exposed).toContain(h);
      const body = Buffer.from(await r.arrayBuffer());
      expect(Number(r.headers.get('content-length'))).toBe(body.length);
    }
  });

  it('answers If-None-Match with 304 and no body', async () => {
    const url = `${base()}/media/demo/${segments[1]}`;
    const first = await fetch(url);
    const etag = first.headers.get('etag')!;
    await first.arrayBuffer();
    const r = await raw(base(), `/media/demo/${segments[1]}`, { headers: { 'If-None-Match': etag } });
    expect(r.status).toBe(304);
    expect(r.body.length).toBe(0);
    expect(r.headers.etag).toBe(etag);
    const r2 = await raw(base(), `/media/demo/${segments[1]}`, { headers: { 'If-None-Match': '"other"' } });
    expect(r2.status).toBe(200);
  });

  it('serves single ranges (206), refuses unsatisfiable/malformed ones (416)', async () => {
    const full = Buffer.from(await (await fetch(`${base()}/media/demo/${segments[2]}`)).arrayBuffer());
    const r = await raw(base(), `/media/demo/${segments[2]}`, { headers: { Range: 'bytes=10-109' } });
    expect(r.status).toBe(206);
    expect(r.headers['content-range']).toBe(`bytes 10-109/${full.length}`);
    expect(r.body.equals(full.subarray(10, 110))).toBe(true);
    const suffix = await raw(base(), `/media/demo/${segments[2]}`, { headers: { Range: 'bytes=-16' } });
    expect(suffix.status).toBe(206);
    expect(suffix.body.equals(full.subarray(full.length - 16))).toBe(true);
    const past = await raw(base(), `/media/demo/${segments[2]}`, { headers: { Range: `bytes=${full.length}-` } });
    expect(past.status).toBe(416);
    expect(past.headers['content-range']).toBe(`bytes */${full.length}`);
    for (const bad of ['bytes=abc', 'bytes=9-1', 'pages=1-2', 'bytes=--1']) {
      const m = await raw(base(), `/media/demo/${segments[2]}`, { headers: { Range: bad } });
      expect(m.status, bad).toBe(416);
    }
    const stale = await raw(base(), `/media/demo/${segments[2]}`, { headers: { Range: 'bytes=0-9', 'If-Range': '"not-it"' } });
    expect(stale.status).toBe(200);
  });

  it('answers HEAD with headers only', async () => {
    const r = await raw(base(), `/media/demo/${segments[0]}`, { method: 'HEAD' });
    expect(r.status).toBe(200);
    expect(r.body.length).toBe(0);
    expect(Number(r.headers['content-length'])).toBeGreaterThan(0);
  });

  it('answers CORS preflights', async () => {
    const r = await raw(base(), `/media/demo/${segments[0]}`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://player.example', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'range' },
    });
    expect(r.status).toBe(204);
    expect(r.headers['access-control-allow-origin']).toBe('*');
    expect(r.headers['access-control-allow-headers']).toMatch(/range/i);
  });

  it.each([
    '/media/../package.json',
    '/media/demo/../../package.json',
    '/media/%2e%2e/package.json',
    '/media/demo/%2e%2e/%2e%2e/package.json',
    '/media/demo%2f..%2f..%2fpackage.json',
    '/media/%252e%252e/%252e%252e/package.json',
    '/media/demo/..%2f..%2fpackage.json',
    '/media/demo/%00master.m3u8',
    '/media/demo/master.m3u8%00.jpg',
    '/media/demo\\..\\..\\package.json',
    '/media/demo/%5c..%5c..%5cpackage.json',
    '/media/demo/.env',
    '/media/demo/%2eenv',
    '/media/demo/leak.m4s',
    '/media/demo/escape/secret.txt',
    '/media/demo//master.m3u8',
    '/media/demo/%',
    '/media/demo/%c0%ae%c0%ae/package.json',
    '/media/',
    `/media/${'a/'.repeat(600)}x`,
  ])('refuses %s with a 4xx and stays up', async (path) => {
    const r = await raw(base(), path);
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(r.body.toString()).not.toContain('top secret');
    expect(r.body.toString()).not.toContain('abr-stack');
    expect(r.body.toString()).not.toContain('SECRET=1');
    const ok = await raw(base(), '/media/demo/sub/ok.vtt');
    expect(ok.status).toBe(200);
  });

  it('404s on missing files and refuses other methods', async () => {
    expect((await raw(base(), '/media/demo/nope.m4s')).status).toBe(404);
    expect((await raw(base(), '/media/nope/master.m3u8')).status).toBe(404);
    const put = await raw(base(), '/media/demo/master.m3u8', { method: 'PUT' });
    expect(put.status).toBe(405);
    const del = await raw(base(), '/media/demo/master.m3u8', { method: 'DELETE' });
    expect(del.status).toBe(405);
  });

  it('rejects huge headers and garbage requests with 4xx', async () => {
    const big = await raw(base(), '/media/demo/master.m3u8', { headers: { 'X-Big': 'a'.repeat(64 * 1024) } });
    expect(big.status).toBe(431);
    const u = new URL(base());
    const answer = await new Promise<string>((resolve) => {
      const s = net.connect(Number(u.port), u.hostname, () => s.write('FROB /media/demo/master.m3u8 HTTP/1.1\r\nHost: x\r\n\r\n'));
      let got = '';
      s.on('data', (d) => (got += d.toString()));
      s.on('close', () => resolve(got));
      s.on('error', () => resolve(got));
      setTimeout(() => s.destroy(), 2000);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 4\d\d/);
    expect((await raw(base(), '/media/demo/master.m3u8')).status).toBe(200);
  });
});

describe('origin API', () => {
  it('lists titles sorted by title and serves one', async () => {
    const list = (await (await fetch(`${stack.originUrl}/api/titles`)).json()) as Array<{ id: string; title: string }>;
    expect(list.map((t) => t.title)).toEqual(['Another title', 'Demo']);
    const r = await fetch(`${stack.originUrl}/api/titles/demo`);
    expect(r.status).toBe(200);
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
    expect(((await r.json()) as { id: string }).id).toBe('demo');
    const missing = await fetch(`${stack.originUrl}/api/titles/nope`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: string }).error).toMatch(/no title/);
    expect((await raw(stack.originUrl, '/api/titles/..%2f..%2fetc')).status).toBe(404);
  });

  it('describes the topology', async () => {
    const t = (await (await fetch(`${stack.originUrl}/api/topology`)).json()) as {
      origin: { url: string };
      edges: Array<{ id: string; url: string; healthy: boolean }>;
      steering: { url: string };
    };
    expect(t.origin.url).toBe(stack.originUrl);
    expect(t.edges).toEqual(stack.edges.map((e) => ({ ...e, healthy: true })));
    expect(t.steering.url).toBe(stack.steeringUrl);
  });

  it('refuses bad JSON and unknown routes with 4xx JSON errors', async () => {
    const bad = await fetch(`${stack.originUrl}/api/sessions/s1/shape`, { method: 'POST', body: '{not json', headers: { 'Content-Type': 'application/json' } });
    expect(bad.status).toBe(400);
    const badShape = await fetch(`${stack.originUrl}/api/sessions/s1/shape`, { method: 'POST', body: JSON.stringify({ kbps: 'fast' }) });
    expect(badShape.status).toBe(400);
    expect(((await badShape.json()) as { error: string }).error).toMatch(/kbps/);
    const noEdge = await fetch(`${stack.originUrl}/api/edges/edge-99/fail`, { method: 'POST' });
    expect(noEdge.status).toBe(404);
    const badMode = await fetch(`${stack.originUrl}/api/edges/edge-1/fail`, { method: 'POST', body: JSON.stringify({ mode: 'explode' }) });
    expect(badMode.status).toBe(400);
    expect((await fetch(`${stack.originUrl}/api/nothing`)).status).toBe(404);
  });

  it('exposes Prometheus metrics on every role', async () => {
    for (const [, url] of roles()) {
      const r = await fetch(`${url}/metrics`);
      expect(r.status).toBe(200);
      const text = await r.text();
      expect(text).toMatch(/# TYPE \w+ (counter|gauge|histogram)/);
    }
    const edge = await (await fetch(`${stack.edges[0]!.url}/metrics`)).text();
    for (const m of ['edge_requests_total', 'edge_bytes_served_total', 'edge_cache_hits_total', 'edge_cache_misses_total', 'edge_cache_byte_hit_ratio', 'edge_origin_fetch_seconds_bucket', 'edge_cache_bytes', 'edge_cache_evictions_total', 'edge_breaker_state']) {
      expect(edge, m).toContain(m);
    }
    expect((await fetch(`${stack.edges[0]!.url}/healthz`)).status).toBe(200);
  });
});

describe('player app (servePlayer)', () => {
  let app: Stack;
  beforeAll(async () => {
    // Under a dot-folder (like .cache/): the SPA fallback must still serve index.html.
    const dir = join(await tempMediaDir(), '.player-copy');
    await mkdir(join(dir, 'assets'), { recursive: true });
    await writeFile(join(dir, 'index.html'), '<!doctype html><div id="root">player</div>');
    await writeFile(join(dir, 'assets', 'app.js'), 'console.log(1)');
    app = await startStack({ mediaDir: media, edges: 1, servePlayer: true, playerDir: dir });
  });
  afterAll(async () => app?.close());

  it('serves static files and falls back to index.html for client routes, not for the API or media', async () => {
    const watch = await fetch(`${app.originUrl}/watch/demo`);
    expect(watch.status).toBe(200);
    expect(watch.headers.get('content-type')).toMatch(/text\/html/);
    expect(await watch.text()).toContain('player');
    const js = await fetch(`${app.originUrl}/assets/app.js`);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${app.originUrl}/`)).status).toBe(200);
    const api = await fetch(`${app.originUrl}/api/nope`);
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toMatch(/json/);
    expect((await fetch(`${app.originUrl}/media/demo/nope.m4s`)).status).toBe(404);
    expect((await fetch(`${app.originUrl}/media/demo/master.m3u8`)).status).toBe(200);
  });
});
