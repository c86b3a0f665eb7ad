/**
 * One-process stack: origin (+ steering, + player) on `port`, edges edge-1…edge-N on port+1…port+N
 * (all ephemeral when port is 0). Used by `npm start`, the tests and the Playwright suite.
 */
import http from 'node:http';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createOriginApp } from './origin/app.ts';
import { Edge } from './edge/edge.ts';
import { LocalEdges } from './edge/directory.ts';
import { SteeringService } from './steering/service.ts';
import { SessionStore, NO_SHAPE, type Shape } from './shaping/sessions.ts';
import { createLogger } from './log.ts';
import type { PolicyName } from './edge/policies/policy.ts';
import type { BreakerOptions } from './edge/breaker.ts';
import type { Topology } from './topology.ts';

export const DEFAULT_CACHE_BYTES = 256 * 1024 * 1024;
/** Chosen by `npm run bench:cache` (highest byte hit ratio of the online policies at 5/10/20 %). */
export const DEFAULT_CACHE_POLICY: PolicyName = 'lookahead';
export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
export const PLAYER_DIR = resolve(REPO_ROOT, 'dist/player');

export interface StackOptions {
  mediaDir: string;
  host?: string;
  port?: number;
  edges?: number;
  cacheBytes?: number;
  cachePolicy?: PolicyName;
  originRttMs?: number;
  originMbps?: number;
  servePlayer?: boolean;
  logLevel?: string;
  logFile?: string;
  /** Shaping for every client of every edge (CLI --shape-kbps / --latency-ms / --trace). */
  edgeShape?: Partial<Shape>;
  breaker?: BreakerOptions;
  allowRemoteControl?: boolean;
  playerDir?: string;
}

export interface Stack {
  originUrl: string;
  edges: Array<{ id: string; url: string }>;
  steeringUrl: string;
  close(): Promise<void>;
}

function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      reject(err.code === 'EADDRINUSE' ? new Error(`port ${port} on ${host} is in use: pick another with --port/PORT`) : err);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const a = server.address();
      resolvePort(a && typeof a === 'object' ? a.port : port);
    });
  });
}

export async function startStack(opts: StackOptions): Promise<Stack> {
  const host = opts.host ?? '127.0.0.1';
  const port = opts.port ?? 0;
  const nEdges = opts.edges ?? 3;
  if (!Number.isInteger(nEdges) || nEdges < 0 || nEdges > 64) throw new Error('edges must be an integer 0…64');
  const logger = createLogger({ level: opts.logLevel, file: opts.logFile });
  const sessions = new SessionStore();
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  let originUrl = '';
  const edges: Edge[] = [];
  const directory = new LocalEdges(edges);
  const steering = new SteeringService(() => directory.loads());
  const topology = (): Topology => ({
    origin: { url: originUrl },
    edges: directory.topologyEdges(),
    steering: { url: `${originUrl}/steering/v1` },
  });
  const { app } = createOriginApp({
    mediaDir: resolve(opts.mediaDir),
    logger,
    sessions,
    edges: directory,
    topology,
    steering,
    playerDir: opts.servePlayer ? (opts.playerDir ?? PLAYER_DIR) : undefined,
    allowRemoteControl: opts.allowRemoteControl,
  });
  const originServer = http.createServer({ keepAliveTimeout: 5000 }, app);
  const originPort = await listen(originServer, port, host);
  originUrl = `http://${urlHost}:${originPort}`;
  const edgeShape: Shape = { ...NO_SHAPE, ...opts.edgeShape };
  try {
    for (let i = 1; i <= nEdges; i++) {
      const edge = new Edge({
        id: `edge-${i}`,
        originUrl,
        host,
        urlHost,
        port: port === 0 ? 0 : port + i,
        cacheBytes: opts.cacheBytes ?? DEFAULT_CACHE_BYTES,
        cachePolicy: opts.cachePolicy ?? DEFAULT_CACHE_POLICY,
        originRttMs: opts.originRttMs,
        originMbps: opts.originMbps,
        sessions,
        defaultShape: edgeShape,
        topology: { get: topology },
        logger,
        breaker: opts.breaker,
        allowRemoteControl: opts.allowRemoteControl,
      });
      await edge.listen();
      edges.push(edge);
    }
  } catch (err) {
    await Promise.all(edges.map((e) => e.close()));
    await new Promise<void>((r) => originServer.close(() => r()));
    throw err;
  }
  const edgeUrl = (e: Edge) => e.url;
  logger.info({ origin: originUrl, edges: edges.map(edgeUrl), media: opts.mediaDir }, 'stack listening');
  return {
    originUrl,
    edges: edges.map((e) => ({ id: e.id, url: edgeUrl(e) })),
    steeringUrl: `${originUrl}/steering/v1`,
    async close() {
      await Promise.all(edges.map((e) => e.close()));
      originServer.closeAllConnections();
      await new Promise<void>((r) => originServer.close(() => r()));
      logger.flush();
    },
  };
}
