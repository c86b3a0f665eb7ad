/** Network shaping: token-bucket rate within ±15 %, latency, sessions (manifest query → segments, CMCD sid), mid-play changes, per-edge caps, traces. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../../server/stack.ts';
import { existsSync } from 'node:fs';
import { loadTrace, meanMbps, tracesRoot } from '../../server/shaping/trace.ts';
import { makeMiniTitle, tempMediaDir } from './helpers.ts';

let media: string;
let big: string[]; // the larger rung's segments (~80 kB each)
let stack: Stack;

beforeAll(async () => {
  media = await tempMediaDir();
  const { segments } = await makeMiniTitle(media, 'demo');
  big = segments.filter((s) => s.startsWith('seg-1-'));
  stack = await startStack({ mediaDir: media, edges: 2 });
  // warm both edges' caches so timings measure shaping, not fills
  for (const e of stack.edges) for (const s of big) await (await fetch(`${e.url}/media/demo/${s}`)).arrayBuffer();
});
afterAll(async () => stack?.close());

async function timedDownload(url: string): Promise<{ bytes: number; ms: number; firstByteMs: number; headers: Headers }> {
  const t0 = performance.now();
  const r = await fetch(url);
  const reader = r.body!.getReader();
  let bytes = 0;
  let firstByteMs = -1;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (firstByteMs < 0) firstByteMs = performance.now() - t0;
    bytes += value.byteLength;
  }
  return { bytes, ms: performance.now() - t0, firstByteMs, headers: r.headers };
}

/** Downloads segments in sequence and returns the achieved rate in kbit/s. */
async function rateKbps(urls: string[]): Promise<number> {
  let bytes = 0;
  const t0 = performance.now();
  for (const u of urls) bytes += (await timedDownload(u)).bytes;
  return (bytes * 8) / (performance.now() - t0);
}

