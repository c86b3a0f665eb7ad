/**
 * I/O edge: run an FfmpegCommand through fluent-ffmpeg, turn its progress lines into
 * EncodeProgress events, count decode errors (to tell "a few bad frames" from a corrupt
 * file) and kill ffmpeg when the caller aborts (Ctrl-C, kill, test timeout).
 */
import ffmpeg from 'fluent-ffmpeg';
import { binaries } from './binaries.ts';
import type { FfmpegCommand } from './encode-command.ts';

export interface FfmpegProgress {
  /** Seconds of source processed so far. */
  processedSec: number;
  fps: number;
  frames: number;
}

export interface FfmpegResult {
  decodeErrors: number;
  decodeErrorSamples: string[];
  stderrTail: string[];
}

const DECODE_ERROR = /error while decoding|invalid data found|corrupt (?:frame|input|decoded)|concealing \d+|decode_slice_header error|missing reference|Error splitting the input|Packet corrupt|partial file|illegal|Invalid NAL/i;

export function parseTimemark(mark: string | undefined): number {
  if (!mark) return 0;
  const m = /^(-?\d+):(\d+):(\d+(?:\.\d+)?)$/.exec(mark);
  if (!m) return Number(mark) || 0;
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
}

function spread(fn: (...o: string[]) => unknown, options: string[]): void {
  fn(...options);
}

export function runFfmpeg(
  cmd: FfmpegCommand,
  opts: { onProgress?: (p: FfmpegProgress) => void; signal?: AbortSignal } = {},
): Promise<FfmpegResult> {
  binaries();
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) {
      reject(opts.signal.reason ?? new Error('aborted'));
      return;
    }
    const command = ffmpeg({ stdoutLines: 50 } as ffmpeg.FfmpegCommandOptions);
    cmd.inputs.forEach((input, i) => {
      command.input(input.source);
      const options = i === 0 ? ['-hide_banner', '-nostdin', ...input.options] : input.options;
      // Several arguments at once: fluent-ffmpeg then never splits values that contain spaces.
      if (options.length > 1) spread(command.inputOptions.bind(command), options);
      else if (options.length === 1) command.inputOptions(options as string[]);
    });
    command.complexFilter(cmd.filterComplex);
    for (const out of cmd.outputs) {
      command.output(out.target);
      if (out.options.length > 1) spread(command.outputOptions.bind(command), out.options);
      else if (out.options.length === 1) command.outputOptions(out.options);
    }
    let decodeErrors = 0;
    const samples: string[] = [];
    const tail: string[] = [];
    command.on('stderr', (line: string) => {
      tail.push(line);
      if (tail.length > 40) tail.shift();
      if (DECODE_ERROR.test(line)) {
        decodeErrors += 1;
        if (samples.length < 5) samples.push(line.trim());
      }
    });
    command.on('progress', (p: { frames?: number; currentFps?: number; timemark?: string }) => {
      opts.onProgress?.({ processedSec: parseTimemark(p.timemark), fps: p.currentFps ?? 0, frames: p.frames ?? 0 });
    });
    let settled = false;
    const onAbort = (): void => {
      command.kill('SIGKILL');
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    command.on('error', (err: Error) => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      if (opts.signal?.aborted) {
        reject(opts.signal.reason ?? new Error('aborted'));
        return;
      }
      reject(Object.assign(new Error(`ffmpeg failed: ${err.message.split('\n')[0]}`), { stderrTail: tail.slice(), decodeErrors }));
    });
    command.on('end', () => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      resolve({ decodeErrors, decodeErrorSamples: samples, stderrTail: tail.slice() });
    });
    command.run();
  });
}
