/**
 * An edge: a caching HTTP server in front of the origin (plain node:http for the hot path).
 * GET/HEAD /media/<path>: from the byte-bounded cache (HIT), filled from the origin (MISS, coalesced),
 * or stale when the origin fails (STALE). Manifests are rewritten for content steering and sessions.
 * Also /healthz, /metrics, and loopback-only POST /api/fail|/api/recover for standalone chaos.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { ByteCache, createPolicy } from './cache.ts';
import type { PolicyName } from './policies/policy.ts';
import { CircuitBreaker, type BreakerOptions, type BreakerState } from './breaker.ts';
import { EdgeStats, createEdgeMetrics } from './metrics.ts';
import { parseMediaPath } from '../http/safe-path.ts';
import { cacheControlFor, kindOf } from '../http/mime.ts';
import { answerPreflight, isLoopback, sendError, sendJson } from '../http/headers.ts';
import { makeStoredObject, serveStored, type StoredObject } from '../http/stored-object.ts';
import { isMultivariant, rewriteMediaPlaylist, rewriteMultivariant, type Pathway } from '../manifests/hls.ts';
import { rewriteMpd } from '../manifests/dash.ts';
import { SessionStore, ShapeError, NO_SHAPE, withShapeHeaders, isShaped, makeLink, sessionIdOf, shapePatchFromQuery, type Link, type Shape } from '../shaping/sessions.ts';
import type { TopologySource } from '../topology.ts';
import type { Logger } from '../log.ts';
import type { Histogram, Registry } from 'prom-client';
import { logAccess } from '../http/access-log.ts';
import { parseFailRequest, type FailMode } from './fail-request.ts';
export type { FailMode };

export interface EdgeOptions {
  id: string;
  originUrl: string;
  host: string;
  /** Host name used in this edge's public URL (defaults to host). */
  urlHost?: string;
  port: number;
  cacheBytes: number;
  cachePolicy: PolicyName;
  /** Simulated round trip to the origin added to each fill (ms). */
  originRttMs?: number;
  /** Simulated origin link speed for fills (Mbit/s); 0/undefined = unlimited. */
  originMbps?: number;
  sessions: SessionStore;
  /** Shaping applied to every client of this edge that has no session shape (CLI --shape-kbps etc.). */
  defaultShape?: Shape;
  topology: TopologySource;
  logger: Logger;
  breaker?: BreakerOptions;
  fetchTimeoutMs?: number;
  allowRemoteControl?: boolean;
}

