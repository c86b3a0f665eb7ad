/**
 * Scenario 4: a real HSDPA trace (Norway, ../shared/traces) replayed, compressed in time.
 * Default: the server's own trace replay for the session (`?trace=<name>&trace_speed=N` on the watch page is
 * passed to the manifest URL). E2E_TRACE_MODE=cdp steps CDP throttling along the same trace instead (coarser:
 * Chromium releases in-flight bytes on every change, see CdpThrottle.replay).
 * Stall ratio and average shown bitrate are recorded for our ABR and the stock one (nothing asserted beyond
 * "it plays through without a player error": the issue asks for figures, not bounds).
 */
import { expect, test } from './helpers/fixtures.ts';
import { recordMetrics } from './helpers/metrics.ts';
import { avgFetchedBitrate, avgShownBitrate, events, sampleFor, snapshot, stallsSince, waitPlayedTo, waitReady, watchUrl, type AbrMode } from './helpers/player.ts';
import { sharedDir } from './helpers/paths.ts';
import { meanMbps, sliceTrace, suiteTrace } from './helpers/traces.ts';

const TRACE_SPEED = 4;
const TRACE_SECONDS = 120; // of trace time → 30 s of wall time at 4x
const MODE = process.env.E2E_TRACE_MODE === 'cdp' ? 'cdp' : 'server';

for (const abr of ['ours', 'default'] as AbrMode[]) {
  test(`4 trace replay: HSDPA trace at ${TRACE_SPEED}x, stall ratio and bitrate recorded (${abr === 'ours' ? 'our ABR' : 'stock ABR'})`, async ({
    page,
    engine,
    e2e,
    throttle,
  }, testInfo) => {
    const { trace } = suiteTrace(sharedDir());
    const part = sliceTrace(trace, 0, TRACE_SECONDS);
    const wallMs = (part.durationS / TRACE_SPEED) * 1000;
    const params: Record<string, string | number> = {};
    if (MODE === 'server') {
      // The server resolves bare names under ../shared/traces/pensieve (generated trace when absent).
      params.trace = e2e.trace.fallback ? 'generated' : trace.name;
      params.trace_speed = TRACE_SPEED;
      params.latency_ms = 40;
    }
    const abort = new AbortController();
    let replay: Promise<void> = Promise.resolve();
    if (MODE === 'cdp') replay = throttle.replay(part, TRACE_SPEED, abort.signal);
    await page.goto(watchUrl(e2e.originUrl, e2e.abr.id, { engine, abr, params }));
    await waitReady(page, 30_000);
    const startT = (await snapshot(page)).now;
    const samples = await sampleFor(page, Math.min(wallMs, (e2e.abr.durationSec - 4) * 1000), 250);
    abort.abort();
    await replay;
    const end = await snapshot(page);
    const ev = await events(page);
    const stalls = stallsSince(ev, startT, end.now);
    const stallMs = stalls.reduce((a, s) => a + s.ms, 0);
    const playingMs = end.now - startT;
    const startup = end.startupMs;
    await recordMetrics(testInfo, {
      scenario: 'trace',
      engine,
      abr,
      mode: MODE,
      // Without ../shared the server replays its own generated trace (server/shaping/trace.ts), not ours.
      trace: MODE === 'server' && e2e.trace.fallback ? 'generated (server)' : part.name,
      traceMeanMbps: MODE === 'server' && e2e.trace.fallback ? null : Math.round(meanMbps(part) * 1000) / 1000,
      traceSpeed: TRACE_SPEED,
      startupMs: startup,
      stalls: stalls.length,
      stallMs,
      stallRatio: playingMs > 0 ? stallMs / playingMs : null,
      avgBitrateKbps: Math.round(avgShownBitrate(samples) / 1000),
      fetchedBitrateKbps: Math.round(avgFetchedBitrate(ev, end.rungs, startT, end.now) / 1000),
      endBufferSec: Math.round(end.bufferSec * 10) / 10,
      switches: end.switches,
      // Evidence that the link really was shaped: median segment download throughput seen by the player.
      medianSegmentKbps: median(ev.filter((e) => e.type === 'segment' && (e.ms as number) > 0).map((e) => ((e.bytes as number) * 8) / (e.ms as number))),
      playedS: end.currentTime,
    });
    await expect(page.getByTestId('player-error')).toHaveCount(0);
    expect(end.currentTime, 'playback progressed through the trace').toBeGreaterThan(5);
  });
}

function median(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.floor(s.length / 2)]!);
}
