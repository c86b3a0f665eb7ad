/**
 * `npm start` / `npm run server -- …`: runs the stack in one process (default) or a single role.
 *   --role all       origin + player + steering on PORT, EDGES edges on PORT+1… (default)
 *   --role origin    origin (+ steering) alone; remote edges given with --edge-urls edge-1=http://h:9001,…
 *   --role edge      one edge in front of --origin
 *   --role steering  a steering server ranking the edges the origin lists (--origin)
 * Environment: PORT (8080), EDGES (3), MEDIA_DIR (media/), HOST (127.0.0.1), LOG_LEVEL.
 */
import http from 'node:http';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { Command, InvalidArgumentError } from 'commander';
import { startStack, DEFAULT_CACHE_BYTES, DEFAULT_CACHE_POLICY, PLAYER_DIR, REPO_ROOT } from './stack.ts';
import { createLogger, type Logger } from './log.ts';
import { Edge } from './edge/edge.ts';
import { RemoteEdges, parseEdgeList } from './edge/directory.ts';
import { createOriginApp } from './origin/app.ts';
import { SteeringService } from './steering/service.ts';
import { SessionStore, NO_SHAPE, mergeShape, type Shape } from './shaping/sessions.ts';
import { PolledTopology, type Topology } from './topology.ts';
import { POLICY_NAMES, type PolicyName } from './edge/policies/policy.ts';
import type { EdgeLoad } from './steering/rank.ts';

const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative integer`);
  return n;
};
const num = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative number`);
  return n;
};
const bytes = (v: string) => {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?i?b?)?$/i.exec(v.trim());
  if (!m) throw new InvalidArgumentError('cache size must be bytes or e.g. 256MiB, 1GiB');
  const unit = (m[2] ?? '').toLowerCase().replace(/i?b$/, '');
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[unit] ?? 1;
  return Math.floor(Number(m[1]) * mult);
};

const program = new Command('server')
  .description('ABR stack server: origin, edges (CDN), steering')
  .option('--role <role>', 'all | origin | edge | steering', 'all')
  .option('--host <host>', 'interface to listen on', process.env.HOST ?? '127.0.0.1')
  .option('--port <n>', 'port (edges of --role all use port+1…)', int('port'), Number(process.env.PORT ?? 8080))
  .option('--edges <n>', 'number of edges for --role all', int('edges'), Number(process.env.EDGES ?? 3))
  .option('--edge-urls <list>', 'remote edges for --role origin: edge-1=http://h:9001,edge-2=…')
  .option('--media-dir <dir>', 'media folder', process.env.MEDIA_DIR ?? 'media')
  .option('--origin <url>', 'origin URL (for --role edge and steering)')
  .option('--id <id>', 'edge id for --role edge', 'edge-1')
  .option('--public-url <url>', 'URL clients use to reach this edge (default http://host:port)')
  .option('--cache-bytes <size>', 'edge cache size (bytes, or 256MiB / 1GiB)', bytes, DEFAULT_CACHE_BYTES)
  .option('--cache-policy <name>', `edge eviction policy: ${POLICY_NAMES.join(' | ')}`, DEFAULT_CACHE_POLICY)
  .option('--origin-rtt-ms <ms>', 'simulated RTT edge→origin per fill', num('origin-rtt-ms'), 0)
  .option('--origin-mbps <mbps>', 'simulated edge←origin bandwidth (0 = unlimited)', num('origin-mbps'), 0)
  .option('--shape-kbps <kbps>', 'cap every client of the edge(s) at this rate', num('shape-kbps'))
  .option('--latency-ms <ms>', 'added latency on every edge response', num('latency-ms'))
  .option('--trace <name>', 'replay a throughput trace on every edge client (name under ../shared/traces/pensieve or a path)')
  .option('--trace-speed <factor>', 'trace time compression factor', num('trace-speed'))
  .option('--no-player', 'do not serve the player app (role all)')
  .option('--no-demo', 'do not encode a demo title when the media dir is empty')
  .option('--allow-remote-control', 'accept chaos/shaping controls from non-loopback clients', false)
  .option('--log-level <level>', 'pino level', process.env.LOG_LEVEL ?? 'info')
  .option('--log-file <file>', 'write logs to this file instead of stdout');

