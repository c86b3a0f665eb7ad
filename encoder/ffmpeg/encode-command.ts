/**
 * Pure: build the ONE ffmpeg command that decodes the source once and fans it out
 * (split filter) to every rung, the audio rendition, the trick-play sprites and the poster.
 * Keyframes are forced at every segment boundary with scene-cut detection off, so
 * segments line up across rungs; the DASH muxer writes one shared set of fMP4 segments,
 * which we later rename and describe with our own manifests.
 */
import type { Rung } from '../ladder/ladder.ts';

export interface FfmpegInput {
  source: string;
  options: string[];
}
export interface FfmpegOutput {
  target: string;
  options: string[];
}
export interface FfmpegCommand {
  inputs: FfmpegInput[];
  filterComplex: string;
  outputs: FfmpegOutput[];
}

export interface ThumbnailPlan {
  intervalSec: number;
  width: number;
  height: number;
  columns: number;
  rows: number;
  /** printf pattern for the sprite files, e.g. "<dir>/sprite-%03d.jpg". */
  pattern: string;
}

export interface PosterPlan {
  atSec: number;
  width: number;
  height: number;
  file: string;
}

export interface EncodePlan {
  input: string;
  /** Extra input options, e.g. ["-f", "lavfi"]. */
  inputOptions?: string[];
  videoStreamIndex: number;
  audioStreamIndex: number | null;
  /** Stop after this many seconds of source (tests, benches). */
  durationLimitSec?: number;
  rungs: Rung[];
  frameRate: number;
  segmentDurationSec: number;
  preset: string;
  audioBitrateBps: number;
  /** Audio length in 48 kHz samples: audio is padded with silence / trimmed to the picture's length. */
  audioSamples?: number;
  /** Folder the DASH muxer writes raw init/segments (and its own throw-away MPD) into. */
  rawDir: string;
  thumbnails: ThumbnailPlan | null;
  poster: PosterPlan | null;
}

/** Names the DASH muxer gives its files; $RepresentationID$ is the output stream index. */
export const RAW_INIT_NAME = 'init-$RepresentationID$.m4s';
export const RAW_MEDIA_NAME = 'chunk-$RepresentationID$-$Number%05d$.m4s';
export function rawInitFile(streamIndex: number): string {
  return `init-${streamIndex}.m4s`;
}
export function rawSegmentFile(streamIndex: number, number: number): string {
  return `chunk-${streamIndex}-${String(number).padStart(5, '0')}.m4s`;
}

/** Frames between forced keyframes; x264 places no extra keyframe as long as -g is not reached. */
export function gopFrames(frameRate: number, segmentDurationSec: number): number {
  return Math.max(1, Math.ceil(frameRate * segmentDurationSec));
}

/**
 * The rungs' scalers as a cascade: the top rung is scaled from the decoded source, every lower rung from the
 * rung above it. Scaling runs in ffmpeg's single filter thread, and seven scalers reading 4K frames were
 * the pipeline's serial bottleneck; from the rung above, each scaler reads a frame a half to a quarter the
 * size. Each step is a modest ratio (≤ 1.5× per side), so bicubic loses nothing visible. Outputs `[v<i>]`
 * for rung i of `rungs` (any order).
 */
export function scaleCascade(rungs: ReadonlyArray<{ width: number; height: number }>, input: string): string[] {
  const order = rungs.map((r, i) => ({ r, i })).sort((a, b) => b.r.height - a.r.height || b.r.width - a.r.width);
  const graph: string[] = [];
  let from = input;
  order.forEach(({ r, i }, k) => {
    // setsar=1: the rung's width already carries the source's display aspect ratio.
    const scaled = `${from}scale=${r.width}:${r.height}:flags=bicubic,setsar=1,format=yuv420p`;
    if (k === order.length - 1) graph.push(`${scaled}[v${i}]`);
    else {
      graph.push(`${scaled},split=2[v${i}][c${i}]`);
      from = `[c${i}]`;
    }
  });
  return graph;
}

