/** What every role knows about the others. In one process it is live; across machines it is polled. */
export interface EdgeInfo {
  id: string;
  url: string;
  healthy: boolean;
}

export interface Topology {
  origin: { url: string };
  edges: EdgeInfo[];
  steering: { url: string };
}

export interface TopologySource {
  get(): Topology;
}

/**
 * Polls `GET <origin>/api/topology` (for a standalone edge or steering server).
 * Until the first answer it reports only the fallback edges given.
 */
export class PolledTopology implements TopologySource {
  private current: Topology;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly originUrl: string, fallback: Topology, private readonly intervalMs = 2000) {
    this.current = fallback;
  }

  start(): void {
    void this.poll();
    this.timer = setInterval(() => void this.poll(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async poll(): Promise<void> {
    try {
      const r = await fetch(`${this.originUrl}/api/topology`, { signal: AbortSignal.timeout(2000) });
      if (!r.ok) return;
      const t = (await r.json()) as Topology;
      if (t && Array.isArray(t.edges) && t.origin && t.steering) this.current = t;
    } catch {
      /* keep the last known topology */
    }
  }

  get(): Topology {
    return this.current;
  }
}
