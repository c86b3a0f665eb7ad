/**
 * An HTTP object held in memory with its response headers computed once (at fill time), and the
 * request-time logic for serving it: 304, single Range → 206/416, HEAD, shaping. No hashing per request.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CORS_HEADERS } from './headers.ts';
import { parseRange } from './range.ts';
import type { Link } from '../shaping/sessions.ts';
import { delayFor, writeShaped } from '../shaping/writer.ts';
import { noteSent } from './access-log.ts';

export interface StoredObject {
  body: Buffer;
  etag: string;
  contentType: string;
  cacheControl: string;
  lastModified: string;
  /** Seconds the object is fresh for (from Cache-Control max-age). */
  maxAgeSec: number;
  /** ms timestamp of the fill / last successful revalidation. */
  storedAt: number;
  /** Flat header list for a full 200 (without per-request headers). */
  head200: string[];
}

export function strongEtag(body: Buffer): string {
  return `"${createHash('sha1').update(body).digest('base64url').slice(0, 22)}-${body.length.toString(36)}"`;
}

export function makeStoredObject(o: {
  body: Buffer;
  etag?: string;
  contentType: string;
  cacheControl: string;
  lastModified?: string;
  maxAgeSec: number;
  storedAt?: number;
}): StoredObject {
  const etag = o.etag ?? strongEtag(o.body);
  const lastModified = o.lastModified ?? new Date().toUTCString();
  const head200: string[] = [
    'Content-Type', o.contentType,
    'Content-Length', String(o.body.length),
    'Cache-Control', o.cacheControl,
    'ETag', etag,
    'Last-Modified', lastModified,
    'Accept-Ranges', 'bytes',
  ];
  for (const [k, v] of CORS_HEADERS) head200.push(k, v);
  return { body: o.body, etag, contentType: o.contentType, cacheControl: o.cacheControl, lastModified, maxAgeSec: o.maxAgeSec, storedAt: o.storedAt ?? Date.now(), head200 };
}

function etagMatches(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  const bare = etag.replace(/^W\//, '');
  for (const part of header.split(',')) {
    if (part.trim().replace(/^W\//, '') === bare) return true;
  }
  return false;
}

export interface ServeResult {
  status: number;
  bytes: number;
}

/**
 * Serves `obj` for a GET/HEAD request. `extra` is a flat [name, value, …] list (X-Cache, X-Edge, Age).
 * Returns what was sent (status and body bytes) for metrics.
 */
export function serveStored(
  req: IncomingMessage,
  res: ServerResponse,
  obj: StoredObject,
  extra: string[],
  link: Link | null,
): ServeResult {
  const head = req.method === 'HEAD';
  const inm = req.headers['if-none-match'];
  if (inm !== undefined && etagMatches(inm, obj.etag)) {
    const h = ['ETag', obj.etag, 'Cache-Control', obj.cacheControl, 'Last-Modified', obj.lastModified, ...extra];
    for (const [k, v] of CORS_HEADERS) h.push(k, v);
    send(res, 304, h, null, link);
    return { status: 304, bytes: 0 };
  }
  let rangeHeader = req.headers.range;
  const ifRange = req.headers['if-range'];
  if (rangeHeader !== undefined && typeof ifRange === 'string' && ifRange.trim() !== obj.etag && ifRange.trim() !== obj.lastModified) {
    rangeHeader = undefined; // If-Range mismatch: send the whole object
  }
  const size = obj.body.length;
  const range = parseRange(rangeHeader, size);
  if (range.type === 'full') {
    const h = extra.length ? obj.head200.concat(extra) : obj.head200;
    send(res, 200, h, head ? null : obj.body, link);
    return { status: 200, bytes: head ? 0 : size };
  }
  if (range.type === 'partial') {
    const len = range.end - range.start + 1;
    const h = [
      'Content-Type', obj.contentType,
      'Content-Length', String(len),
      'Content-Range', `bytes ${range.start}-${range.end}/${size}`,
      'Cache-Control', obj.cacheControl,
      'ETag', obj.etag,
      'Last-Modified', obj.lastModified,
      'Accept-Ranges', 'bytes',
      ...extra,
    ];
    for (const [k, v] of CORS_HEADERS) h.push(k, v);
    send(res, 206, h, head ? null : obj.body.subarray(range.start, range.end + 1), link);
    return { status: 206, bytes: head ? 0 : len };
  }
  const msg = range.type === 'malformed' ? 'malformed Range header: use a single "bytes=start-end"\n' : `range not satisfiable: object has ${size} bytes\n`;
  const h = ['Content-Type', 'text/plain; charset=utf-8', 'Content-Length', String(Buffer.byteLength(msg)), 'Content-Range', `bytes */${size}`, ...extra];
  for (const [k, v] of CORS_HEADERS) h.push(k, v);
  send(res, 416, h, head ? null : Buffer.from(msg), null);
  return { status: 416, bytes: 0 };
}

function send(res: ServerResponse, status: number, headers: string[], body: Buffer | null, link: Link | null): void {
  noteSent(res, headers, body?.length ?? 0);
  if (!link) {
    res.writeHead(status, headers);
    res.end(body ?? undefined);
    return;
  }
  void (async () => {
    await delayFor(link);
    if (res.destroyed) return;
    res.writeHead(status, headers);
    if (body === null || body.length === 0 || !link.bucket) {
      res.end(body ?? undefined);
      return;
    }
    await writeShaped(res, body, link);
  })().catch(() => res.destroy());
}
