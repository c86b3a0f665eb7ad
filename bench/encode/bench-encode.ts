/**
 * `npm run bench:encode [-- --json FILE] [--duration 4] [--preset veryfast] [--repeat 1]`
 *
 * Encodes a fixed synthetic 4K clip (3840x2160, 24 fps, motion + tone) three ways in the
 * same run and compares wall times:
 *   ours  – the CLI (encodeTitle): one ffmpeg (decode once, split to 7 rungs) + thumbnails, poster,
 *           segment measurement, manifests, verification and atomic publish;
 *   (a)   – one hand-written ffmpeg command with the same ladder and x264 settings
 *           (split to all rungs, DASH muxer), nothing else;
 *   (b)   – one ffmpeg process per rung (each decodes the source itself), run concurrently.
 * Targets: ours ≤ 1.05 × (a), and (b) / ours ≥ 1.6. CPU time (GNU time) is reported too:
 * on a shared machine wall time favours (b), whose 7 processes get a bigger share of the CPUs.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { fileURLToPath } from 'node:url';
import { binaries, chooseLadder, makeDemoSource } from '../../encoder/index.ts';
import type { Rung } from '../../encoder/ladder/ladder.ts';

const program = new Command()
  .option('--json <file>', 'also write the figures as JSON to this file')
  .option('--duration <sec>', 'clip length in seconds', '4')
  .option('--preset <preset>', 'x264 preset for every variant', 'veryfast')
  .option('--segment-duration <sec>', 'segment duration', '2')
  .option('--repeat <n>', 'runs per variant (median reported)', '1')
  .parse(process.argv.slice(2), { from: 'user' });
const o = program.opts<{ json?: string; duration: string; preset: string; segmentDuration: string; repeat: string }>();
const DURATION = Number(o.duration);
const D = Number(o.segmentDuration);
const REPEAT = Math.max(1, Number(o.repeat));
const FPS = 24;
const REPO_ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const W = 3840;
const H = 2160;

interface Usage {
  wallSec: number;
  /** user + system CPU seconds of the process and its children (null when /usr/bin/time is missing). */
  cpuSec: number | null;
}

const GNU_TIME = '/usr/bin/time';
const haveGnuTime = existsSync(GNU_TIME);

/**
 * Run a command and measure its CPU time with GNU time: the machine may be shared, and
 * wall time alone then favours variants that run more processes (they get a bigger share).
 */
function runMeasured(bin: string, args: string[]): Promise<Usage> {
  return new Promise((resolve, reject) => {
    const usageFile = join(tmpdir(), `bench-usage-${process.pid}-${Math.random().toString(16).slice(2)}`);
    const [cmd, argv] = haveGnuTime ? [GNU_TIME, ['-f', '%U %S', '-o', usageFile, bin, ...args]] : [bin, args];
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', async (code) => {
      const wallSec = Number(process.hrtime.bigint() - t0) / 1e9;
      if (code !== 0) {
        reject(new Error(`${bin} exited ${code}: ${err.slice(-500)}`));
        return;
      }
      let cpuSec: number | null = null;
      if (haveGnuTime) {
        const [u, sys] = (await readFile(usageFile, 'utf8')).trim().split(/\s+/).slice(-2).map(Number);
        cpuSec = (u ?? 0) + (sys ?? 0);
        await rm(usageFile, { force: true });
      }
      resolve({ wallSec, cpuSec });
    });
  });
}

const runFfmpeg = (args: string[]): Promise<Usage> =>
  runMeasured(binaries().ffmpeg, ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...args]);

