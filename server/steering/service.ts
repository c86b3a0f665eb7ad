/** The steering server's HTTP side: ranks pathways per request (pure rank.ts) from live edge loads and client hints. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { hintsFromQuery, rankPathways, steeringManifest, type EdgeLoad } from './rank.ts';
import { answerPreflight, sendError, sendJson } from '../http/headers.ts';

export const STEERING_TTL_SEC = 2;

export class SteeringService {
  requests = 0;
  /** EWMA of throughput hints per pathway (bit/s). */
  private readonly reported = new Map<string, { bps: number; at: number }>();

  constructor(private readonly loads: () => EdgeLoad[], readonly ttlSec = STEERING_TTL_SEC) {}

  manifest(query: URLSearchParams, nowMs = Date.now()) {
    const hints = hintsFromQuery(query);
    if (hints.pathway && hints.throughputBps !== undefined) {
      const prev = this.reported.get(hints.pathway);
      const bps = prev && nowMs - prev.at < 60_000 ? prev.bps * 0.7 + hints.throughputBps * 0.3 : hints.throughputBps;
      this.reported.set(hints.pathway, { bps, at: nowMs });
    }
    const loads = this.loads().map((e) => {
      const r = this.reported.get(e.id);
      return r && nowMs - r.at < 60_000 ? { ...e, reportedThroughputBps: r.bps } : e;
    });
    return steeringManifest(rankPathways(loads, hints), this.ttlSec);
  }

  /** node:http / express handler for GET (and OPTIONS) on the steering URL. */
  handle(req: IncomingMessage, res: ServerResponse): void {
    if (req.method === 'OPTIONS') {
      answerPreflight(req, res);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendError(res, 405, 'steering answers GET only', { Allow: 'GET, HEAD, OPTIONS' });
      return;
    }
    this.requests++;
    const url = req.url ?? '/';
    const qi = url.indexOf('?');
    const q = new URLSearchParams(qi >= 0 ? url.slice(qi + 1) : '');
    sendJson(res, 200, this.manifest(q));
  }
}
