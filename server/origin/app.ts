/**
 * The origin (express 5): media files, catalogue API, topology, edge stats, chaos and shaping controls,
 * steering (when run in one process), /metrics, and optionally the player app with SPA fallback.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';
import { MediaFiles } from './media-files.ts';
import { Catalog } from './catalog.ts';
import { answerPreflight, isLoopback, sendError, sendJson, setCors } from '../http/headers.ts';
import { serveStored } from '../http/stored-object.ts';
import { kindOf } from '../http/mime.ts';
import { SessionStore, ShapeError, withShapeHeaders, sessionIdOf, shapePatchFromQuery, type ShapePatch } from '../shaping/sessions.ts';
import type { EdgeDirectory } from '../edge/directory.ts';
import type { SteeringService } from '../steering/service.ts';
import type { Topology } from '../topology.ts';
import type { Logger } from '../log.ts';
import { isValidTitleId } from '../http/safe-path.ts';
import { logAccess } from '../http/access-log.ts';
import { MAX_FAIL_DURATION_MS, parseFailRequest } from '../edge/fail-request.ts';

export interface OriginOptions {
  mediaDir: string;
  logger: Logger;
  sessions: SessionStore;
  edges: EdgeDirectory;
  topology: () => Topology;
  steering?: SteeringService;
  /** Folder of the built player (dist/player); served with SPA fallback when set. */
  playerDir?: string;
  allowRemoteControl?: boolean;
}

export interface OriginState {
  failed: boolean;
}

