import type { CDPSession, Page } from '@playwright/test';
import type { Trace } from './traces.ts';
import { mbpsAt } from './traces.ts';

/**
 * Network throttling through the Chrome DevTools Protocol on the page's own target.
 *
 * `Network.emulateNetworkConditions` is what DevTools' throttling menu does: it shapes every request of the
 * page (including 127.0.0.1) and ALSO changes `navigator.connection` (downlink/effectiveType). Our ABR must
 * not read navigator.connection, so tests deliberately use this command. Newer Chromium marks it deprecated in
 * favour of `emulateNetworkConditionsByRule` (+ `overrideNetworkState`); we fall back to that pair if the old
 * command is ever removed.
 */
export class CdpThrottle {
  private constructor(
    private readonly cdp: CDPSession,
    private readonly page: Page,
  ) {}

  /** Log of every change: page-clock time (performance.now ms), wall clock, kbit/s (null = unthrottled). */
  readonly changes: Array<{ pageT: number; wallMs: number; kbps: number | null; latencyMs: number }> = [];
  private mode: 'legacy' | 'by-rule' = 'legacy';

  static async attach(page: Page): Promise<CdpThrottle> {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    return new CdpThrottle(cdp, page);
  }

  /**
   * Limit the page's download rate. `kbps` = kbit/s (1 Mbit/s = 1000), null lifts the limit.
   * Returns the page-clock time (performance.now, ms) right after Chromium acknowledged the change.
   */
  async set(kbps: number | null, latencyMs = 0): Promise<number> {
    await this.apply(kbps, latencyMs);
    const pageT = await this.page.evaluate(() => performance.now());
    this.changes.push({ pageT, wallMs: Date.now(), kbps, latencyMs });
    return pageT;
  }

  /** Change the limit without reading the page clock (safe while the page navigates). */
  private async apply(kbps: number | null, latencyMs: number): Promise<void> {
    const bytesPerSec = kbps == null ? -1 : (kbps * 1000) / 8;
    const conditions = {
      offline: false,
      latency: latencyMs,
      downloadThroughput: bytesPerSec,
      uploadThroughput: kbps == null ? -1 : Math.max(bytesPerSec, 64_000),
    };
    if (this.mode === 'legacy') {
      try {
        await this.cdp.send('Network.emulateNetworkConditions', conditions);
      } catch (err) {
        if (!/not found|wasn't found|Unknown method/i.test(String(err))) throw err;
        this.mode = 'by-rule';
      }
    }
    if (this.mode === 'by-rule') {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      await (this.cdp as any).send('Network.emulateNetworkConditionsByRule', {
        matchedNetworkConditions: [{ urlPattern: '', ...conditions }],
      });
    }
  }

  /**
   * Replay a trace by stepping the CDP limit: trace time runs `speed` times faster than wall time.
   * Caveat measured on Chromium 156: every emulateNetworkConditions call releases the bytes of requests
   * in flight at once (a 200 kB fetch at 0.8 Mbit/s took 2.0 s steady, 0.14 s with a change every 125 ms).
   * So the limit is held for `holdMs` of wall time at the trace's mean over that window, and the
   * server's own trace replay (exact, per session) is the suite's default for scenario 4.
   */
  async replay(trace: Trace, speed: number, signal?: AbortSignal, latencyMs = 40, holdMs = 4000): Promise<void> {
    const startWall = Date.now();
    while (!signal?.aborted) {
      const traceT = ((Date.now() - startWall) / 1000) * speed;
      if (traceT >= trace.durationS) break;
      const windowS = (holdMs / 1000) * speed;
      let acc = 0;
      const n = 20;
      for (let i = 0; i < n; i++) acc += mbpsAt(trace, traceT + (windowS * i) / n);
      const kbps = Math.max(50, Math.round((acc / n) * 1000));
      await this.apply(kbps, latencyMs);
      this.changes.push({ pageT: NaN, wallMs: Date.now(), kbps, latencyMs });
      const until = Date.now() + holdMs;
      while (!signal?.aborted && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    }
  }

  async detach(): Promise<void> {
    try {
      await this.apply(null, 0);
    } catch {
      /* page already closed */
    }
    await this.cdp.detach().catch(() => undefined);
  }
}