class OriginError extends Error {
  constructor(readonly status: number, message: string, readonly retryAfterSec?: number) {
    super(message);
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class Edge {
  readonly id: string;
  readonly cache: ByteCache<StoredObject>;
  readonly breaker: CircuitBreaker;
  readonly stats = new EdgeStats();
  readonly registry: Registry;
  private readonly originFetch: Histogram<'outcome'>;
  private readonly server: http.Server;
  private readonly inflight = new Map<string, Promise<{ obj: StoredObject; changed: boolean }>>();
  private readonly rewritten = new Map<string, StoredObject>();
  private readonly defaultLinks = new Map<string, Link | null>();
  private readonly sockets = new Set<Socket>();
  private failMode: FailMode | null = null;
  private boundPort = 0;
  private active = 0;
  private rateBuckets: number[] = [0, 0, 0, 0, 0];
  private rateSecond = 0;
  private readonly log: Logger;
  private readonly originUrl: string;

  constructor(private readonly o: EdgeOptions) {
    this.id = o.id;
    this.originUrl = o.originUrl.replace(/\/+$/, '');
    this.log = o.logger.child({ role: 'edge', edge: o.id });
    this.cache = new ByteCache<StoredObject>(o.cacheBytes, createPolicy(o.cachePolicy, o.cacheBytes));
    this.breaker = new CircuitBreaker(o.breaker);
    this.breaker.onTransition = (from, to) => this.log.warn({ from, to }, `origin circuit breaker ${from} → ${to}`);
    const m = createEdgeMetrics(o.id, {
      stats: this.stats,
      cacheBytes: () => this.cache.bytes,
      cacheObjects: () => this.cache.size,
      evictions: () => this.cache.evictions,
      breaker: () => this.breaker.state(Date.now()),
    });
    this.registry = m.registry;
    this.originFetch = m.originFetch;
    this.server = http.createServer({ keepAliveTimeout: 5000 }, (req, res) => this.handle(req, res));
    this.server.on('connection', (socket: Socket) => {
      if (this.failMode === 'reset') {
        socket.resetAndDestroy();
        return;
      }
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  get url(): string {
    return `http://${this.o.urlHost ?? this.o.host}:${this.boundPort}`;
  }

  get healthy(): boolean {
    return this.failMode === null;
  }

  get failed(): FailMode | null {
    return this.failMode;
  }

  get inflightRequests(): number {
    return this.active;
  }

  /** Requests per second over the last 5 s. */
  get requestRate(): number {
    this.rollRate();
    return this.rateBuckets.reduce((a, b) => a + b, 0) / this.rateBuckets.length;
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.once('error', onError);
      this.server.listen(this.boundPort || this.o.port, this.o.host, () => {
        this.server.off('error', onError);
        resolve();
      });
    });
    const addr = this.server.address();
    if (addr && typeof addr === 'object') this.boundPort = addr.port;
    return this.url;
  }

  async close(): Promise<void> {
    this.clearRecoverTimer();
    await this.stopListening();
  }

  private async stopListening(): Promise<void> {
    if (!this.server.listening) {
      this.destroySockets();
      return;
    }
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.destroySockets();
    });
  }

  /**
   * Chaos: stop answering. 'refuse' closes the listening socket (connection refused); 'reset' accepts and resets.
   * With `durationMs` the edge recovers by itself after that long: the only way back for a standalone edge
   * failed with 'refuse', which no longer listens for /api/recover.
   */
  async fail(mode: FailMode = 'refuse', durationMs?: number): Promise<void> {
    this.clearRecoverTimer();
    if (durationMs !== undefined && durationMs > 0) {
      // not unref'd: a standalone edge that refuses has no other handle keeping its process alive
      this.recoverTimer = setTimeout(() => void this.recover(), durationMs);
    }
    if (this.failMode === mode) return;
    const wasRefusing = this.failMode === 'refuse';
    this.failMode = mode;
    this.log.warn({ mode }, 'edge failed (chaos)');
    if (mode === 'refuse') {
      await this.stopListening();
    } else {
      this.destroySockets();
      if (wasRefusing) await this.listen();
    }
  }

  private recoverTimer: NodeJS.Timeout | null = null;
  private clearRecoverTimer(): void {
    if (this.recoverTimer) clearTimeout(this.recoverTimer);
    this.recoverTimer = null;
  }

  async recover(): Promise<void> {
    this.clearRecoverTimer();
    if (this.failMode === null) return;
    const wasRefusing = this.failMode === 'refuse';
    this.failMode = null;
    if (wasRefusing) await this.listen();
    this.log.info('edge recovered');
  }

  private destroySockets(): void {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  private rollRate(): void {
    const sec = Math.floor(Date.now() / 1000);
    if (sec === this.rateSecond) return;
    const gap = Math.min(5, sec - this.rateSecond);
    for (let i = 0; i < gap; i++) {
      this.rateBuckets.shift();
      this.rateBuckets.push(0);
    }
    this.rateSecond = sec;
  }

  snapshot() {
    return {
      id: this.id,
      url: this.url,
      healthy: this.healthy,
      failed: this.failMode,
      requests: this.stats.requests,
      hits: this.stats.hits,
      misses: this.stats.misses,
      stale: this.stats.stale,
      hitRatio: this.stats.hitRatio,
      byteHitRatio: this.stats.byteHitRatio,
      bytesServed: this.stats.bytesServed,
      cacheBytes: this.cache.bytes,
      cacheCapacityBytes: this.cache.capacityBytes,
      cacheObjects: this.cache.size,
      cachePolicy: this.cache.policy.name,
      evictions: this.cache.evictions,
      originFetches: this.stats.originFetches,
      originErrors: this.stats.originErrors,
      coalesced: this.stats.coalesced,
      inflight: this.active,
      requestRate: this.requestRate,
      breaker: this.breaker.state(Date.now()),
    };
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    logAccess(this.log, req, res);
    this.rollRate();
    this.rateBuckets[this.rateBuckets.length - 1]!++;
    let url = req.url ?? '/';
    if (!url.startsWith('/')) {
      // absolute-form request target
      try {
        const u = new URL(url);
        url = u.pathname + u.search;
      } catch {
        this.finish(res, 400, 'malformed request target');
        return;
      }
    }
    const qi = url.indexOf('?');
    const path = qi >= 0 ? url.slice(0, qi) : url;
    const query = qi >= 0 ? url.slice(qi + 1) : '';
    const method = req.method ?? 'GET';
    if (method === 'OPTIONS') {
      answerPreflight(req, res, path.startsWith('/api/') ? 'POST, OPTIONS' : 'GET, HEAD, OPTIONS');
      return;
    }
    if (path.startsWith('/media/')) {
      if (method !== 'GET' && method !== 'HEAD') {
        this.finish(res, 405, `method ${method} not allowed on media: use GET or HEAD`, { Allow: 'GET, HEAD, OPTIONS' });
        return;
      }
      this.active++;
      // Hits without shaping finish synchronously; anything that waits is tracked until the response closes.
      const sync = this.serveHit(req, res, path.slice(7), query);
      if (sync) {
        this.active--;
        return;
      }
      res.once('close', () => this.active--);
      this.handleMedia(req, res, path.slice(7), query).catch((err: unknown) => {
        this.log.error({ err, path }, 'unexpected error serving media');
        this.finish(res, 502, 'edge could not serve this object');
      });
      return;
    }
    res.setHeader('X-Edge', this.id);
    if (path === '/healthz') {
      this.stats.count(200, 0);
      sendJson(res, 200, { id: this.id, status: 'ok', inflight: this.active, requestRate: this.requestRate, breaker: this.breaker.state(Date.now()) });
      return;
    }
    if (path === '/metrics') {
      this.registry
        .metrics()
        .then((text) => {
          res.writeHead(200, { 'Content-Type': this.registry.contentType, 'Access-Control-Allow-Origin': '*' });
          res.end(text);
        })
        .catch(() => this.finish(res, 500, 'metrics unavailable'));
      return;
    }
    if (path === '/api/stats' && (method === 'GET' || method === 'HEAD')) {
      sendJson(res, 200, this.snapshot());
      return;
    }
    if ((path === '/api/fail' || path === '/api/recover') && method === 'POST') {
      if (!this.o.allowRemoteControl && !isLoopback(req.socket.remoteAddress)) {
        this.finish(res, 403, 'chaos controls are loopback-only (start with --allow-remote-control to change that)');
        return;
      }
      void this.readSmallBody(req).then(async (body) => {
        if (path === '/api/recover') {
          sendJson(res, 200, { id: this.id, healthy: true });
          res.once('finish', () => void this.recover());
          return;
        }
        const req = parseFailRequest(body);
        if (req === null) {
          this.finish(res, 400, 'body must be empty or {"mode":"refuse"|"reset","durationMs":<ms, optional>}');
          return;
        }
        const { mode, durationMs } = req;
        sendJson(res, 200, {
          id: this.id,
          healthy: false,
          mode,
          ...(durationMs ? { recoversInMs: durationMs } : mode === 'refuse' ? { note: 'this edge no longer listens: restart it, or fail it with durationMs to have it come back' } : {}),
        });
        res.once('finish', () => void this.fail(mode, durationMs));
      });
      return;
    }
    this.finish(res, 404, `no route for ${method} ${path.slice(0, 100)} on edge ${this.id}: media lives under /media/<id>/<file>`);
  }

  private finish(res: ServerResponse, status: number, message: string, extra?: Record<string, string>): void {
    this.stats.count(status, 0);
    sendError(res, status, message, { 'X-Edge': this.id, ...extra });
  }

  private readSmallBody(req: IncomingMessage): Promise<string> {
    return new Promise((resolve) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => {
        body += c;
        if (body.length > 4096) req.destroy();
      });
      req.on('end', () => resolve(body));
      req.on('error', () => resolve(''));
    });
  }

