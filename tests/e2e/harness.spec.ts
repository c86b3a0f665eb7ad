/**
 * Self-test of the harness pieces that the scenarios rely on, independent of the stack:
 * the browser launches with our flags, CDP throttling really limits throughput (measured against a
 * local server), and traces load. If these fail, scenario figures would be meaningless.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, expect } from '@playwright/test';
import { CdpThrottle } from './helpers/throttle.ts';
import { generateTrace, meanMbps, parseTrace, sliceTrace, suiteTrace, formatTrace, mbpsAt } from './helpers/traces.ts';
import { sharedDir } from './helpers/paths.ts';

let server: Server;
let base = '';
const BLOB = Buffer.alloc(400_000, 7); // 400 kB = 3.2 Mbit

test.beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url?.startsWith('/blob')) {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': BLOB.length, 'cache-control': 'no-store' });
      res.end(BLOB);
    } else {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>harness</title><p id="ok">ok</p>');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
test.afterAll(async () => {
  await new Promise((r) => server.close(r));
});

async function timedFetch(page: import('@playwright/test').Page, url: string): Promise<number> {
  return page.evaluate(async (u) => {
    const t = performance.now();
    const r = await fetch(u, { cache: 'no-store' });
    await r.arrayBuffer();
    return performance.now() - t;
  }, url);
}

test('browser launches with our flags and autoplays muted video', async ({ page, browserName }) => {
  expect(browserName).toBe('chromium');
  await page.goto(base + '/');
  await expect(page.locator('#ok')).toHaveText('ok');
  // Muted autoplay policy: a muted <video> may play without a gesture.
  const allowed = await page.evaluate(() => (navigator as any).getAutoplayPolicy?.('mediaelement') ?? 'unknown');
  expect(['allowed', 'allowed-muted', 'unknown']).toContain(allowed);
});

test('CDP throttling limits throughput as asked (and changes navigator.connection)', async ({ page }) => {
  await page.goto(base + '/');
  const throttle = await CdpThrottle.attach(page);
  const fast = await timedFetch(page, base + '/blob?a');
  await throttle.set(1600, 0); // 1.6 Mbit/s → 3.2 Mbit takes ~2 s
  const slow = await timedFetch(page, base + '/blob?b');
  const downlink = await page.evaluate(() => (navigator as any).connection?.downlink ?? null);
  await throttle.set(6400, 0); // 4x faster → ~0.5 s
  const mid = await timedFetch(page, base + '/blob?c');
  await throttle.set(null);
  const lifted = await timedFetch(page, base + '/blob?d');
  await throttle.detach();
  console.log(`[harness] 400 kB: unthrottled ${fast.toFixed(0)} ms, 1.6 Mbit/s ${slow.toFixed(0)} ms, 6.4 Mbit/s ${mid.toFixed(0)} ms, lifted ${lifted.toFixed(0)} ms; navigator.connection.downlink=${downlink}`);
  expect(slow).toBeGreaterThan(2000 * 0.7);
  expect(slow).toBeLessThan(2000 * 1.6);
  expect(mid).toBeGreaterThan(500 * 0.6);
  expect(mid).toBeLessThan(500 * 2);
  expect(lifted).toBeLessThan(slow / 4);
});

test('traces: Pensieve format with CRLF parses; slicing, mean and the generated fallback behave', async () => {
  const t = parseTrace('0.0\t4.0\r\n1.0\t2.0\r\n3.0\t1.0\r\n', 'x');
  expect(t.steps).toEqual([{ startS: 0, mbps: 2 }, { startS: 1, mbps: 1 }]);
  expect(t.durationS).toBe(3);
  expect(meanMbps(t)).toBeCloseTo((2 * 1 + 1 * 2) / 3, 6);
  expect(mbpsAt(t, 2.5)).toBe(1);
  expect(() => parseTrace('0 1\n1 x\n')).toThrow(/bad line/);
  const g = generateTrace(120, 3);
  expect(g.steps).toHaveLength(120);
  expect(g.steps.every((s) => s.mbps >= 0.25 && s.mbps <= 4)).toBe(true);
  expect(generateTrace(120, 3)).toEqual(g); // deterministic
  const sl = sliceTrace(g, 10, 30);
  expect(sl.steps[0]!.startS).toBe(0);
  expect(sl.durationS).toBe(30);
  expect(parseTrace(formatTrace(sl)).steps.map((s) => s.mbps)).toEqual(sl.steps.map((s) => s.mbps));
  const { trace, fallback } = suiteTrace(sharedDir());
  console.log(`[harness] suite trace ${trace.name} (${fallback ? 'generated fallback' : trace.source}): ${trace.durationS.toFixed(0)} s, mean ${meanMbps(trace).toFixed(2)} Mbit/s`);
  expect(trace.durationS).toBeGreaterThan(60);
  expect(fallback).toBe(sharedDir() == null);
});
