/**
 * `npm run encode -- <input> [options]` and `npm run encode -- --demo`.
 * User errors print one line (file + reason) and exit non-zero without a stack trace;
 * Ctrl-C / kill stop ffmpeg and remove the staging folder, so nothing half-made is left.
 */
import { Command, InvalidArgumentError } from 'commander';
import { mkdir, rename, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import pino from 'pino';
import { encodeTitle, isEncodeError, makeDemoSource, DEFAULTS } from './index.ts';
import { createProgressReporter, type ProgressMode } from './progress/progress-reporter.ts';

/** 4K through seven rungs is heavy on 2 cores: the demo trades a little quality for ~2x speed (still High profile). */
const DEMO_PRESET = 'superfast';
export const DEMO = { id: 'demo', title: 'Demo (synthetic 4K)', durationSec: 20, width: 3840, height: 2160, frameRate: 24 };

const intArg = (name: string) => (v: string): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive number`);
  return n;
};

/** A slug from the file name: "Tears of Steel.webm" → "tears-of-steel". */
export function slugFromFile(file: string): string {
  const slug = basename(file, extname(file)).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64);
  return slug || 'title';
}

async function main(argv: string[]): Promise<number> {
  const program = new Command()
    .name('npm run encode --')
    .description('Encode a video into a CMAF ladder (240p-2160p) described by HLS and DASH, in <media-dir>/<id>/')
    .argument('[input]', 'source video file')
    .option('--id <slug>', 'title id (folder name); default: from the file name')
    .option('--title <name>', 'display title; default: the id')
    .option('--max-height <p>', 'highest rung (short side)', intArg('--max-height'), DEFAULTS.maxHeight)
    .option('--segment-duration <sec>', 'segment duration in seconds', intArg('--segment-duration'), DEFAULTS.segmentDurationSec)
    .option('--media-dir <dir>', 'folder holding titles', DEFAULTS.mediaDir)
    .option('--force', 'replace an existing title of the same id', false)
    .option('--demo', 'make a synthetic 3840x2160 ~20 s source (motion + tone) and encode it as id "demo"', false)
    .option('--preset <x264preset>', `x264 preset (default ${DEFAULTS.preset}; ${DEMO_PRESET} for --demo)`)
    .option('--duration-limit <sec>', 'encode only the first N seconds', intArg('--duration-limit'))
    .option('--json', 'one JSON object per progress event on stdout', false)
    .showHelpAfterError()
    .exitOverride();
  try {
    program.parse(argv, { from: 'user' });
  } catch (err) {
    const code = (err as { exitCode?: number }).exitCode ?? 2;
    return code;
  }
  const opts = program.opts<{
    id?: string; title?: string; maxHeight: number; segmentDuration: number; mediaDir: string; force: boolean;
    demo: boolean; preset?: string; durationLimit?: number; json: boolean;
  }>();
  let input = program.args[0];
  const log = pino({ base: null, level: process.env.LOG_LEVEL ?? 'info' }, pino.destination(2));
  const mode: ProgressMode = opts.json ? 'json' : process.stderr.isTTY ? 'bar' : 'lines';

  const controller = new AbortController();
  let signalled: NodeJS.Signals | null = null;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (signalled) process.exit(130); // second Ctrl-C: give up now (the exit hook removes staging)
    signalled = sig;
    controller.abort(new Error(`received ${sig}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);

  let id = opts.id;
  let title = opts.title;
  if (opts.demo) {
    id ??= DEMO.id;
    title ??= DEMO.title;
    // Kept out of the media dir (servers list it) and reused by later --demo runs.
    const demoDir = join('.cache', 'demo');
    const demoFile = join(demoDir, `demo-${DEMO.width}x${DEMO.height}-${DEMO.durationSec}s.mp4`);
    const exists = await stat(demoFile).then(() => true, () => false);
    if (!exists) {
      await mkdir(demoDir, { recursive: true });
      log.info({ file: demoFile }, 'making the synthetic demo source (3840x2160, 20 s, lavfi)');
      const t0 = Date.now();
      const tmp = `${demoFile}.tmp-${process.pid}.mp4`;
      const reporter = createProgressReporter(mode, 'demo source');
      try {
        await makeDemoSource(tmp, DEMO, {
          signal: controller.signal,
          onProgress: (p) => {
            const elapsed = (Date.now() - t0) / 1000;
            const speed = elapsed > 0 ? p.processedSec / elapsed : 0;
            reporter.update({ phase: 'encode', percent: Math.min(100, (p.processedSec / p.durationSec) * 100), processedSec: p.processedSec, durationSec: p.durationSec, speed, fps: p.fps, etaSec: speed > 0 ? (p.durationSec - p.processedSec) / speed : null, elapsedSec: elapsed });
          },
        });
      } finally {
        reporter.stop();
      }
      await rename(tmp, demoFile);
      log.info({ file: demoFile, seconds: (Date.now() - t0) / 1000 }, 'demo source ready');
    }
    input = demoFile;
  }
  if (!input) {
    process.stderr.write('error: give an input video file (or --demo); see --help\n');
    return 2;
  }
  id ??= slugFromFile(input);
  const reporter = createProgressReporter(mode, id);
  const t0 = Date.now();
  try {
    const result = await encodeTitle({
      input,
      id,
      ...(title ? { title } : {}),
      maxHeight: opts.maxHeight,
      segmentDurationSec: opts.segmentDuration,
      mediaDir: opts.mediaDir,
      force: opts.force,
      preset: opts.preset ?? (opts.demo ? DEMO_PRESET : DEFAULTS.preset),
      ...(opts.durationLimit ? { durationLimitSec: opts.durationLimit } : {}),
      signal: controller.signal,
      onProgress: (p) => reporter.update(p),
      onWarning: (m) => log.warn(m),
    });
    reporter.stop();
    const wall = (Date.now() - t0) / 1000;
    const summary = {
      id: result.id,
      dir: join(opts.mediaDir, result.id),
      durationSec: result.durationSec,
      renditions: result.renditions.map((r) => `${r.id} ${r.width}x${r.height} ${Math.round(r.bitrateAvgBps / 1000)}k`),
      audio: result.audio ? result.audio.codecs : null,
      wallSec: Math.round(wall * 10) / 10,
      speed: Math.round((result.durationSec / wall) * 100) / 100,
    };
    if (opts.json) process.stdout.write(`${JSON.stringify({ type: 'done', ...summary })}\n`);
    else {
      process.stdout.write(
        `published ${summary.dir}: ${summary.renditions.join(', ')}${summary.audio ? ` + audio ${summary.audio}` : ''}` +
          ` — ${summary.durationSec} s encoded in ${summary.wallSec} s (${summary.speed}x realtime)\n`,
      );
    }
    return 0;
  } catch (err) {
    reporter.stop();
    if (signalled) {
      process.stderr.write(`error: interrupted (${signalled}); ${input}: nothing was published\n`);
      return signalled === 'SIGINT' ? 130 : 143;
    }
    if (isEncodeError(err)) {
      if (opts.json) process.stdout.write(`${JSON.stringify({ type: 'error', code: err.code, message: err.message })}\n`);
      process.stderr.write(`error: ${err.message}\n`);
      return 1;
    }
    process.stderr.write(`error: ${(err as Error).message ?? String(err)}\n`);
    if (process.env.DEBUG) process.stderr.write(`${(err as Error).stack ?? ''}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`error: ${(err as Error)?.message ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