  private linkFor(req: IncomingMessage, sid: string | undefined): Link | null {
    const l = this.o.sessions.link(sid);
    if (l) return l;
    const def = this.o.defaultShape;
    if (!def || !isShaped(def)) return null;
    const key = sid ?? req.socket.remoteAddress ?? 'anon';
    let link = this.defaultLinks.get(key);
    if (link === undefined) {
      if (this.defaultLinks.size > 10_000) this.defaultLinks.clear();
      link = makeLink(def, Date.now());
      this.defaultLinks.set(key, link);
    }
    return link;
  }

  /** Validated media paths (raw → key) so hot requests skip decoding and the whitelist check. */
  private readonly pathMemo = new Map<string, string>();

  private mediaKey(rawPath: string): ReturnType<typeof parseMediaPath> {
    const memo = this.pathMemo.get(rawPath);
    if (memo !== undefined) return { ok: true, segments: [], relPath: memo };
    const sp = parseMediaPath(rawPath);
    if (sp.ok) {
      if (this.pathMemo.size >= 20_000) this.pathMemo.clear();
      this.pathMemo.set(rawPath, sp.relPath);
    }
    return sp;
  }

  /**
   * The hot path: a fresh cached segment, no query string, no session, no edge-wide shaping.
   * Serves it synchronously and returns true; returns false when the full path (handleMedia) is needed.
   */
  private serveHit(req: IncomingMessage, res: ServerResponse, rawPath: string, query: string): boolean {
    if (query !== '' || this.o.defaultShape?.kbps != null || this.o.defaultShape?.trace != null || (this.o.defaultShape?.latencyMs ?? 0) > 0) return false;
    if (req.headers['x-session'] !== undefined || req.headers['cmcd-session'] !== undefined) return false;
    const sp = this.mediaKey(rawPath);
    if (!sp.ok) return false;
    const key = sp.relPath;
    const obj = this.cache.peek(key);
    if (!obj) return false;
    const now = Date.now();
    if (now - obj.storedAt >= obj.maxAgeSec * 1000 || kindOf(key) === 'manifest') return false;
    this.cache.get(key); // count the access for the eviction policy
    const r = serveStored(req, res, obj, ['X-Cache', 'HIT', 'X-Edge', this.id, 'Age', String(Math.max(0, Math.floor((now - obj.storedAt) / 1000)))], null);
    this.stats.count(r.status, r.bytes);
    this.stats.hits++;
    this.stats.hitBytes += r.bytes;
    return true;
  }

