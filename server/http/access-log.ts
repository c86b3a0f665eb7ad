/**
 * Access log: one structured line per request at debug level (`LOG_LEVEL=debug npm start`), written when the
 * response is finished or the client went away. Off by default, and then costs one level check per request:
 * the edge's hot path serves tens of thousands of requests per second in bench:serve.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../log.ts';

/** The viewing session of a request: `session=` or the CMCD `sid` in the query, else the CMCD-Session header. */
function sessionOf(req: IncomingMessage, query: string): string | undefined {
  if (query) {
    const q = new URLSearchParams(query);
    const s = q.get('session');
    if (s) return s;
    const cmcd = q.get('CMCD');
    const m = cmcd ? /(?:^|,)sid="([^"]*)"/.exec(cmcd) : null;
    if (m) return m[1];
  }
  const h = req.headers['cmcd-session'];
  const m = typeof h === 'string' ? /(?:^|,)sid="([^"]*)"/.exec(h) : null;
  return m ? m[1] : undefined;
}

/**
 * What a response sent through the fast path (`writeHead` with a flat header list, which `getHeader` cannot
 * read back): recorded only on responses being logged.
 */
const SENT = Symbol('access-log');
type Logged = ServerResponse & { [SENT]?: { cache?: string; bytes?: number } };

/** Called where a body is sent with a flat header list: notes X-Cache and the body length for the log line. */
export function noteSent(res: ServerResponse, headers: string[], bodyBytes: number): void {
  const sent = (res as Logged)[SENT];
  if (!sent) return;
  for (let i = 0; i + 1 < headers.length; i += 2) if (headers[i] === 'X-Cache') sent.cache = headers[i + 1];
  sent.bytes = bodyBytes;
}

export function logAccess(log: Logger, req: IncomingMessage, res: ServerResponse): void {
  if (!log.isLevelEnabled('debug')) return;
  const start = performance.now();
  const sent: { cache?: string; bytes?: number } = {};
  (res as Logged)[SENT] = sent;
  const url = req.url ?? '/';
  const qi = url.indexOf('?');
  const path = qi >= 0 ? url.slice(0, qi) : url;
  let done = false;
  const write = (aborted: boolean) => {
    if (done) return;
    done = true;
    const length = Number(res.getHeader('content-length'));
    log.debug(
      {
        method: req.method,
        path,
        status: res.statusCode,
        bytes: sent.bytes ?? (Number.isFinite(length) ? length : undefined),
        cache: sent.cache ?? res.getHeader('x-cache'),
        ms: Math.round((performance.now() - start) * 10) / 10,
        session: sessionOf(req, qi >= 0 ? url.slice(qi + 1) : ''),
        ...(aborted ? { aborted: true } : {}),
      },
      'request',
    );
  };
  res.once('finish', () => write(false));
  res.once('close', () => write(!res.writableFinished));
}
