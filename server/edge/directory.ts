/**
 * The origin's and steering server's handle on the edges: in-process Edge objects, or remote edges
 * reached over HTTP (their /api/stats, /api/fail, /api/recover) when roles run on different machines.
 */
import type { Edge, FailMode } from './edge.ts';
import type { EdgeInfo } from '../topology.ts';
import type { EdgeLoad } from '../steering/rank.ts';

export interface EdgeDirectory {
  topologyEdges(): EdgeInfo[];
  stats(): Array<Record<string, unknown>>;
  loads(): EdgeLoad[];
  /** Fails an edge (chaos); with durationMs it recovers by itself after that long. */
  fail(id: string, mode: FailMode, durationMs?: number): Promise<boolean>;
  recover(id: string): Promise<boolean>;
  close(): void;
}

export class LocalEdges implements EdgeDirectory {
  constructor(readonly edges: Edge[]) {}
  private find(id: string): Edge | undefined {
    return this.edges.find((e) => e.id === id);
  }
  topologyEdges(): EdgeInfo[] {
    return this.edges.map((e) => ({ id: e.id, url: e.url, healthy: e.healthy }));
  }
  stats() {
    return this.edges.map((e) => e.snapshot());
  }
  loads(): EdgeLoad[] {
    return this.edges.map((e) => ({ id: e.id, healthy: e.healthy, inflight: e.inflightRequests, requestRate: e.requestRate }));
  }
  async fail(id: string, mode: FailMode, durationMs?: number): Promise<boolean> {
    const e = this.find(id);
    if (!e) return false;
    await e.fail(mode, durationMs);
    return true;
  }
  async recover(id: string): Promise<boolean> {
    const e = this.find(id);
    if (!e) return false;
    await e.recover();
    return true;
  }
  close(): void {}
}

interface RemoteState {
  id: string;
  url: string;
  healthy: boolean;
  last: Record<string, unknown> | null;
}

/** Remote edges given as `edge-1=http://host:9001,…`; health is polled from /api/stats every second. */
export class RemoteEdges implements EdgeDirectory {
  private readonly state: RemoteState[];
  private timer: NodeJS.Timeout;

  constructor(list: Array<{ id: string; url: string }>, intervalMs = 1000) {
    this.state = list.map((e) => ({ id: e.id, url: e.url.replace(/\/+$/, ''), healthy: true, last: null }));
    this.timer = setInterval(() => void this.poll(), intervalMs);
    this.timer.unref();
    void this.poll();
  }

  private async poll(): Promise<void> {
    await Promise.all(
      this.state.map(async (s) => {
        try {
          const r = await fetch(`${s.url}/api/stats`, { signal: AbortSignal.timeout(900) });
          s.healthy = r.ok;
          s.last = r.ok ? ((await r.json()) as Record<string, unknown>) : null;
        } catch {
          s.healthy = false;
          s.last = null;
        }
      }),
    );
  }

  topologyEdges(): EdgeInfo[] {
    return this.state.map((s) => ({ id: s.id, url: s.url, healthy: s.healthy }));
  }
  stats() {
    return this.state.map((s) => ({ ...(s.last ?? {}), id: s.id, url: s.url, healthy: s.healthy, failed: s.healthy ? null : 'unreachable' }));
  }
  loads(): EdgeLoad[] {
    return this.state.map((s) => ({
      id: s.id,
      healthy: s.healthy,
      inflight: Number(s.last?.inflight ?? 0),
      requestRate: Number(s.last?.requestRate ?? 0),
    }));
  }
  private async post(id: string, action: 'fail' | 'recover', mode?: FailMode, durationMs?: number): Promise<boolean> {
    const s = this.state.find((e) => e.id === id);
    if (!s) return false;
    try {
      await fetch(`${s.url}/api/${action}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(mode ? { mode, ...(durationMs ? { durationMs } : {}) } : {}),
        signal: AbortSignal.timeout(2000),
      });
    } catch {
      /* an edge that already refuses connections is as failed as it gets */
    }
    s.healthy = action === 'recover';
    if (action === 'recover') void this.poll();
    return true;
  }
  fail(id: string, mode: FailMode, durationMs?: number) {
    return this.post(id, 'fail', mode, durationMs);
  }
  recover(id: string) {
    return this.post(id, 'recover');
  }
  close(): void {
    clearInterval(this.timer);
  }
}

/** Parses `edge-1=http://h:9001,edge-2=http://h:9002` (or bare URLs, numbered in order). */
export function parseEdgeList(s: string): Array<{ id: string; url: string }> {
  return s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)
    .map((x, i) => {
      const eq = x.indexOf('=');
      const id = eq > 0 ? x.slice(0, eq) : `edge-${i + 1}`;
      const url = eq > 0 ? x.slice(eq + 1) : x;
      try {
        new URL(url);
      } catch {
        throw new Error(`edge list entry "${x}" is not id=http://host:port`);
      }
      return { id, url: url.replace(/\/+$/, '') };
    });
}