interface Opts {
  role: string;
  host: string;
  port: number;
  edges: number;
  edgeUrls?: string;
  mediaDir: string;
  origin?: string;
  id: string;
  publicUrl?: string;
  cacheBytes: number;
  cachePolicy: string;
  originRttMs: number;
  originMbps: number;
  shapeKbps?: number;
  latencyMs?: number;
  trace?: string;
  traceSpeed?: number;
  player: boolean;
  demo: boolean;
  allowRemoteControl: boolean;
  logLevel: string;
  logFile?: string;
}

function edgeShape(o: Opts): Shape {
  return mergeShape(NO_SHAPE, {
    ...(o.shapeKbps !== undefined ? { kbps: o.shapeKbps } : {}),
    ...(o.latencyMs !== undefined ? { latencyMs: o.latencyMs } : {}),
    ...(o.trace !== undefined ? { trace: o.trace } : {}),
    ...(o.traceSpeed !== undefined ? { traceSpeed: o.traceSpeed } : {}),
  });
}

function hasTitle(mediaDir: string): boolean {
  try {
    return readdirSync(mediaDir, { withFileTypes: true }).some((d) => d.isDirectory() && !d.name.startsWith('.') && existsSync(join(mediaDir, d.name, 'title.json')));
  } catch {
    return false;
  }
}

async function encodeDemo(mediaDir: string, log: Logger): Promise<void> {
  log.info({ mediaDir }, 'no title in the media dir: encoding the demo title first (npm start -- --no-demo skips this)');
  await mkdir(mediaDir, { recursive: true });
  const cli = join(REPO_ROOT, 'encoder', 'cli.ts');
  if (existsSync(cli)) {
    // The encoder's own CLI (same as `npm run encode -- --demo`), showing its progress on this terminal.
    const code = await new Promise<number>((resolveCode, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', cli, '--demo', '--media-dir', mediaDir], { cwd: REPO_ROOT, stdio: 'inherit' });
      // Stopping npm start stops the encode too (the encoder then removes its staging folder).
      const forward = (sig: NodeJS.Signals) => () => child.kill(sig);
      const onInt = forward('SIGINT');
      const onTerm = forward('SIGTERM');
      process.on('SIGINT', onInt);
      process.on('SIGTERM', onTerm);
      child.on('error', reject);
      child.on('exit', (c, sig) => {
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
        if (sig) process.exit(1);
        resolveCode(c ?? 0);
      });
    });
    if (code !== 0) throw new Error(`encoding the demo title failed (exit ${code}); encode one yourself with npm run encode -- <file> --media-dir ${mediaDir}, or start with --no-demo`);
    return;
  }
  const enc = await import('../encoder/index.ts');
  const src = join(tmpdir(), `abr-demo-source-${process.pid}.mp4`);
  await enc.makeDemoSource(src, { durationSec: 30, width: 1280, height: 720, frameRate: 24 }, {
    onProgress: (p) => process.stdout.write(`\rdemo source: ${p.processedSec.toFixed(0)}/${p.durationSec} s   `),
  });
  process.stdout.write('\n');
  await enc.encodeTitle({
    input: src,
    id: 'demo',
    title: 'Demo',
    mediaDir,
    maxHeight: 720,
    onProgress: (p) => process.stdout.write(`\rencoding demo: ${p.phase} ${p.percent.toFixed(0)} % (${p.speed.toFixed(1)}× realtime, eta ${p.etaSec === null ? '?' : p.etaSec.toFixed(0)} s)   `),
  });
  process.stdout.write('\n');
}

async function ensurePlayerBuilt(log: Logger): Promise<void> {
  if (existsSync(join(PLAYER_DIR, 'index.html'))) return;
  log.info('dist/player/index.html missing: building the player with vite (one time)');
  const { build } = await import('vite');
  await build({ configFile: join(REPO_ROOT, 'vite.config.ts'), logLevel: 'warn' });
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((res, rej) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      rej(err.code === 'EADDRINUSE' ? new Error(`port ${port} is in use: choose another with --port`) : err),
    );
    server.listen(port, host, () => res());
  });
}

