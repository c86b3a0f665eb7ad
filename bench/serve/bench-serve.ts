/**
 * `npm run bench:serve [-- --json FILE] [--duration 5] [--connections 32] [--threads 2]`
 * wrk with random requests over real CMAF segment files of ~1 MiB and ~100 KiB against (1) an edge with a hot
 * cache, (2) the origin, (3) nginx serving the same folder (when /usr/sbin/nginx or `nginx` exists) and (4) a bare
 * node:http server answering from a map of precomputed buffers with three headers: the ceiling of any Node server
 * on this machine, so the edge's own overhead (policy, metrics, sessions, full HTTP headers) shows apart from
 * Node's. Prints req/s, MiB/s, p50/p99 and each ratio to nginx. The media is encoded once with ffmpeg into the OS
 * temp dir (abr-bench-serve-v1).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync, rmSync, renameSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { Command } from 'commander';
import ffmpeg from '@ffmpeg-installer/ffmpeg';
import { startStack } from '../../server/stack.ts';

const run = promisify(execFile);
const program = new Command('bench-serve')
  .option('--json <file>', 'also write the figures as JSON')
  .option('--duration <s>', 'seconds per wrk run', '5')
  .option('--connections <n>', 'wrk connections', '32')
  .option('--threads <n>', 'wrk threads', '2')
  .parse();
const o = program.opts<{ json?: string; duration: string; connections: string; threads: string }>();

function which(cmd: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/bin', '/usr/local/sbin'])) {
    const p = join(dir, cmd);
    if (existsSync(p)) return p;
  }
  return null;
}

/** Encodes (once) a title whose segments are ~1 MiB (2 Mbit/s × 4 s) and ~100 KiB (200 kbit/s × 4 s). */
async function benchMedia(): Promise<{ root: string; big: string[]; small: string[] }> {
  const root = join(tmpdir(), 'abr-bench-serve-v1');
  const dir = join(root, 'bench');
  if (!existsSync(join(dir, 'manifest.mpd'))) {
    console.log('encoding benchmark segments with ffmpeg (one time)…');
    const tmp = mkdtempSync(join(tmpdir(), 'abr-bench-serve-build-'));
    // prettier-ignore
    await run(ffmpeg.path, [
      '-hide_banner', '-loglevel', 'error',
      '-f', 'lavfi', '-i', 'testsrc2=s=1280x720:r=24:d=48,noise=alls=12:allf=t',
      '-map', '0:v', '-map', '0:v',
      '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '96', '-keyint_min', '96', '-sc_threshold', '0',
      '-b:v:0', '2100k', '-maxrate:v:0', '2100k', '-bufsize:v:0', '4200k',
      '-b:v:1', '210k', '-maxrate:v:1', '210k', '-bufsize:v:1', '420k', '-s:v:1', '426x240',
      '-f', 'dash', '-seg_duration', '4', '-use_template', '1', '-use_timeline', '0',
      '-init_seg_name', 'init-$RepresentationID$.mp4', '-media_seg_name', 'seg-$RepresentationID$-$Number%05d$.m4s',
      join(tmp, 'manifest.mpd'),
    ]);
    mkdirSync(root, { recursive: true });
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  }
  // nginx workers run as an unprivileged user: the folders must be world-readable (mkdtemp makes them 0700)
  chmodSync(root, 0o755);
  chmodSync(dir, 0o755);
  const files = readdirSync(dir).filter((f) => f.endsWith('.m4s'));
  const big = files.filter((f) => f.startsWith('seg-0-')).map((f) => `/media/bench/${f}`);
  const small = files.filter((f) => f.startsWith('seg-1-')).map((f) => `/media/bench/${f}`);
  return { root, big, small };
}

