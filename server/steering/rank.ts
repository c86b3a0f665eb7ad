/**
 * Content-steering ranking. Pure: edges' health and load in, PATHWAY-PRIORITY out.
 * - unhealthy edges go last (listed so a client can still reach them if everything else is down);
 * - healthy edges are ordered by load score (in-flight requests + recent request rate + cache pressure),
 *   lower first, with throughput reported by clients on a pathway as a penalty when it is far below the best;
 * - stickiness: the client's current pathway stays first while its score is within `stickiness` (relative)
 *   plus `stickyMargin` (absolute) of the best. The absolute margin matters: a single player's own requests
 *   (one or two in flight, a few per second) are what makes its edge look busier than an idle one, and
 *   without the margin every viewer would chase the idle edge and flap at each steering reload.
 */
export interface EdgeLoad {
  id: string;
  healthy: boolean;
  /** Requests being served now. */
  inflight: number;
  /** Requests per second over the last few seconds. */
  requestRate: number;
  /** EWMA of throughput (bit/s) clients reported on this pathway; undefined when unknown. */
  reportedThroughputBps?: number;
}

export interface ClientHints {
  pathway?: string;
  throughputBps?: number;
}

export interface RankOptions {
  /** Relative score margin within which the client's current pathway keeps first place. */
  stickiness?: number;
  /** Absolute score margin (≈ requests in flight) added to the relative one. */
  stickyMargin?: number;
}

export function loadScore(e: EdgeLoad, bestThroughput: number): number {
  let s = e.inflight + e.requestRate / 10;
  if (e.reportedThroughputBps !== undefined && bestThroughput > 0 && e.reportedThroughputBps < bestThroughput * 0.5) {
    s += 5 * (1 - e.reportedThroughputBps / bestThroughput);
  }
  return s;
}

export function rankPathways(edges: EdgeLoad[], hints: ClientHints = {}, opts: RankOptions = {}): string[] {
  const stickiness = opts.stickiness ?? 0.5;
  const stickyMargin = opts.stickyMargin ?? 4;
  const bestThroughput = Math.max(0, ...edges.map((e) => e.reportedThroughputBps ?? 0));
  const healthy = edges.filter((e) => e.healthy);
  const unhealthy = edges.filter((e) => !e.healthy);
  const scored = healthy
    .map((e, idx) => ({ e, idx, score: loadScore(e, bestThroughput) }))
    .sort((a, b) => a.score - b.score || a.idx - b.idx);
  const first = scored[0];
  if (first && hints.pathway) {
    const cur = scored.find((s) => s.e.id === hints.pathway);
    if (cur && cur !== first && cur.score <= first.score * (1 + stickiness) + stickyMargin) {
      scored.splice(scored.indexOf(cur), 1);
      scored.unshift(cur);
    }
  }
  return [...scored.map((s) => s.e.id), ...unhealthy.map((e) => e.id)];
}

/** Parses `_HLS_pathway`/`_DASH_pathway` and `_HLS_throughput`/`_DASH_throughput` (bit/s) query hints. */
export function hintsFromQuery(q: URLSearchParams): ClientHints {
  const hints: ClientHints = {};
  const p = q.get('_HLS_pathway') ?? q.get('_DASH_pathway');
  if (p && /^[A-Za-z0-9._-]{1,64}$/.test(p)) hints.pathway = p;
  const t = Number(q.get('_HLS_throughput') ?? q.get('_DASH_throughput') ?? NaN);
  if (Number.isFinite(t) && t > 0 && t < 1e12) hints.throughputBps = t;
  return hints;
}

export interface SteeringManifest {
  VERSION: 1;
  TTL: number;
  'RELOAD-URI'?: string;
  'PATHWAY-PRIORITY': string[];
}

export function steeringManifest(priority: string[], ttlSec: number, reloadUri?: string): SteeringManifest {
  const m: SteeringManifest = { VERSION: 1, TTL: ttlSec, 'PATHWAY-PRIORITY': priority };
  if (reloadUri) m['RELOAD-URI'] = reloadUri;
  return m;
}
