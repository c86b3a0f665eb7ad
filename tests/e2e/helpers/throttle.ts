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
    const pageT = await this.page.evaluate(() => performance.now());
    this.changes.push({ pageT, wallMs: Date.now(), kbps, latencyMs });
    return pageT;
  }

  /**
   * Replay a trace by stepping the CDP limit: trace time runs `speed` times faster than wall time.
   * Resolves when the trace ends or `signal` aborts. Throughput floor 50 kbit/s (a zero would stall forever).
   */
  async replay(trace: Trace, speed: number, signal?: AbortSignal, latencyMs = 40): Promise<void> {
    const startWall = Date.now();
    let lastKbps = -1;
    while (!signal?.aborted) {
      const traceT = ((Date.now() - startWall) / 1000) * speed;
      if (traceT >= trace.durationS) break;
      const kbps = Math.max(50, Math.round(mbpsAt(trace, traceT) * 1000));
      if (kbps !== lastKbps) {
        await this.set(kbps, latencyMs);
        lastKbps = kbps;
      }
      // The next change: wake up at the next step boundary (in wall time), at most every 250 ms.
      await new Promise((r) => setTimeout(r, Math.min(250, Math.max(20, 1000 / speed / 2))));
    }
  }

  async detach(): Promise<void> {
    try {
      await this.set(null);
    } catch {
      /* page already closed */
    }
    await this.cdp.detach().catch(() => undefined);
  }
}
