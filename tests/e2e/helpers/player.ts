import { expect, type Page } from '@playwright/test';
import type { ProbeState } from '../../../player/src/stats/collector.ts';

export type Engine = 'hls' | 'shaka';
/** `ours` = our ABR (no query param), `default` = the engine's stock ABR (`?abr=default`). */
export type AbrMode = 'ours' | 'default';

export interface PlayerEvent {
  t: number;
  type: 'startup' | 'abr-decision' | 'rung-shown' | 'segment' | 'abandon' | 'stall-start' | 'stall-end' | 'edge' | 'error' | 'seek';
  [k: string]: unknown;
}

/**
 * The serialisable part of `window.__player`: the player's own probe contract (minus events, read
 * separately) plus what the test reads off the <video> element and the page clock.
 */
export type ProbeSnapshot = Omit<ProbeState, 'events' | 'engine' | 'abr' | 'estimateBps'> & {
  engine: string;
  abr: string;
  estimateBps: number | null;
  /** From the <video> element, not the probe. */
  currentTime: number;
  paused: boolean;
  videoWidth: number;
  eventCount: number;
  now: number;
};

export function watchUrl(
  origin: string,
  id: string,
  opts: { engine: Engine; abr?: AbrMode; params?: Record<string, string | number> } = { engine: 'hls' },
): string {
  const u = new URL(`/watch/${encodeURIComponent(id)}`, origin);
  u.searchParams.set('engine', opts.engine);
  if (opts.abr === 'default') u.searchParams.set('abr', 'default');
  for (const [k, v] of Object.entries(opts.params ?? {})) u.searchParams.set(k, String(v));
  return u.toString();
}

export async function snapshot(page: Page): Promise<ProbeSnapshot> {
  return page.evaluate(() => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const p = (window as any).__player ?? {};
    const v = document.querySelector('[data-testid="video"]') as HTMLVideoElement | null ?? document.querySelector('video');
    return {
      engine: p.engine,
      abr: p.abr,
      titleId: p.titleId,
      sessionId: p.sessionId,
      ready: !!p.ready,
      startupMs: p.startupMs ?? null,
      rungs: Array.isArray(p.rungs) ? p.rungs.map((r: any) => ({ ...r })) : [],
      auto: p.auto,
      selectedRung: p.selectedRung ?? null,
      currentRung: p.currentRung ?? null,
      estimateBps: p.estimateBps ?? null,
      bufferSec: p.bufferSec ?? 0,
      stalls: p.stalls ? { count: p.stalls.count, totalMs: p.stalls.totalMs } : { count: 0, totalMs: 0 },
      switches: p.switches ?? 0,
      droppedFrames: p.droppedFrames ?? 0,
      edge: p.edge ?? null,
      currentTime: v ? v.currentTime : 0,
      paused: v ? v.paused : true,
      videoWidth: v ? v.videoWidth : 0,
      eventCount: Array.isArray(p.events) ? p.events.length : 0,
      now: performance.now(),
    };
  });
}

export async function events(page: Page, sinceT = -Infinity): Promise<PlayerEvent[]> {
  return page.evaluate((since) => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const ev = ((window as any).__player?.events ?? []) as any[];
    return JSON.parse(JSON.stringify(ev.filter((e) => e.t >= since)));
  }, sinceT);
}

export async function pageNow(page: Page): Promise<number> {
  return page.evaluate(() => performance.now());
}

/** Wait for the probe to exist and be ready (manifest parsed, rungs known). */
export async function waitReady(page: Page, timeoutMs = 30_000): Promise<ProbeSnapshot> {
  await page.waitForFunction(() => !!(window as any).__player?.ready, undefined, { timeout: timeoutMs, polling: 100 });
  return snapshot(page);
}

/** Wait until the first frame is shown and `currentTime` ≥ `sec`. */
export async function waitPlayedTo(page: Page, sec: number, timeoutMs = 30_000): Promise<ProbeSnapshot> {
  await page.waitForFunction(
    (s) => {
      const v = (document.querySelector('[data-testid="video"]') ?? document.querySelector('video')) as HTMLVideoElement | null;
      return !!v && v.readyState >= 2 && v.videoWidth > 0 && v.currentTime >= s;
    },
    sec,
    { timeout: timeoutMs, polling: 100 },
  );
  return snapshot(page);
}

/**
 * Wait for the first player event at or after `sinceT` of `type` whose `to` (abr-decision) / `rung`
 * (rung-shown, segment) is in the given set. Returns it, or null on timeout (so callers can record "never").
 */
