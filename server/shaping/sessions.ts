/**
 * Per-session network shaping: a throughput cap (token bucket), added latency, and trace replay.
 * One store per process, shared by the origin and all in-process edges. Sessions are created by the
 * manifest request (`?session=<sid>&shape_kbps=…`) or `POST /api/sessions/:sid/shape`, and looked up for
 * later requests by `session=<sid>` or the CMCD `sid`.
 */
import { TokenBucket, kbpsToBytesPerSec } from './token-bucket.ts';
import { loadTrace, traceMbpsAt, type Trace } from './trace.ts';

export interface Shape {
  kbps: number | null;
  latencyMs: number;
  trace: string | null;
  traceSpeed: number;
}

export interface ShapePatch {
  kbps?: number | null;
  latencyMs?: number;
  trace?: string | null;
  traceSpeed?: number;
}

export const NO_SHAPE: Shape = { kbps: null, latencyMs: 0, trace: null, traceSpeed: 1 };

export class ShapeError extends Error {}

/** A shaped link: what the response writer needs. */
export interface Link {
  latencyMs: number;
  bucket: TokenBucket | null;
}

export function isShaped(s: Shape): boolean {
  return s.kbps !== null || s.trace !== null || s.latencyMs > 0;
}

/** Validates a patch (from JSON or query strings) and merges it into `base`. Throws ShapeError with the reason. */
export function mergeShape(base: Shape, patch: ShapePatch): Shape {
  const out: Shape = { ...base };
  if (patch.kbps !== undefined) {
    if (patch.kbps !== null && !(typeof patch.kbps === 'number' && Number.isFinite(patch.kbps) && patch.kbps >= 8 && patch.kbps <= 10_000_000)) {
      throw new ShapeError('kbps must be null or a number between 8 and 10000000');
    }
    out.kbps = patch.kbps;
  }
  if (patch.latencyMs !== undefined) {
    if (!(typeof patch.latencyMs === 'number' && Number.isFinite(patch.latencyMs) && patch.latencyMs >= 0 && patch.latencyMs <= 60_000)) {
      throw new ShapeError('latencyMs must be a number between 0 and 60000');
    }
    out.latencyMs = patch.latencyMs;
  }
  if (patch.traceSpeed !== undefined) {
    if (!(typeof patch.traceSpeed === 'number' && Number.isFinite(patch.traceSpeed) && patch.traceSpeed > 0 && patch.traceSpeed <= 1000)) {
      throw new ShapeError('traceSpeed must be a number in (0, 1000]');
    }
    out.traceSpeed = patch.traceSpeed;
  }
  if (patch.trace !== undefined) {
    if (patch.trace !== null) {
      if (typeof patch.trace !== 'string') throw new ShapeError('trace must be a string or null');
      try {
        loadTrace(patch.trace);
      } catch (err) {
        throw new ShapeError((err as Error).message);
      }
    }
    out.trace = patch.trace;
  }
  return out;
}

/** Reads shape_kbps, latency_ms, trace, trace_speed from query parameters; undefined when none is present. */
export function shapePatchFromQuery(q: URLSearchParams): ShapePatch | undefined {
  const patch: ShapePatch = {};
  let any = false;
  const num = (name: string): number => {
    const v = q.get(name) ?? '';
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n)) throw new ShapeError(`${name} must be a number (got "${v.slice(0, 40)}")`);
    return n;
  };
  if (q.has('shape_kbps')) {
    const v = q.get('shape_kbps');
    patch.kbps = v === '' || v === 'off' || v === '0' ? null : num('shape_kbps');
    any = true;
  }
  if (q.has('latency_ms')) {
    patch.latencyMs = num('latency_ms');
    any = true;
  }
  if (q.has('trace')) {
    const v = q.get('trace') ?? '';
    patch.trace = v === '' || v === 'off' ? null : v;
    any = true;
  }
  if (q.has('trace_speed')) {
    patch.traceSpeed = num('trace_speed');
    any = true;
  }
  return any ? patch : undefined;
}

/** Header equivalents of the shaping query parameters (for clients that cannot change the manifest URL). */
export const SHAPE_HEADERS: Record<string, string> = {
  'x-shape-kbps': 'shape_kbps',
  'x-latency-ms': 'latency_ms',
  'x-trace': 'trace',
  'x-trace-speed': 'trace_speed',
};

