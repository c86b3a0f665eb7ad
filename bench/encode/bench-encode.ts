/**
 * `npm run bench:encode [-- --json FILE] [--duration 4] [--preset veryfast] [--repeat 1]`
 *
 * Encodes a fixed synthetic 4K clip (3840x2160, 24 fps, motion + tone) three ways in the
 * same run and compares wall times:
 *   ours  – encodeTitle(): one ffmpeg (decode once, split to 7 rungs) + thumbnails, poster,
 *           segment measurement, manifests, verification and atomic publish;
 *   (a)   – one hand-written ffmpeg command with the same ladder and x264 settings
 *           (split to all rungs, DASH muxer), nothing else;
 *   (b)   – one ffmpeg process per rung (each decodes the source itself), run concurrently.
 * Targets: ours ≤ 1.05 × (a), and (b) / ours ≥ 1.6.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { binaries, chooseLadder, encodeTitle, makeDemoSource } from '../../encoder/index.ts';
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
const W = 3840;
const H = 2160;

function runFfmpeg(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(binaries().ffmpeg, ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited ${code}: ${err.slice(-500)}`))));
  });
}

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

async function timed(fn: () => Promise<void>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

async function main(): Promise<void> {
  const cacheDir = join(process.cwd(), '.cache', 'bench');
  await mkdir(cacheDir, { recursive: true });
  const source = join(cacheDir, `bench-4k-${DURATION}s.mp4`);
  if (!existsSync(source)) {
    console.log(`making the fixed synthetic 4K source (${W}x${H}, ${DURATION} s) …`);
    const tmp = `${source}.tmp.mp4`;
    await makeDemoSource(tmp, { durationSec: DURATION, width: W, height: H, frameRate: FPS });
    await rename(tmp, source);
  }
  const rungs = chooseLadder({ displayWidth: W, displayHeight: H, frameRate: FPS });
  const gop = Math.ceil(FPS * D);
  const work = await mkdtemp(join(tmpdir(), 'bench-encode-'));

  const ours = async (): Promise<void> => {
    const mediaDir = join(work, `ours-${Date.now()}`);
    await encodeTitle({ input: source, id: 'bench', mediaDir, segmentDurationSec: D, preset: o.preset, onWarning: () => {} });
    await rm(mediaDir, { recursive: true, force: true });
  };

  // (a) written out by hand, the way one would type it: split → scale per rung → one DASH output.
  const handWritten = async (): Promise<void> => {
    const out = join(work, `a-${Date.now()}`);
    await mkdir(out);
    const n = rungs.length;
    const graph =
      `[0:v]split=${n}${rungs.map((_, i) => `[s${i}]`).join('')};` +
      rungs.map((r, i) => `[s${i}]scale=${r.width}:${r.height},setsar=1,format=yuv420p[v${i}]`).join(';');
    const args = ['-i', source, '-filter_complex', graph];
    rungs.forEach((_, i) => args.push('-map', `[v${i}]`));
    args.push('-map', '0:a');
    args.push('-c:v', 'libx264', '-preset', o.preset, '-profile:v', 'high', '-pix_fmt', 'yuv420p', '-g', String(gop), '-keyint_min', String(gop), '-sc_threshold', '0', '-flags', '+cgop', '-force_key_frames', `expr:gte(t,n_forced*${D})`);
    rungs.forEach((r, i) => args.push(`-b:v:${i}`, String(r.targetBitrateBps), `-maxrate:v:${i}`, String(r.maxrateBps), `-bufsize:v:${i}`, String(r.bufsizeBits)));
    args.push('-c:a', 'aac', '-b:a', '128000', '-ac', '2', '-ar', '48000');
    args.push('-f', 'dash', '-seg_duration', String(D), '-adaptation_sets', 'id=0,streams=v id=1,streams=a', join(out, 'manifest.mpd'));
    await runFfmpeg(args);
    await rm(out, { recursive: true, force: true });
  };

  // (b) one process per rung, all started at once (each decodes the 4K source on its own).
  const perRung = async (): Promise<void> => {
    const out = join(work, `b-${Date.now()}`);
    await mkdir(out);
    await Promise.all(
      rungs.map((r, i) => {
        const args = ['-i', source, '-vf', `scale=${r.width}:${r.height},setsar=1,format=yuv420p`, ...x264Args(gop, r, null)];
        if (i === 0) args.push('-map', '0:v', '-map', '0:a', '-c:a', 'aac', '-b:a', '128000', '-ac', '2', '-ar', '48000');
        else args.push('-an');
        // A folder per process: the DASH muxer's file names would collide otherwise.
        args.push('-f', 'dash', '-seg_duration', String(D), join(out, r.id, 'manifest.mpd'));
        return mkdir(join(out, r.id), { recursive: true }).then(() => runFfmpeg(args));
      }),
    );
    await rm(out, { recursive: true, force: true });
  };

  const times = { ours: [] as number[], handWritten: [] as number[], perRung: [] as number[] };
  for (let i = 0; i < REPEAT; i++) {
    // Interleave the variants so background load hits all of them alike.
    times.handWritten.push(await timed(handWritten));
    times.ours.push(await timed(ours));
    times.perRung.push(await timed(perRung));
    console.log(`run ${i + 1}/${REPEAT}: ours ${times.ours.at(-1)!.toFixed(2)} s, (a) ${times.handWritten.at(-1)!.toFixed(2)} s, (b) ${times.perRung.at(-1)!.toFixed(2)} s`);
  }
  await rm(work, { recursive: true, force: true });
  const ourWall = median(times.ours);
  const aWall = median(times.handWritten);
  const bWall = median(times.perRung);
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
    cpus: (await import('node:os')).cpus().length,
    loadAvg: (await import('node:os')).loadavg().map(round),
  };
  console.log(`
encode benchmark: synthetic ${W}x${H} ${FPS} fps, ${DURATION} s, ${rungs.length} rungs, preset ${o.preset}
  ours (encodeTitle)           ${result.oursWallSec.toFixed(2)} s   ${result.realtimeFactor.toFixed(2)}× realtime
  (a) hand-written 1 command   ${result.handWrittenWallSec.toFixed(2)} s   ours/(a) = ${result.ratioVsHandWritten.toFixed(3)}  (target ≤ 1.05)
  (b) one process per rung     ${result.perRungWallSec.toFixed(2)} s   (b)/ours = ${result.speedupVsPerRung.toFixed(2)}× (target ≥ 1.6)
  load average ${result.loadAvg.join(' ')} on ${result.cpus} CPUs${result.meetsTargets ? '' : '  — targets NOT met in this run'}`);
  if (o.json) {
    await writeFile(o.json, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`wrote ${o.json}`);
  }
}

const round = (n: number): number => Math.round(n * 1000) / 1000;

main().catch((err: unknown) => {
  console.error(`error: ${(err as Error).message}`);
  process.exitCode = 1;
});