export function buildEncodeCommand(plan: EncodePlan): FfmpegCommand {
  const n = plan.rungs.length;
  if (n === 0) throw new Error('buildEncodeCommand: no rungs');
  const extra = (plan.thumbnails ? 1 : 0) + (plan.poster ? 1 : 0);
  const branches = 1 + extra;
  const splitLabels = Array.from({ length: branches }, (_, i) => `[s${i}]`).join('');
  const graph: string[] = [`[0:${plan.videoStreamIndex}]split=${branches}${splitLabels}`];
  graph.push(...scaleCascade(plan.rungs, '[s0]'));
  let branch = 1;
  if (plan.thumbnails) {
    const t = plan.thumbnails;
    graph.push(
      `[s${branch++}]fps=fps=1/${t.intervalSec}:round=near,scale=${t.width}:${t.height},setsar=1,tile=${t.columns}x${t.rows}[thumbs]`,
    );
  }
  if (plan.poster) {
    const p = plan.poster;
    // Pass exactly one frame (the first at or after atSec) so nothing queues behind the poster.
    graph.push(
      `[s${branch++}]select='isnan(prev_selected_t)*gte(t\\,${p.atSec.toFixed(3)})',scale=${p.width}:${p.height},setsar=1[poster]`,
    );
  }

  if (plan.audioStreamIndex !== null) {
    // async/first_pts: fill gaps and late starts with silence so audio and video segments line up;
    // apad + atrim: exactly as long as the picture, so both add up to the same duration.
    const n = plan.audioSamples;
    const fit = n ? `,apad=whole_len=${n},atrim=end_sample=${n}` : '';
    graph.push(`[0:${plan.audioStreamIndex}]aresample=48000:async=1:first_pts=0${fit}[aout]`);
  }

  const inputOptions = [...(plan.inputOptions ?? [])];
  if (plan.durationLimitSec !== undefined) inputOptions.push('-t', String(plan.durationLimitSec));

  const gop = gopFrames(plan.frameRate, plan.segmentDurationSec);
  const D = plan.segmentDurationSec;
  const dash: string[] = [];
  plan.rungs.forEach((_, i) => dash.push('-map', `[v${i}]`));
  if (plan.audioStreamIndex !== null) dash.push('-map', '[aout]');
  dash.push(
    '-c:v', 'libx264',
    '-preset', plan.preset,
    '-profile:v', 'high',
    '-pix_fmt', 'yuv420p',
    '-g', String(gop),
    '-keyint_min', String(gop),
    '-sc_threshold', '0',
    '-flags', '+cgop',
    '-force_key_frames', `expr:gte(t,n_forced*${D})`,
  );
  plan.rungs.forEach((rung, i) => {
    dash.push(
      `-b:v:${i}`, String(rung.targetBitrateBps),
      `-maxrate:v:${i}`, String(rung.maxrateBps),
      `-bufsize:v:${i}`, String(rung.bufsizeBits),
    );
  });
  if (plan.audioStreamIndex !== null) {
    dash.push('-c:a', 'aac', '-b:a', String(plan.audioBitrateBps), '-ac', '2', '-ar', '48000');
  }
  dash.push(
    '-max_muxing_queue_size', '4096',
    '-f', 'dash',
    '-seg_duration', String(D),
    '-use_template', '1',
    '-use_timeline', '1',
    '-dash_segment_type', 'mp4',
    '-adaptation_sets', plan.audioStreamIndex !== null ? 'id=0,streams=v id=1,streams=a' : 'id=0,streams=v',
    '-init_seg_name', RAW_INIT_NAME,
    '-media_seg_name', RAW_MEDIA_NAME,
  );
  const outputs: FfmpegOutput[] = [{ target: `${plan.rawDir}/ffmpeg.mpd`, options: dash }];
  if (plan.thumbnails) {
    outputs.push({
      target: plan.thumbnails.pattern,
      options: ['-map', '[thumbs]', '-c:v', 'mjpeg', '-q:v', '5', '-max_muxing_queue_size', '4096', '-f', 'image2'],
    });
  }
  if (plan.poster) {
    outputs.push({
      target: plan.poster.file,
      options: ['-map', '[poster]', '-frames:v', '1', '-c:v', 'mjpeg', '-q:v', '3', '-max_muxing_queue_size', '4096', '-f', 'image2'],
    });
  }
  return { inputs: [{ source: plan.input, options: inputOptions }], filterComplex: graph.join(';'), outputs };
}

/** The full argv (without the binary) — for logs, the benchmark's hand-written baseline and debugging. */
export function commandToArgv(cmd: FfmpegCommand, global: string[] = ['-hide_banner', '-nostdin', '-y']): string[] {
  const argv = [...global];
  for (const input of cmd.inputs) argv.push(...input.options, '-i', input.source);
  argv.push('-filter_complex', cmd.filterComplex);
  for (const out of cmd.outputs) argv.push(...out.options, out.target);
  return argv;
}