/** The Node ceiling: one node:http server, bodies and header lists prepared up front, nothing else per request. */
async function startBareNode(mediaRoot: string, paths: string[]): Promise<{ url: string; server: http.Server }> {
  const bodies = new Map(paths.map((p) => [p, readFileSync(join(mediaRoot, p.replace('/media/', '')))]));
  const heads = new Map([...bodies].map(([p, b]) => [p, ['Content-Type', 'video/iso.segment', 'Content-Length', String(b.length), 'Cache-Control', 'public, max-age=31536000, immutable']]));
  const server = http.createServer((req, res) => {
    const body = bodies.get(req.url ?? '');
    if (!body) {
      res.writeHead(404, ['Content-Length', '0']);
      res.end();
      return;
    }
    res.writeHead(200, heads.get(req.url ?? ''));
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address();
  return { url: `http://127.0.0.1:${a && typeof a === 'object' ? a.port : 0}`, server };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = a && typeof a === 'object' ? a.port : 0;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function startNginx(bin: string, mediaRoot: string): Promise<{ url: string; proc: ChildProcess; dir: string }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'abr-bench-nginx-'));
  const conf = `
worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  open_file_cache max=1000 inactive=60s;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  types { video/iso.segment m4s; video/mp4 mp4; application/dash+xml mpd; }
  server {
    listen 127.0.0.1:${port};
    location /media/ { alias ${mediaRoot}/; add_header Access-Control-Allow-Origin *; add_header Cache-Control "public, max-age=31536000, immutable"; }
  }
}
`;
  writeFileSync(join(dir, 'nginx.conf'), conf);
  const proc = spawn(bin, ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  proc.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 50; i++) {
    try {
      const r = await fetch(`${url}/media/`);
      await r.arrayBuffer();
      return { url, proc, dir };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
    if (proc.exitCode !== null) break;
  }
  proc.kill();
  throw new Error(`nginx did not start: ${err.trim().slice(0, 300)}`);
}

interface Result {
  target: string;
  size: string;
  requestsPerSec: number;
  mibPerSec: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  ratioToNginx?: number;
}

async function wrk(bin: string, url: string, paths: string[], dir: string, seconds = o.duration): Promise<Omit<Result, 'target' | 'size'>> {
  const script = join(dir, `paths-${Math.random().toString(36).slice(2)}.lua`);
  writeFileSync(
    script,
    `local paths = { ${paths.map((p) => JSON.stringify(p)).join(', ')} }
local counter = 0
function setup(thread) counter = counter + 1; thread:set("id", counter) end
function init(args) math.randomseed(os.time() + id * 7919) end
request = function() return wrk.format("GET", paths[math.random(#paths)]) end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("JSON {\\"requests\\":%d,\\"bytes\\":%d,\\"duration_us\\":%d,\\"p50_us\\":%d,\\"p99_us\\":%d,\\"errors\\":%d}\\n",
    summary.requests, summary.bytes, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout + e.status))
end
`,
  );
  const { stdout } = await run(bin, ['-t', o.threads, '-c', o.connections, '-d', `${seconds}s`, '--timeout', '10s', '-s', script, url], { maxBuffer: 1 << 20 });
  const line = stdout.split('\n').find((l) => l.startsWith('JSON '));
  if (!line) throw new Error(`wrk printed no summary:\n${stdout}`);
  const j = JSON.parse(line.slice(5)) as { requests: number; bytes: number; duration_us: number; p50_us: number; p99_us: number; errors: number };
  const sec = j.duration_us / 1e6;
  return { requestsPerSec: j.requests / sec, mibPerSec: j.bytes / sec / 2 ** 20, p50Ms: j.p50_us / 1000, p99Ms: j.p99_us / 1000, errors: j.errors };
}

async function main(): Promise<void> {
  const wrkBin = which('wrk');
  if (!wrkBin) throw new Error('wrk not found: install it (apt-get install wrk) — .ci/run does this in CI');
  const media = await benchMedia();
  const avg = (paths: string[]) => paths.reduce((a, p) => a + statSync(join(media.root, p.replace('/media/', ''))).size, 0) / paths.length;
  console.log(`files: ${media.big.length} × ${(avg(media.big) / 1024).toFixed(0)} KiB, ${media.small.length} × ${(avg(media.small) / 1024).toFixed(0)} KiB; wrk -t${o.threads} -c${o.connections} -d${o.duration}s, random paths`);
  const stack = await startStack({ mediaDir: media.root, edges: 1, logLevel: 'silent' });
  const edge = stack.edges[0]!.url;
  for (const p of [...media.big, ...media.small]) await (await fetch(`${edge}${p}`)).arrayBuffer(); // hot cache
  const nginxBin = which('nginx');
  let nginx: Awaited<ReturnType<typeof startNginx>> | null = null;
  let bare: Awaited<ReturnType<typeof startBareNode>> | null = null;
  const scratch = mkdtempSync(join(tmpdir(), 'abr-bench-wrk-'));
  try {
    if (nginxBin) nginx = await startNginx(nginxBin, media.root);
    else console.log('nginx not installed: comparison skipped');
    bare = await startBareNode(media.root, [...media.big, ...media.small]);
    const targets: Array<[string, string]> = [['edge (hot cache)', edge], ['origin', stack.originUrl], ['bare node:http', bare.url]];
    if (nginx) targets.push(['nginx', nginx.url]);
    const results: Result[] = [];
    // 1 s warm-up per target (JIT, connection pools, page cache) before anything is measured
    for (const [, url] of targets) await wrk(wrkBin, url, [...media.big, ...media.small], scratch, '1');
    for (const [size, paths] of [['1 MiB', media.big], ['100 KiB', media.small]] as const) {
      for (const [target, url] of targets) {
        const r = await wrk(wrkBin, url, paths, scratch);
        results.push({ target, size, ...r });
      }
      const ng = results.find((r) => r.size === size && r.target === 'nginx');
      if (ng && ng.errors > 0) console.log(`nginx had ${ng.errors} errors at ${size}: see its error.log; ratios left out`);
      for (const r of results.filter((x) => x.size === size)) if (ng && ng.errors === 0) r.ratioToNginx = r.mibPerSec / ng.mibPerSec;
    }
    console.log('\nsize     target             req/s     MiB/s    p50 ms   p99 ms  errors  vs nginx');
    for (const r of results) {
      console.log(
        `${r.size.padEnd(8)} ${r.target.padEnd(17)} ${r.requestsPerSec.toFixed(0).padStart(7)} ${r.mibPerSec.toFixed(1).padStart(9)} ${r.p50Ms.toFixed(2).padStart(8)} ${r.p99Ms.toFixed(2).padStart(8)} ${String(r.errors).padStart(7)}  ${r.ratioToNginx === undefined ? '   -' : `${r.ratioToNginx.toFixed(2)}×`}`,
      );
    }
    const edgeBig = results.find((r) => r.size === '1 MiB' && r.target.startsWith('edge'));
    const edgeSmall = results.find((r) => r.size === '100 KiB' && r.target.startsWith('edge'));
    if (nginx && edgeBig?.ratioToNginx !== undefined && edgeSmall?.ratioToNginx !== undefined) {
      console.log(`\ntargets: edge ≥ 1.0× nginx at 1 MiB: ${edgeBig.ratioToNginx.toFixed(2)}× ${edgeBig.ratioToNginx >= 1 ? 'met' : 'MISSED'}; ≥ 0.8× at 100 KiB: ${edgeSmall.ratioToNginx.toFixed(2)}× ${edgeSmall.ratioToNginx >= 0.8 ? 'met' : 'MISSED'}`);
      for (const size of ['1 MiB', '100 KiB']) {
        const b = results.find((r) => r.size === size && r.target === 'bare node:http');
        const e = results.find((r) => r.size === size && r.target.startsWith('edge'));
        if (b?.ratioToNginx !== undefined && e) console.log(`  ${size}: bare node:http is ${b.ratioToNginx.toFixed(2)}× nginx; the edge is ${(e.mibPerSec / b.mibPerSec).toFixed(2)}× bare node:http`);
      }
    }
    console.log('(one machine: wrk, the servers and anything else running share the CPU; compare within one run)');
    if (o.json) {
      writeFileSync(o.json, JSON.stringify({ wrk: { threads: Number(o.threads), connections: Number(o.connections), durationSec: Number(o.duration) }, files: { big: media.big.length, bigAvgBytes: avg(media.big), small: media.small.length, smallAvgBytes: avg(media.small) }, results }, null, 2));
      console.log(`figures written to ${o.json}`);
    }
  } finally {
    nginx?.proc.kill('SIGTERM');
    if (nginx) rmSync(nginx.dir, { recursive: true, force: true });
    bare?.server.close();
    bare?.server.closeAllConnections();
    await stack.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`bench:serve: ${(err as Error).message}`);
    process.exit(1);
  },
);