/** Query parameters plus X-Shape-Kbps / X-Latency-Ms / X-Trace / X-Trace-Speed / X-Session headers (query wins). */
export function withShapeHeaders(q: URLSearchParams, headers: Record<string, string | string[] | undefined>): URLSearchParams {
  let out = q;
  for (const [h, name] of Object.entries({ ...SHAPE_HEADERS, 'x-session': 'session' })) {
    const v = headers[h];
    if (typeof v === 'string' && !q.has(name)) {
      if (out === q) out = new URLSearchParams(q);
      out.set(name, v);
    }
  }
  return out;
}

export function makeLink(shape: Shape, nowMs: number): Link | null {
  if (!isShaped(shape)) return null;
  let trace: Trace | null = null;
  if (shape.trace !== null) trace = loadTrace(shape.trace);
  const start = nowMs;
  const cap = shape.kbps === null ? Infinity : kbpsToBytesPerSec(shape.kbps);
  let bucket: TokenBucket | null = null;
  if (trace !== null) {
    const t = trace;
    const speed = shape.traceSpeed;
    bucket = new TokenBucket(
      (now) => Math.min(cap, (traceMbpsAt(t, ((now - start) / 1000) * speed) * 1e6) / 8),
      16 * 1024,
      nowMs,
    );
  } else if (shape.kbps !== null) {
    const rate = cap;
    bucket = new TokenBucket(() => rate, Math.max(4096, Math.min(64 * 1024, Math.floor(rate * 0.05))), nowMs);
  }
  return { latencyMs: shape.latencyMs, bucket };
}

interface Session {
  sid: string;
  shape: Shape;
  link: Link | null;
  updatedAt: number;
  lastSeen: number;
}

const SID = /^[A-Za-z0-9._~-]{1,128}$/;
export function isValidSid(sid: string): boolean {
  return SID.test(sid);
}

export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  constructor(private readonly idleMs = 30 * 60_000, private readonly maxSessions = 10_000) {}

  /** Sets (merges) the shape of a session, creating it if needed. Throws ShapeError on invalid input. */
  setShape(sid: string, patch: ShapePatch, nowMs = Date.now()): Shape {
    if (!isValidSid(sid)) throw new ShapeError('session id must be 1-128 characters of [A-Za-z0-9._~-]');
    const cur = this.sessions.get(sid);
    const shape = mergeShape(cur?.shape ?? NO_SHAPE, patch);
    this.prune(nowMs);
    this.sessions.set(sid, { sid, shape, link: makeLink(shape, nowMs), updatedAt: nowMs, lastSeen: nowMs });
    return shape;
  }

  get(sid: string): Shape | undefined {
    return this.sessions.get(sid)?.shape;
  }

  link(sid: string | undefined, nowMs = Date.now()): Link | null {
    if (sid === undefined) return null;
    const s = this.sessions.get(sid);
    if (!s) return null;
    s.lastSeen = nowMs;
    return s.link;
  }

  list(): Array<{ sid: string; shape: Shape; updatedAt: string }> {
    return [...this.sessions.values()].map((s) => ({ sid: s.sid, shape: s.shape, updatedAt: new Date(s.updatedAt).toISOString() }));
  }

  delete(sid: string): boolean {
    return this.sessions.delete(sid);
  }

  private prune(nowMs: number): void {
    if (this.sessions.size < 100) return;
    for (const [k, s] of this.sessions) {
      if (nowMs - s.lastSeen > this.idleMs) this.sessions.delete(k);
    }
    while (this.sessions.size >= this.maxSessions) {
      const first = this.sessions.keys().next();
      if (first.done) break;
      this.sessions.delete(first.value);
    }
  }
}

/** Session id of a request: `session` query parameter, else the CMCD `sid` (query mode `CMCD=` or header `CMCD-Session`). */
export function sessionIdOf(q: URLSearchParams, headers: Record<string, string | string[] | undefined>): string | undefined {
  const s = q.get('session');
  if (s && isValidSid(s)) return s;
  const cmcd = q.get('CMCD') ?? (typeof headers['cmcd-session'] === 'string' ? headers['cmcd-session'] : undefined);
  if (cmcd) {
    const m = /(?:^|,)sid="([^"]{1,128})"/.exec(cmcd);
    if (m && m[1] && isValidSid(m[1])) return m[1];
  }
  return undefined;
}