export interface EventMatch {
  type: PlayerEvent['type'];
  toIn?: number[];
  rungIn?: number[];
  /** Only events whose `edge` differs from this. */
  edgeNot?: string;
}
export async function waitForEvent(page: Page, sinceT: number, match: EventMatch, timeoutMs: number): Promise<PlayerEvent | null> {
  try {
    const handle = await page.waitForFunction(
      ({ since, m }) => {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        const ev = ((window as any).__player?.events ?? []) as any[];
        for (const e of ev) {
          if (e.t < since || e.type !== m.type) continue;
          if (m.toIn && !m.toIn.includes(e.to)) continue;
          if (m.rungIn && !m.rungIn.includes(e.rung)) continue;
          if (m.edgeNot != null && (e.edge == null || e.edge === m.edgeNot)) continue;
          return JSON.parse(JSON.stringify(e));
        }
        return false;
      },
      { since: sinceT, m: match },
      { timeout: Math.max(1, timeoutMs), polling: 100 },
    );
    return (await handle.jsonValue()) as PlayerEvent;
  } catch (err) {
    if (/Timeout/i.test(String(err))) return null;
    throw err;
  }
}

/** Indices of the rungs whose declared bandwidth fits in `kbps`; the lowest rung when none does. */
export function fittingRungs(rungs: ProbeSnapshot['rungs'], kbps: number): number[] {
  const fit = rungs.filter((r) => r.bandwidthBps <= kbps * 1000).map((r) => r.index);
  if (fit.length) return fit;
  const lowest = [...rungs].sort((a, b) => a.bandwidthBps - b.bandwidthBps)[0];
  return lowest ? [lowest.index] : [];
}

/** The highest-bandwidth rung that fits in `kbps` (the top rung when all fit). */
export function bestFitting(rungs: ProbeSnapshot['rungs'], kbps: number): number {
  const fit = new Set(fittingRungs(rungs, kbps));
  const sorted = [...rungs].filter((r) => fit.has(r.index)).sort((a, b) => b.bandwidthBps - a.bandwidthBps);
  return sorted[0]?.index ?? 0;
}

export function describeRungs(rungs: ProbeSnapshot['rungs']): string {
  return rungs.map((r) => `#${r.index} ${r.height}p@${Math.round(r.bandwidthBps / 1000)}k`).join(', ');
}

/** Stalls (from stall-start/stall-end events) that began after `sinceT`, with their durations (ms). */
export function stallsSince(ev: PlayerEvent[], sinceT: number, nowT: number): Array<{ t: number; ms: number; open: boolean }> {
  const out: Array<{ t: number; ms: number; open: boolean }> = [];
  let start: number | null = null;
  for (const e of ev) {
    if (e.type === 'stall-start') start = e.t;
    else if (e.type === 'stall-end' && start != null) {
      if (start >= sinceT) out.push({ t: start, ms: e.t - start, open: false });
      start = null;
    }
  }
  if (start != null && start >= sinceT) out.push({ t: start, ms: nowT - start, open: true });
  return out;
}

/** Sample the probe every `everyMs` for `durationMs`; used for time-weighted bitrate and stall ratio. */
export async function sampleFor(page: Page, durationMs: number, everyMs = 250, stop?: () => boolean): Promise<ProbeSnapshot[]> {
  const out: ProbeSnapshot[] = [];
  const end = Date.now() + durationMs;
  while (Date.now() < end && !stop?.()) {
    out.push(await snapshot(page));
    await page.waitForTimeout(everyMs);
  }
  return out;
}

/** Time-weighted average of the shown rung's declared bitrate over the samples, bit/s. */
export function avgShownBitrate(samples: ProbeSnapshot[]): number {
  let acc = 0;
  let dur = 0;
  for (let i = 1; i < samples.length; i++) {
    const prev = samples[i - 1]!;
    const rung = prev.rungs.find((r) => r.index === prev.currentRung);
    const dt = samples[i]!.now - prev.now;
    if (!rung || prev.paused) continue;
    acc += rung.bandwidthBps * dt;
    dur += dt;
  }
  return dur > 0 ? acc / dur : 0;
}

/**
 * Mean declared bitrate of the video segments fetched between two page times, bit/s (segments have one
 * duration per title, so each counts once). Unlike the shown bitrate it does not lag by the buffer: a
 * player that builds a deep buffer first shows its later, higher rungs only after a short window ends.
 */
export function avgFetchedBitrate(ev: PlayerEvent[], rungs: ProbeSnapshot['rungs'], sinceT: number, untilT: number): number {
  let acc = 0;
  let n = 0;
  for (const e of ev) {
    if (e.type !== 'segment' || e.t < sinceT || e.t > untilT) continue;
    const rung = rungs.find((r) => r.index === e.rung);
    if (!rung) continue;
    acc += rung.bandwidthBps;
    n++;
  }
  return n > 0 ? acc / n : 0;
}

export async function expectNoPlayerError(page: Page): Promise<void> {
  await expect(page.getByTestId('player-error')).toHaveCount(0);
}