describe('session shaping', () => {
  it('a manifest request with shape_kbps shapes the session’s later segment requests within ±15 %', async () => {
    const edge = stack.edges[0]!.url;
    const m = await fetch(`${edge}/media/demo/media_1.m3u8?session=rate1&shape_kbps=1200`);
    expect(m.status).toBe(200);
    expect(await m.text()).toContain('?session=rate1');
    const kbps = await rateKbps(big.slice(0, 3).map((s) => `${edge}/media/demo/${s}?session=rate1`));
    expect(kbps).toBeGreaterThan(1200 * 0.85);
    expect(kbps).toBeLessThan(1200 * 1.15);
    // an unshaped client of the same edge is not slowed down
    const free = await rateKbps(big.slice(0, 3).map((s) => `${edge}/media/demo/${s}`));
    expect(free).toBeGreaterThan(1200 * 3);
  });

  it('finds the session from the CMCD sid, and changes the rate mid-play via POST /api/sessions/:sid/shape', async () => {
    const edge = stack.edges[1]!.url;
    await (await fetch(`${edge}/media/demo/manifest.mpd?session=cmcd1&shape_kbps=2000`)).text();
    const cmcd = (s: string) => `${edge}/media/demo/${s}?CMCD=${encodeURIComponent('br=600,ot=v,sf=d,sid="cmcd1"')}`;
    const fast = await rateKbps(big.slice(0, 2).map(cmcd));
    expect(fast).toBeGreaterThan(2000 * 0.85);
    expect(fast).toBeLessThan(2000 * 1.15);
    const r = await fetch(`${stack.originUrl}/api/sessions/cmcd1/shape`, { method: 'POST', body: JSON.stringify({ kbps: 800 }), headers: { 'Content-Type': 'application/json' } });
    expect(r.status).toBe(200);
    expect(((await r.json()) as { shape: { kbps: number } }).shape.kbps).toBe(800);
    const slow = await rateKbps(big.slice(2, 4).map(cmcd));
    expect(slow).toBeGreaterThan(800 * 0.85);
    expect(slow).toBeLessThan(800 * 1.15);
    // lifting the cap
    await fetch(`${stack.originUrl}/api/sessions/cmcd1/shape`, { method: 'POST', body: JSON.stringify({ kbps: null }) });
    expect(await rateKbps(big.slice(4, 5).map(cmcd))).toBeGreaterThan(800 * 3);
  });

  it('takes the shape and session from headers too (X-Session, X-Shape-Kbps)', async () => {
    const edge = stack.edges[0]!.url;
    const m = await fetch(`${edge}/media/demo/media_1.m3u8`, { headers: { 'X-Session': 'hdr1', 'X-Shape-Kbps': '1000' } });
    expect(m.status).toBe(200);
    expect(await m.text()).toContain('?session=hdr1');
    const kbps = await rateKbps(big.slice(0, 2).map((s) => `${edge}/media/demo/${s}?session=hdr1`));
    expect(kbps).toBeGreaterThan(1000 * 0.85);
    expect(kbps).toBeLessThan(1000 * 1.15);
  });

  it('uses a real Pensieve trace by name when ../shared/traces is present', async () => {
    const root = tracesRoot();
    const edge = stack.edges[0]!.url;
    const r = await fetch(`${edge}/media/demo/master.m3u8?session=tram1&trace=hsdpa_test_sim_traces/norway_tram_1&trace_speed=2`);
    expect(r.status).toBe(200);
    const s = (await (await fetch(`${stack.originUrl}/api/sessions/tram1`)).json()) as { shape: { trace: string; traceSpeed: number } };
    expect(s.shape).toMatchObject({ trace: 'hsdpa_test_sim_traces/norway_tram_1', traceSpeed: 2 });
    const t = loadTrace('hsdpa_test_sim_traces/norway_tram_1');
    if (existsSync(root)) {
      expect(t.name).toBe('hsdpa_test_sim_traces/norway_tram_1');
      expect(meanMbps(t)).toBeGreaterThan(0.1);
    } else {
      expect(t.name).toBe('generated'); // without ../shared the generated trace stands in
    }
  });

  it('adds latency before the first byte', async () => {
    const edge = stack.edges[0]!.url;
    await (await fetch(`${edge}/media/demo/master.m3u8?session=lat1&latency_ms=300`)).text();
    const d = await timedDownload(`${edge}/media/demo/${big[0]}?session=lat1`);
    expect(d.firstByteMs).toBeGreaterThanOrEqual(290);
    expect(d.firstByteMs).toBeLessThan(1500);
  });

  it('replays a throughput trace (trace + trace_speed) and rejects unknown traces', async () => {
    const edge = stack.edges[0]!.url;
    const bad = await fetch(`${edge}/media/demo/master.m3u8?session=tr0&trace=no_such_trace_file`);
    if (existsSync(tracesRoot())) {
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: string }).error).toMatch(/trace no_such_trace_file not found/);
    } else {
      expect(bad.status).toBe(200); // without ../shared every name falls back to the generated trace
    }
    const traversal = await fetch(`${edge}/media/demo/master.m3u8?session=tr0&trace=${encodeURIComponent('../../../etc/passwd')}`);
    expect(traversal.status).toBe(existsSync(tracesRoot()) ? 400 : 200);
    const ok = await fetch(`${edge}/media/demo/master.m3u8?session=tr1&trace=generated&trace_speed=1&shape_kbps=1000`);
    expect(ok.status).toBe(200);
    // the generated trace is ≥ 0.3 Mbit/s everywhere and shape_kbps caps it at 1000 kbit/s
    const kbps = await rateKbps(big.slice(0, 2).map((s) => `${edge}/media/demo/${s}?session=tr1`));
    expect(kbps).toBeLessThan(1000 * 1.15);
    expect(kbps).toBeGreaterThan(250);
    const s = (await (await fetch(`${stack.originUrl}/api/sessions/tr1`)).json()) as { shape: { trace: string } };
    expect(s.shape.trace).toBe('generated');
  });

  it('rejects bad shaping parameters with 400', async () => {
    const edge = stack.edges[0]!.url;
    expect((await fetch(`${edge}/media/demo/master.m3u8?session=b1&shape_kbps=-5`)).status).toBe(400);
    expect((await fetch(`${edge}/media/demo/master.m3u8?session=b1&latency_ms=soon`)).status).toBe(400);
    expect((await fetch(`${stack.originUrl}/api/sessions/b1/shape`, { method: 'POST', body: '[1]' })).status).toBe(400);
  });
});

describe('per-edge shaping (CLI flags)', () => {
  let shaped: Stack;
  beforeAll(async () => {
    shaped = await startStack({ mediaDir: media, edges: 1, edgeShape: { kbps: 1600 } });
    for (const s of big) await (await fetch(`${shaped.edges[0]!.url}/media/demo/${s}?session=warm`)).arrayBuffer();
  });
  afterAll(async () => shaped?.close());

  it('caps every client of the edge within ±15 %', async () => {
    const kbps = await rateKbps(big.slice(0, 3).map((s) => `${shaped.edges[0]!.url}/media/demo/${s}`));
    expect(kbps).toBeGreaterThan(1600 * 0.85);
    expect(kbps).toBeLessThan(1600 * 1.15);
  });
});