/** x264 settings shared by every variant (what the encoder uses). */
function x264Args(gop: number, rung: Rung, index: number | null): string[] {
  const s = index === null ? '' : `:${index}`;
  return [
    '-c:v', 'libx264', '-preset', o.preset, '-profile:v', 'high', '-pix_fmt', 'yuv420p',
    '-g', String(gop), '-keyint_min', String(gop), '-sc_threshold', '0', '-flags', '+cgop',
    '-force_key_frames', `expr:gte(t,n_forced*${D})`,
    `-b:v${s}`, String(rung.targetBitrateBps), `-maxrate:v${s}`, String(rung.maxrateBps), `-bufsize:v${s}`, String(rung.bufsizeBits),
  ];
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

async function main(): Promise<void> {
  const cacheDir = join(process.cwd(), '.cache', 'bench');
  await mkdir(cacheDir, { recursive: true });
  // Stored like a real 4K master (High profile, CABAC, B-frames, crf 18), not as a cheap
  // ultrafast intermediate: how much a decode costs is what "decode once" saves.
  const source = join(cacheDir, `bench-4k-${DURATION}s-veryfast-crf18.mp4`);
  if (!existsSync(source)) {
    console.log(`making the fixed synthetic 4K source (${W}x${H}, ${DURATION} s, H.264 High crf 18) …`);
    const tmp = `${source}.tmp.mp4`;
    await makeDemoSource(tmp, { durationSec: DURATION, width: W, height: H, frameRate: FPS, preset: 'veryfast', crf: 18 });
    await rename(tmp, source);
  }
  const rungs = chooseLadder({ displayWidth: W, displayHeight: H, frameRate: FPS });
  const gop = Math.ceil(FPS * D);
  const work = await mkdtemp(join(tmpdir(), 'bench-encode-'));

  // Ours exactly as users run it: the CLI (probe, one ffmpeg, measure, manifests, thumbnails, verify, publish).
  const ours = async (): Promise<Usage> => {
    const mediaDir = join(work, `ours-${Date.now()}`);
    const u = await runMeasured(process.execPath, [
      '--import', 'tsx', join(REPO_ROOT, 'encoder', 'cli.ts'), source, '--id', 'bench', '--media-dir', mediaDir,
      '--segment-duration', String(D), '--preset', o.preset, '--json',
    ]);
    await rm(mediaDir, { recursive: true, force: true });
    return u;
  };

  // (a) written out by hand, the way one would type it: a scaler cascade → one DASH output.
  const handWritten = async (): Promise<Usage> => {
    const out = join(work, `a-${Date.now()}`);
    await mkdir(out);
    const n = rungs.length;
    // Same settings as ours, typed out: each rung scaled from the one above (rungs are listed ascending).
    const graph = rungs
      .map((r, i) => {
        const from = i === n - 1 ? '[0:v]' : `[c${i + 1}]`;
        const scaled = `${from}scale=${r.width}:${r.height}:flags=bicubic,setsar=1,format=yuv420p`;
        return i === 0 ? `${scaled}[v0]` : `${scaled},split=2[v${i}][c${i}]`;
      })
      .reverse()
      .join(';');
    const args = ['-i', source, '-filter_complex', graph];
    rungs.forEach((_, i) => args.push('-map', `[v${i}]`));
    args.push('-map', '0:a');
    args.push('-c:v', 'libx264', '-preset', o.preset, '-profile:v', 'high', '-pix_fmt', 'yuv420p', '-g', String(gop), '-keyint_min', String(gop), '-sc_threshold', '0', '-flags', '+cgop', '-force_key_frames', `expr:gte(t,n_forced*${D})`);
    rungs.forEach((r, i) => args.push(`-b:v:${i}`, String(r.targetBitrateBps), `-maxrate:v:${i}`, String(r.maxrateBps), `-bufsize:v:${i}`, String(r.bufsizeBits)));
    args.push('-c:a', 'aac', '-b:a', '128000', '-ac', '2', '-ar', '48000');
    args.push('-f', 'dash', '-seg_duration', String(D), '-adaptation_sets', 'id=0,streams=v id=1,streams=a', join(out, 'manifest.mpd'));
    const u = await runFfmpeg(args);
    await rm(out, { recursive: true, force: true });
    return u;
  };

  // (b) one process per rung, all started at once (each decodes the 4K source on its own).
  const perRung = async (): Promise<Usage> => {
    const out = join(work, `b-${Date.now()}`);
    const t0 = process.hrtime.bigint();
    const usages = await Promise.all(
      rungs.map(async (r, i) => {
        const args = ['-i', source, '-vf', `scale=${r.width}:${r.height},setsar=1,format=yuv420p`, ...x264Args(gop, r, null)];
        if (i === 0) args.push('-map', '0:v', '-map', '0:a', '-c:a', 'aac', '-b:a', '128000', '-ac', '2', '-ar', '48000');
        else args.push('-an');
        // A folder per process: the DASH muxer's file names would collide otherwise.
        args.push('-f', 'dash', '-seg_duration', String(D), join(out, r.id, 'manifest.mpd'));
        await mkdir(join(out, r.id), { recursive: true });
        return runFfmpeg(args);
      }),
    );
    const wallSec = Number(process.hrtime.bigint() - t0) / 1e9;
    await rm(out, { recursive: true, force: true });
    const cpu = usages.every((u) => u.cpuSec !== null) ? usages.reduce((a, u) => a + u.cpuSec!, 0) : null;
    return { wallSec, cpuSec: cpu };
  };

  const runs = { ours: [] as Usage[], handWritten: [] as Usage[], perRung: [] as Usage[] };
  for (let i = 0; i < REPEAT; i++) {
    // Interleave the variants so background load hits all of them alike.
    runs.handWritten.push(await handWritten());
    runs.ours.push(await ours());
    runs.perRung.push(await perRung());
    const f = (u: Usage): string => `${u.wallSec.toFixed(2)} s wall${u.cpuSec !== null ? ` / ${u.cpuSec.toFixed(1)} s CPU` : ''}`;
    console.log(`run ${i + 1}/${REPEAT}: ours ${f(runs.ours.at(-1)!)}, (a) ${f(runs.handWritten.at(-1)!)}, (b) ${f(runs.perRung.at(-1)!)}`);
  }
  await rm(work, { recursive: true, force: true });
  const wall = (us: Usage[]): number => median(us.map((u) => u.wallSec));
  const cpu = (us: Usage[]): number | null => (us.every((u) => u.cpuSec !== null) ? median(us.map((u) => u.cpuSec!)) : null);
  const ourWall = wall(runs.ours);
  const aWall = wall(runs.handWritten);
  const bWall = wall(runs.perRung);
  const [ourCpu, aCpu, bCpu] = [cpu(runs.ours), cpu(runs.handWritten), cpu(runs.perRung)];
  const result = {
    clip: { width: W, height: H, fps: FPS, durationSec: DURATION, rungs: rungs.map((r) => r.id), preset: o.preset, segmentDurationSec: D },
    repeat: REPEAT,
    oursWallSec: round(ourWall),
    realtimeFactor: round(DURATION / ourWall),
    handWrittenWallSec: round(aWall),
    perRungWallSec: round(bWall),
    ratioVsHandWritten: round(ourWall / aWall),
    speedupVsPerRung: round(bWall / ourWall),
    targets: { ratioVsHandWrittenMax: 1.05, speedupVsPerRungMin: 1.6 },
    meetsTargets: ourWall / aWall <= 1.05 && bWall / ourWall >= 1.6,
    cpuSec: { ours: ourCpu, handWritten: aCpu, perRung: bCpu },
    cpuRatioVsHandWritten: ourCpu !== null && aCpu ? round(ourCpu / aCpu) : null,
    cpuSpeedupVsPerRung: ourCpu && bCpu !== null ? round(bCpu / ourCpu) : null,
    cpus: (await import('node:os')).cpus().length,
    loadAvg: (await import('node:os')).loadavg().map(round),
  };
  console.log(`
encode benchmark: synthetic ${W}x${H} ${FPS} fps, ${DURATION} s, ${rungs.length} rungs, preset ${o.preset}
  ours (encodeTitle)           ${result.oursWallSec.toFixed(2)} s   ${result.realtimeFactor.toFixed(2)}× realtime
  (a) hand-written 1 command   ${result.handWrittenWallSec.toFixed(2)} s   ours/(a) = ${result.ratioVsHandWritten.toFixed(3)}  (target ≤ 1.05)
  (b) one process per rung     ${result.perRungWallSec.toFixed(2)} s   (b)/ours = ${result.speedupVsPerRung.toFixed(2)}× (target ≥ 1.6)
  CPU time (independent of other load): ours ${fmt(ourCpu)} s, (a) ${fmt(aCpu)} s, (b) ${fmt(bCpu)} s` +
    ` → ours/(a) = ${fmt(result.cpuRatioVsHandWritten, 3)}, (b)/ours = ${fmt(result.cpuSpeedupVsPerRung)}×
  load average ${result.loadAvg.join(' ')} on ${result.cpus} CPUs${result.meetsTargets ? '' : '  — wall-time targets NOT met in this run'}`);
  if (o.json) {
    await writeFile(o.json, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`wrote ${o.json}`);
  }
}

const round = (n: number): number => Math.round(n * 1000) / 1000;
const fmt = (n: number | null, digits = 2): string => (n === null ? 'n/a' : n.toFixed(digits));

main().catch((err: unknown) => {
  console.error(`error: ${(err as Error).message}`);
  process.exitCode = 1;
});
