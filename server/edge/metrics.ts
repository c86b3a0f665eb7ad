/** Prometheus metrics of one edge (prom-client). Counters live in plain fields on the hot path and are read at scrape time. */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { breakerStateValue, type BreakerState } from './breaker.ts';

export class EdgeStats {
  requests = 0;
  byStatus = new Map<number, number>();
  bytesServed = 0;
  hits = 0;
  misses = 0;
  stale = 0;
  hitBytes = 0;
  missBytes = 0;
  originFetches = 0;
  originErrors = 0;
  coalesced = 0;

  count(status: number, bytes: number): void {
    this.requests++;
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
    this.bytesServed += bytes;
  }

  get hitRatio(): number {
    const n = this.hits + this.stale + this.misses;
    return n === 0 ? 0 : (this.hits + this.stale) / n;
  }

  get byteHitRatio(): number {
    const n = this.hitBytes + this.missBytes;
    return n === 0 ? 0 : this.hitBytes / n;
  }
}

export interface EdgeMetricSources {
  stats: EdgeStats;
  cacheBytes: () => number;
  cacheObjects: () => number;
  evictions: () => number;
  breaker: () => BreakerState;
}

export function createEdgeMetrics(edgeId: string, src: EdgeMetricSources): { registry: Registry; originFetch: Histogram<'outcome'> } {
  const registry = new Registry();
  registry.setDefaultLabels({ edge: edgeId });
  const s = src.stats;
  new Counter({
    name: 'edge_requests_total',
    help: 'Requests answered by the edge, by HTTP status',
    labelNames: ['status'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [status, n] of s.byStatus) this.inc({ status: String(status) }, n);
    },
  });
  const simpleCounter = (name: string, help: string, get: () => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(get());
      },
    });
  const gauge = (name: string, help: string, get: () => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(get());
      },
    });
  simpleCounter('edge_bytes_served_total', 'Body bytes sent to clients', () => s.bytesServed);
  simpleCounter('edge_cache_hits_total', 'Media requests served from cache (fresh)', () => s.hits);
  simpleCounter('edge_cache_misses_total', 'Media requests that needed an origin fetch', () => s.misses);
  simpleCounter('edge_cache_stale_total', 'Media requests served stale because the origin failed (stale-if-error)', () => s.stale);
  simpleCounter('edge_cache_hit_bytes_total', 'Body bytes served from cache', () => s.hitBytes);
  simpleCounter('edge_cache_miss_bytes_total', 'Body bytes served after an origin fetch', () => s.missBytes);
  simpleCounter('edge_cache_evictions_total', 'Objects evicted from the cache', src.evictions);
  simpleCounter('edge_origin_coalesced_total', 'Misses that joined an origin fetch already in flight', () => s.coalesced);
  simpleCounter('edge_origin_errors_total', 'Failed origin fetches', () => s.originErrors);
  gauge('edge_cache_hit_ratio', 'Hits / (hits + misses), objects', () => s.hitRatio);
  gauge('edge_cache_byte_hit_ratio', 'Hit bytes / all media bytes served', () => s.byteHitRatio);
  gauge('edge_cache_bytes', 'Bytes held in the cache', src.cacheBytes);
  gauge('edge_cache_objects', 'Objects held in the cache', src.cacheObjects);
  gauge('edge_breaker_state', 'Origin circuit breaker: 0 closed, 1 half-open, 2 open', () => breakerStateValue(src.breaker()));
  const originFetch = new Histogram({
    name: 'edge_origin_fetch_seconds',
    help: 'Latency of origin fetches (including simulated distance)',
    labelNames: ['outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return { registry, originFetch };
}