  private async handleMedia(req: IncomingMessage, res: ServerResponse, rawPath: string, query: string): Promise<void> {
    const sp = this.mediaKey(rawPath);
    if (!sp.ok) {
      this.finish(res, sp.status, `refused media path: ${sp.reason}`);
      return;
    }
    const key = sp.relPath;
    const kind = kindOf(key);
    let sid: string | undefined;
    let link: Link | null = null;
    if (query !== '' || kind === 'manifest' || req.headers['x-session'] !== undefined) {
      const q = withShapeHeaders(new URLSearchParams(query), req.headers);
      sid = sessionIdOf(q, req.headers);
      if (kind === 'manifest') {
        let patch;
        try {
          patch = shapePatchFromQuery(q);
          if (patch) {
            sid ??= randomBytes(9).toString('base64url');
            this.o.sessions.setShape(sid, patch);
          }
        } catch (err) {
          if (err instanceof ShapeError) {
            this.finish(res, 400, `bad shaping parameter: ${err.message}`);
            return;
          }
          throw err;
        }
      }
    }
    link = this.linkFor(req, sid);

    const now = Date.now();
    let obj = this.cache.get(key);
    let xcache: 'HIT' | 'MISS' | 'STALE';
    if (obj && now - obj.storedAt < obj.maxAgeSec * 1000) {
      xcache = 'HIT';
    } else {
      try {
        const r = await this.fill(key, obj);
        xcache = obj && !r.changed ? 'HIT' : 'MISS';
        obj = r.obj;
      } catch (err) {
        const oe = err instanceof OriginError ? err : new OriginError(502, (err as Error).message);
        if (obj && oe.status >= 500) {
          xcache = 'STALE';
        } else {
          const extra: Record<string, string> = {};
          if (oe.retryAfterSec !== undefined) extra['Retry-After'] = String(oe.retryAfterSec);
          this.finish(res, oe.status, oe.message, extra);
          return;
        }
      }
    }
    if (!obj) return; // unreachable: fill either returns an object or throws
    let served = obj;
    if (kind === 'manifest') served = this.rewriteManifest(key, obj, sid);
    const extra = ['X-Cache', xcache, 'X-Edge', this.id, 'Age', String(Math.max(0, Math.floor((now - obj.storedAt) / 1000)))];
    const r = serveStored(req, res, served, extra, link);
    this.stats.count(r.status, r.bytes);
    if (xcache === 'MISS') {
      this.stats.misses++;
      this.stats.missBytes += r.bytes;
    } else {
      if (xcache === 'HIT') this.stats.hits++;
      else this.stats.stale++;
      this.stats.hitBytes += r.bytes;
    }
  }