export function createOriginApp(o: OriginOptions): { app: express.Express; state: OriginState; registry: Registry } {
  const log = o.logger.child({ role: 'origin' });
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use((req, res, next) => {
    logAccess(log, req, res);
    next();
  });
  const state: OriginState = { failed: false };
  const files = new MediaFiles(o.mediaDir);
  const catalog = new Catalog(o.mediaDir, log);

  const registry = new Registry();
  registry.setDefaultLabels({ role: 'origin' });
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({ name: 'origin_requests_total', help: 'Requests answered by the origin, by route and status', labelNames: ['route', 'status'], registers: [registry] });
  const bytes = new Counter({ name: 'origin_bytes_served_total', help: 'Media body bytes sent by the origin', registers: [registry] });
  new Counter({
    name: 'steering_requests_total',
    help: 'Steering manifests served',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(o.steering?.requests ?? 0);
    },
  });

  app.use((req, res, next) => {
    setCors(res);
    const route = req.path.startsWith('/media/') ? 'media' : req.path.startsWith('/api/') ? 'api' : req.path.startsWith('/steering') ? 'steering' : 'other';
    res.once('finish', () => requests.inc({ route, status: String(res.statusCode) }));
    if (req.method === 'OPTIONS') {
      answerPreflight(req, res, req.path.startsWith('/api/') ? 'GET, POST, OPTIONS' : 'GET, HEAD, OPTIONS');
      return;
    }
    next();
  });

  // --- media -------------------------------------------------------------------------------------------
  app.use('/media', (req: Request, res: Response) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendError(res, 405, `method ${req.method} not allowed on media: use GET or HEAD`, { Allow: 'GET, HEAD, OPTIONS' });
      return;
    }
    if (state.failed) {
      req.socket.destroy(); // simulated outage: the connection dies without an answer
      return;
    }
    const raw = req.originalUrl;
    const qi = raw.indexOf('?');
    const path = (qi >= 0 ? raw.slice(0, qi) : raw).slice('/media/'.length);
    const q = withShapeHeaders(new URLSearchParams(qi >= 0 ? raw.slice(qi + 1) : ''), req.headers);
    let sid = sessionIdOf(q, req.headers);
    if (kindOf(path) === 'manifest') {
      try {
        const patch = shapePatchFromQuery(q);
        if (patch && sid) o.sessions.setShape(sid, patch);
      } catch (err) {
        if (err instanceof ShapeError) {
          sendError(res, 400, `bad shaping parameter: ${err.message}`);
          return;
        }
        throw err;
      }
    }
    files
      .lookup(path)
      .then((r) => {
        if (!r.ok) {
          sendError(res, r.status, `media: ${r.reason}`);
          return;
        }
        const sent = serveStored(req, res, r.obj, [], o.sessions.link(sid));
        bytes.inc(sent.bytes);
      })
      .catch((err: unknown) => {
        log.error({ err }, 'media lookup failed');
        sendError(res, 500, 'origin could not read this file');
      });
    void sid;
  });

  // --- catalogue --------------------------------------------------------------------------------------
  app.get('/api/titles', async (_req, res) => {
    sendJson(res, 200, await catalog.list());
  });
  app.get('/api/titles/:id', async (req, res) => {
    const id = String(req.params.id);
    const t = isValidTitleId(id) ? await catalog.get(id) : null;
    if (!t) {
      sendError(res, 404, `no title "${id.slice(0, 80)}": GET /api/titles lists what exists`);
      return;
    }
    sendJson(res, 200, t);
  });

  // --- topology, edges --------------------------------------------------------------------------------
  app.get('/api/topology', (_req, res) => sendJson(res, 200, o.topology()));
  app.get('/api/edges', (_req, res) => sendJson(res, 200, o.edges.stats()));
  app.get('/api/origin', (_req, res) => sendJson(res, 200, { failed: state.failed }));

  // --- controls (loopback only by default) -----------------------------------------------------------
  const control = (req: Request, res: Response, next: NextFunction) => {
    if (o.allowRemoteControl || isLoopback(req.socket.remoteAddress)) {
      next();
      return;
    }
    sendError(res, 403, 'controls are loopback-only: run the command on the server machine or start with --allow-remote-control');
  };
  const json = express.json({ limit: '16kb', strict: false, type: () => true });

  app.post('/api/edges/:id/fail', control, json, async (req, res) => {
    const parsed = parseFailRequest(req.body ?? null);
    if (!parsed) {
      sendError(res, 400, `body must be empty or {"mode":"refuse"|"reset","durationMs":<1…${MAX_FAIL_DURATION_MS}, optional>}`);
      return;
    }
    const { mode, durationMs } = parsed;
    const ok = await o.edges.fail(String(req.params.id), mode, durationMs);
    if (!ok) {
      sendError(res, 404, `no edge "${String(req.params.id).slice(0, 40)}": GET /api/topology lists them`);
      return;
    }
    log.warn({ edge: req.params.id, mode, durationMs }, 'chaos: edge failed');
    sendJson(res, 200, { id: req.params.id, healthy: false, mode, ...(durationMs ? { recoversInMs: durationMs } : {}) });
  });
  app.post('/api/edges/:id/recover', control, async (req, res) => {
    const ok = await o.edges.recover(String(req.params.id));
    if (!ok) {
      sendError(res, 404, `no edge "${String(req.params.id).slice(0, 40)}": GET /api/topology lists them`);
      return;
    }
    log.info({ edge: req.params.id }, 'chaos: edge recovered');
    sendJson(res, 200, { id: req.params.id, healthy: true });
  });
  app.post('/api/origin/fail', control, (_req, res) => {
    state.failed = true;
    log.warn('chaos: origin media outage on');
    sendJson(res, 200, { failed: true });
  });
  app.post('/api/origin/recover', control, (_req, res) => {
    state.failed = false;
    log.info('chaos: origin media outage off');
    sendJson(res, 200, { failed: false });
  });

  // --- sessions / shaping ----------------------------------------------------------------------------
  app.get('/api/sessions', (_req, res) => sendJson(res, 200, o.sessions.list()));
  app.get('/api/sessions/:sid', (req, res) => {
    const s = o.sessions.get(String(req.params.sid));
    if (!s) {
      sendError(res, 404, 'no such session');
      return;
    }
    sendJson(res, 200, { sid: req.params.sid, shape: s });
  });
  app.post('/api/sessions/:sid/shape', control, json, (req, res) => {
    const body = req.body as unknown;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      sendError(res, 400, 'body must be a JSON object { kbps?, latencyMs?, trace?, traceSpeed? }');
      return;
    }
    try {
      const shape = o.sessions.setShape(String(req.params.sid), body as ShapePatch);
      sendJson(res, 200, { sid: req.params.sid, shape });
    } catch (err) {
      if (err instanceof ShapeError) {
        sendError(res, 400, err.message);
        return;
      }
      throw err;
    }
  });

  // --- steering, metrics ------------------------------------------------------------------------------
  if (o.steering) {
    const s = o.steering;
    app.all('/steering/v1', (req, res) => s.handle(req, res));
  }
  app.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', registry.contentType);
    res.end(await registry.metrics());
  });
  app.get('/healthz', (_req, res) => sendJson(res, 200, { role: 'origin', status: 'ok', mediaFailed: state.failed }));

  app.use('/api', (req, res) => sendError(res, 404, `no API route ${req.method} ${req.originalUrl.slice(0, 100)}`));

  // --- player (SPA) -----------------------------------------------------------------------------------
  if (o.playerDir && existsSync(join(o.playerDir, 'index.html'))) {
    const dir = o.playerDir;
    app.use(express.static(dir, { index: 'index.html', fallthrough: true }));
    app.use((req, res, next) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        next();
        return;
      }
      res.setHeader('Cache-Control', 'no-cache');
      // `root` keeps send's dotfile check to the file name: a player dir under e.g. `.cache/` must still serve.
      res.sendFile('index.html', { root: dir });
    });
  }

  app.use((req: Request, res: Response) => sendError(res, 404, `nothing at ${req.method} ${req.originalUrl.slice(0, 100)}`));
  app.use((err: Error & { status?: number; statusCode?: number; type?: string }, _req: Request, res: Response, _next: NextFunction) => {
    const status = err.status ?? err.statusCode ?? 500;
    if (status >= 500) log.error({ err }, 'request failed');
    const msg = err.type === 'entity.parse.failed' ? 'body is not valid JSON' : status >= 500 ? 'internal error' : err.message;
    sendError(res, status >= 400 && status < 600 ? status : 500, msg);
  });
  return { app, state, registry };
}
