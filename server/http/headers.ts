/** CORS and timing headers shared by every role. */
import type { IncomingMessage, ServerResponse } from 'node:http';

export const EXPOSED_HEADERS = 'Content-Length, Content-Range, Content-Type, X-Cache, X-Edge, Age, ETag, Accept-Ranges';

export const CORS_HEADERS: Array<[string, string]> = [
  ['Access-Control-Allow-Origin', '*'],
  ['Access-Control-Expose-Headers', EXPOSED_HEADERS],
  ['Timing-Allow-Origin', '*'],
];

export function setCors(res: ServerResponse): void {
  for (const [k, v] of CORS_HEADERS) res.setHeader(k, v);
}

/** Answers a CORS preflight (OPTIONS) with 204. */
export function answerPreflight(req: IncomingMessage, res: ServerResponse, methods = 'GET, HEAD, OPTIONS'): void {
  res.writeHead(204, {
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Allow-Methods': methods,
    'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? 'Range, If-None-Match, If-Range, Content-Type, CMCD-Request, CMCD-Object, CMCD-Status, CMCD-Session, X-Session, X-Shape-Kbps, X-Latency-Ms, X-Trace, X-Trace-Speed',
    'Access-Control-Max-Age': '600',
    'Access-Control-Expose-Headers': EXPOSED_HEADERS,
    'Timing-Allow-Origin': '*',
    'Content-Length': '0',
  });
  res.end();
}

export function isLoopback(addr: string | undefined): boolean {
  if (!addr) return false;
  return addr === '127.0.0.1' || addr === '::1' || addr === '::ffff:127.0.0.1' || addr.startsWith('127.');
}

export function sendJson(res: ServerResponse, status: number, body: unknown, extra?: Record<string, string>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Expose-Headers': EXPOSED_HEADERS,
    'Timing-Allow-Origin': '*',
    ...extra,
  });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, message: string, extra?: Record<string, string>): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, status, { error: message, status }, extra);
}