  /** Fetches (or revalidates) an object from the origin; concurrent calls for one key share one fetch. */
  private fill(key: string, current: StoredObject | undefined): Promise<{ obj: StoredObject; changed: boolean }> {
    const pending = this.inflight.get(key);
    if (pending) {
      this.stats.coalesced++;
      return pending;
    }
    const p = this.fetchFromOrigin(key, current).finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return p;
  }

  private async fetchFromOrigin(key: string, current: StoredObject | undefined): Promise<{ obj: StoredObject; changed: boolean }> {
    const start = Date.now();
    if (!this.breaker.allow(start)) {
      const wait = Math.ceil(this.breaker.retryAfterMs(start) / 1000);
      throw new OriginError(503, `origin unavailable (circuit breaker open): retry in ${wait || 1} s`, wait || 1);
    }
    this.stats.originFetches++;
    const timer = this.originFetch.startTimer();
    try {
      if (this.o.originRttMs) await sleep(this.o.originRttMs);
      const headers: Record<string, string> = {};
      if (current) headers['If-None-Match'] = current.etag;
      const resp = await fetch(`${this.originUrl}/media/${key}`, {
        headers,
        signal: AbortSignal.timeout(this.o.fetchTimeoutMs ?? 10_000),
      });
      if (resp.status === 304 && current) {
        await resp.body?.cancel();
        const refreshed: StoredObject = { ...current, storedAt: Date.now() };
        this.cache.replace(key, refreshed, refreshed.body.length);
        this.breaker.success(Date.now());
        timer({ outcome: 'not_modified' });
        return { obj: refreshed, changed: false };
      }
      if (resp.status >= 500) {
        await resp.body?.cancel();
        throw new OriginError(502, `origin answered ${resp.status} for ${key}`);
      }
      if (resp.status !== 200) {
        await resp.body?.cancel();
        this.breaker.success(Date.now()); // the origin is alive; the object is not there
        timer({ outcome: 'client_error' });
        throw new OriginError(resp.status === 404 ? 404 : resp.status >= 400 && resp.status < 500 ? resp.status : 502, `origin answered ${resp.status} for /media/${key}`);
      }
      const body = Buffer.from(await resp.arrayBuffer());
      if (this.o.originMbps && this.o.originMbps > 0) await sleep((body.length * 8) / (this.o.originMbps * 1000));
      const cc = resp.headers.get('cache-control') ?? cacheControlFor(key).header;
      const maxAge = /max-age=(\d+)/.exec(cc);
      const obj = makeStoredObject({
        body,
        etag: resp.headers.get('etag') ?? undefined,
        contentType: resp.headers.get('content-type') ?? 'application/octet-stream',
        cacheControl: cc,
        lastModified: resp.headers.get('last-modified') ?? undefined,
        maxAgeSec: maxAge ? Number(maxAge[1]) : cacheControlFor(key).maxAgeSec,
      });
      this.cache.set(key, obj, body.length);
      this.breaker.success(Date.now());
      timer({ outcome: 'ok' });
      return { obj, changed: true };
    } catch (err) {
      if (err instanceof OriginError && err.status < 500) throw err;
      this.stats.originErrors++;
      this.breaker.failure(Date.now());
      timer({ outcome: 'error' });
      if (err instanceof OriginError) throw err;
      const e = err as Error & { cause?: { code?: string } };
      const why = e.name === 'TimeoutError' ? 'timed out' : (e.cause?.code ?? e.message);
      this.log.warn({ key, why }, 'origin fetch failed');
      throw new OriginError(502, `origin fetch failed for /media/${key} (${why}): is the origin up?`);
    } finally {
      void start;
    }
  }