function onShutdown(fn: () => Promise<void>): void {
  let closing = false;
  const stop = () => {
    if (closing) process.exit(1);
    closing = true;
    void fn().finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

async function main(): Promise<void> {
  program.parse();
  const o = program.opts<Opts>();
  if (!POLICY_NAMES.includes(o.cachePolicy as PolicyName)) throw new Error(`--cache-policy must be one of ${POLICY_NAMES.join(', ')}`);
  const log = createLogger({ level: o.logLevel, file: o.logFile });
  const mediaDir = resolve(o.mediaDir);
  const shape = edgeShape(o);
  const urlHost = o.host === '0.0.0.0' || o.host === '::' ? '127.0.0.1' : o.host;

  if (o.role === 'all') {
    if (!hasTitle(mediaDir) && o.demo) await encodeDemo(mediaDir, log);
    if (o.player) await ensurePlayerBuilt(log);
    const stack = await startStack({
      mediaDir,
      host: o.host,
      port: o.port,
      edges: o.edges,
      cacheBytes: o.cacheBytes,
      cachePolicy: o.cachePolicy as PolicyName,
      originRttMs: o.originRttMs,
      originMbps: o.originMbps,
      servePlayer: o.player,
      logLevel: o.logLevel,
      logFile: o.logFile,
      edgeShape: shape,
      allowRemoteControl: o.allowRemoteControl,
    });
    console.log(`origin   ${stack.originUrl}${o.player ? `  (player: ${stack.originUrl}/)` : ''}`);
    for (const e of stack.edges) console.log(`${e.id.padEnd(8)} ${e.url}`);
    console.log(`steering ${stack.steeringUrl}`);
    onShutdown(() => stack.close());
    return;
  }

  if (o.role === 'origin') {
    const sessions = new SessionStore();
    const edges = new RemoteEdges(o.edgeUrls ? parseEdgeList(o.edgeUrls) : []);
    const steering = new SteeringService(() => edges.loads());
    const originUrl = `http://${urlHost}:${o.port}`;
    const topology = (): Topology => ({ origin: { url: originUrl }, edges: edges.topologyEdges(), steering: { url: `${originUrl}/steering/v1` } });
    if (o.player) await ensurePlayerBuilt(log);
    const { app } = createOriginApp({ mediaDir, logger: log, sessions, edges, topology, steering, playerDir: o.player ? PLAYER_DIR : undefined, allowRemoteControl: o.allowRemoteControl });
    const server = http.createServer(app);
    await listen(server, o.port, o.host);
    log.info({ url: originUrl, edges: edges.topologyEdges() }, 'origin listening');
    onShutdown(async () => {
      edges.close();
      server.close();
    });
    return;
  }

  if (o.role === 'edge') {
    if (!o.origin) throw new Error('--role edge needs --origin http://host:port');
    const publicUrl = o.publicUrl ?? `http://${urlHost}:${o.port}`;
    const topo = new PolledTopology(o.origin, { origin: { url: o.origin }, edges: [{ id: o.id, url: publicUrl, healthy: true }], steering: { url: `${o.origin}/steering/v1` } });
    topo.start();
    const edge = new Edge({
      id: o.id,
      originUrl: o.origin,
      host: o.host,
      urlHost: new URL(publicUrl).hostname,
      port: o.port,
      cacheBytes: o.cacheBytes,
      cachePolicy: o.cachePolicy as PolicyName,
      originRttMs: o.originRttMs,
      originMbps: o.originMbps,
      sessions: new SessionStore(),
      defaultShape: shape,
      topology: topo,
      logger: log,
      allowRemoteControl: o.allowRemoteControl,
    });
    await edge.listen();
    log.info({ id: o.id, url: edge.url, origin: o.origin }, 'edge listening');
    onShutdown(async () => {
      topo.stop();
      await edge.close();
    });
    return;
  }

  if (o.role === 'steering') {
    if (!o.origin) throw new Error('--role steering needs --origin http://host:port (it ranks the edges the origin lists)');
    let loads: EdgeLoad[] = [];
    const poll = async () => {
      try {
        const r = await fetch(`${o.origin}/api/edges`, { signal: AbortSignal.timeout(1000) });
        const list = (await r.json()) as Array<{ id: string; healthy: boolean; inflight?: number; requestRate?: number }>;
        loads = list.map((e) => ({ id: e.id, healthy: !!e.healthy, inflight: Number(e.inflight ?? 0), requestRate: Number(e.requestRate ?? 0) }));
      } catch {
        /* keep the last answer */
      }
    };
    await poll();
    const timer = setInterval(() => void poll(), 1000);
    const steering = new SteeringService(() => loads);
    const server = http.createServer((req, res) => steering.handle(req, res));
    await listen(server, o.port, o.host);
    log.info({ url: `http://${urlHost}:${o.port}/` }, 'steering listening');
    onShutdown(async () => {
      clearInterval(timer);
      server.close();
    });
    return;
  }
  throw new Error(`unknown --role ${o.role}: use all, origin, edge or steering`);
}

main().catch((err: unknown) => {
  console.error(`server: ${(err as Error).message}`);
  process.exit(1);
});
