import { closeSync, mkdirSync, openSync, readSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import { readState, type E2EState } from './paths.ts';
import type { Engine } from './player.ts';
import { CdpThrottle } from './throttle.ts';

/** Chaos and shaping calls against the running stack (the contract of server/stack.ts). */
export class StackApi {
  constructor(private readonly state: E2EState) {}
  private readonly touched = new Set<string>();

  async post(pathname: string, body?: unknown): Promise<Response> {
    const res = await fetch(new URL(pathname, this.state.originUrl), {
      method: 'POST',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`POST ${pathname} → ${res.status} ${await res.text().catch(() => '')}`);
    return res;
  }
  async getJson<T = unknown>(pathname: string): Promise<T> {
    const res = await fetch(new URL(pathname, this.state.originUrl));
    if (!res.ok) throw new Error(`GET ${pathname} → ${res.status}`);
    return (await res.json()) as T;
  }
  async failEdge(id: string) {
    this.touched.add(`edge:${id}`);
    await this.post(`/api/edges/${encodeURIComponent(id)}/fail`);
  }
  async recoverEdge(id: string) {
    await this.post(`/api/edges/${encodeURIComponent(id)}/recover`);
    this.touched.delete(`edge:${id}`);
  }
  async failOrigin() {
    this.touched.add('origin');
    await this.post('/api/origin/fail');
  }
  async recoverOrigin() {
    await this.post('/api/origin/recover');
    this.touched.delete('origin');
  }
  async shape(sessionId: string, body: { kbps?: number | null; latencyMs?: number; trace?: string | null; traceSpeed?: number }) {
    await this.post(`/api/sessions/${encodeURIComponent(sessionId)}/shape`, body);
  }
  /** Undo every chaos action of the test (so one failing test cannot poison the next). */
  async restore(): Promise<void> {
    for (const t of [...this.touched]) {
      try {
        if (t === 'origin') await this.recoverOrigin();
        else await this.recoverEdge(t.slice('edge:'.length));
      } catch (err) {
        console.warn(`[e2e] could not restore ${t}: ${err}`);
      }
    }
  }
}

function readFrom(file: string, offset: number): string {
  try {
    const size = statSync(file).size;
    if (size <= offset) return '';
    const fd = openSync(file, 'r');
    const buf = Buffer.alloc(Math.min(size - offset, 4 * 1024 * 1024));
    readSync(fd, buf, 0, buf.length, offset);
    closeSync(fd);
    return buf.toString('utf8');
  } catch {
    return '';
  }
}

function logSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

export interface ConsoleEntry {
  type: string;
  text: string;
  url?: string;
}

type Fixtures = {
  engine: Engine;
  e2e: E2EState;
  api: StackApi;
  consoleLog: ConsoleEntry[];
  throttle: CdpThrottle;
  artifacts: void;
};

export const test = base.extend<Fixtures>({
  engine: ['hls', { option: true }],
  e2e: async ({}, use) => {
    await use(readState());
  },
  api: async ({ e2e }, use) => {
    const api = new StackApi(e2e);
    await use(api);
    await api.restore();
  },
  consoleLog: async ({ page }, use) => {
    const log: ConsoleEntry[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warning') log.push({ type: msg.type(), text: msg.text(), url: msg.location()?.url });
    });
    page.on('pageerror', (err) => log.push({ type: 'pageerror', text: String(err?.stack ?? err) }));
    await use(log);
  },
  throttle: async ({ page }, use) => {
    const t = await CdpThrottle.attach(page);
    await use(t);
    await t.detach();
  },
  // On failure: the player's events (window.__player), the server log of this test, console errors.
  // (The screenshot comes from `screenshot: 'only-on-failure'` in playwright.config.ts.)
  artifacts: [
    async ({ page, e2e, consoleLog }, use, testInfo) => {
      const logStart = logSize(e2e.serverLog);
      await use();
      if (testInfo.status === testInfo.expectedStatus) return;
      const probe = await page
        .evaluate(() => {
          const p = (window as any).__player;
          if (!p) return { missing: 'window.__player is not defined', url: location.href };
          const plain: Record<string, unknown> = {};
          for (const [k, v] of Object.entries(p)) if (typeof v !== 'function') plain[k] = v;
          return JSON.parse(JSON.stringify(plain));
        })
        .catch((err) => ({ error: String(err) }));
      // Written as files so they stay in test-results/e2e/<test>/ next to the screenshot.
      const keep = async (name: string, body: string, contentType: string) => {
        const file = testInfo.outputPath(name);
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, body);
        await testInfo.attach(name, { path: file, contentType });
      };
      await keep('player-events.json', JSON.stringify(probe, null, 2), 'application/json');
      await keep('server.log', readFrom(e2e.serverLog, logStart) || '(the server logged nothing during this test)\n', 'text/plain');
      await keep('console.json', JSON.stringify(consoleLog, null, 2), 'application/json');
      // The stack logs little per request: its own view of edges, topology and counters helps more.
      const grab = async (p: string) =>
        fetch(new URL(p, e2e.originUrl), { signal: AbortSignal.timeout(3000) })
          .then(async (r) => `## GET ${p} → ${r.status}\n${await r.text()}\n`)
          .catch((err) => `## GET ${p} failed: ${err}\n`);
      const stateDump = (await Promise.all(['/api/edges', '/api/topology', '/metrics'].map(grab))).join('\n');
      await keep('server-state.txt', stateDump, 'text/plain');
    },
    { auto: true },
  ],
});

export { expect };

/** Console errors that count as a failure of "no console errors" (ignores the favicon 404 browsers always try). */
export function realConsoleErrors(log: ConsoleEntry[]): ConsoleEntry[] {
  return log.filter((e) => (e.type === 'error' || e.type === 'pageerror') && !/favicon\.ico/.test(`${e.text} ${e.url ?? ''}`));
}

export type { Page };