  private rewriteManifest(key: string, obj: StoredObject, sid: string | undefined): StoredObject {
    const topo = this.o.topology.get();
    const slash = key.lastIndexOf('/');
    const dir = slash >= 0 ? key.slice(0, slash + 1) : '';
    let edges = topo.edges.filter((e) => e.healthy || e.id === this.id);
    if (edges.length === 0) edges = topo.edges;
    const pathways: Pathway[] = edges.map((e) => ({ id: e.id, baseUrl: `${e.url}/media/${dir}` }));
    if (!pathways.some((p) => p.id === this.id)) pathways.unshift({ id: this.id, baseUrl: `${this.url}/media/${dir}` });
    const query = sid ? `session=${encodeURIComponent(sid)}` : '';
    const sig = `${key}|${obj.etag}|${query}|${pathways.map((p) => p.id + '=' + p.baseUrl).join(',')}|${topo.steering.url}`;
    const memo = this.rewritten.get(sig);
    if (memo && memo.storedAt === obj.storedAt) return memo;
    const text = obj.body.toString('utf8');
    let out: string;
    try {
      if (key.endsWith('.mpd')) {
        out = rewriteMpd(text, { pathways, defaultPathway: this.id, steeringUri: topo.steering.url, query });
      } else if (isMultivariant(text)) {
        out = rewriteMultivariant(text, { pathways, defaultPathway: this.id, steeringUri: topo.steering.url, query });
      } else {
        out = rewriteMediaPlaylist(text, query);
      }
    } catch (err) {
      this.log.warn({ key, err: (err as Error).message }, 'manifest not rewritten');
      return obj;
    }
    const body = Buffer.from(out, 'utf8');
    const rewritten = makeStoredObject({
      body,
      contentType: obj.contentType,
      cacheControl: obj.cacheControl,
      lastModified: obj.lastModified,
      maxAgeSec: obj.maxAgeSec,
      storedAt: obj.storedAt,
    });
    if (this.rewritten.size > 2000) this.rewritten.clear();
    this.rewritten.set(sig, rewritten);
    return rewritten;
  }
}

export { NO_SHAPE };
export type { BreakerState };
