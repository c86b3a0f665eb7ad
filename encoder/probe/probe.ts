/**
 * I/O edge: check the input file exists and is readable, run ffprobe, and hand the JSON
 * to the pure sourceFactsFromProbe. Every failure becomes a one-line EncodeError.
 */
import { execFile } from 'node:child_process';
import { access, constants, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { binaries } from '../ffmpeg/binaries.ts';
import { EncodeError } from '../errors.ts';
import { sourceFactsFromProbe, type ProbedSource, type ProbeJson } from './source-facts.ts';

export async function checkReadableFile(filePath: string): Promise<void> {
  let info;
  try {
    info = await stat(filePath);
  } catch {
    throw new EncodeError(`${filePath}: file not found; check the path`, 'missing');
  }
  if (!info.isFile()) throw new EncodeError(`${filePath}: unreadable (it is a directory or device, not a video file)`, 'unreadable');
  try {
    await access(filePath, constants.R_OK);
  } catch {
    throw new EncodeError(`${filePath}: file is not readable (permission denied); fix its permissions`, 'unreadable');
  }
  if (info.size === 0) throw new EncodeError(`${filePath}: file is empty (0 bytes)`, 'zero-duration');
}

export function runFfprobeJson(filePath: string, extra: string[] = []): Promise<{ json: unknown; stderr: string }> {
  const { ffprobe } = binaries();
  const args = ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', ...extra, filePath];
  return new Promise((resolve, reject) => {
    execFile(ffprobe, args, { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        reject(Object.assign(err, { stderr: String(stderr) }));
        return;
      }
      try {
        resolve({ json: JSON.parse(String(stdout)), stderr: String(stderr) });
      } catch (parseErr) {
        reject(parseErr);
      }
    });
  });
}

export async function probeSource(filePath: string): Promise<ProbedSource> {
  await checkReadableFile(filePath);
  let json: ProbeJson;
  try {
    // Absolute path: a relative name like "a:b.mp4" would otherwise be read as a protocol.
    json = (await runFfprobeJson(resolve(filePath))).json as ProbeJson;
  } catch (err) {
    const stderr = String((err as { stderr?: string }).stderr ?? '').trim();
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'EACCES') {
      throw new Error(`cannot run ffprobe (${(err as Error).message}); set FFPROBE_PATH or run npm install`);
    }
    const reason = /moov atom not found/i.test(stderr)
      ? 'moov atom not found: the MP4 is truncated or was never finished'
      : (lastMeaningfulLine(stderr) ?? 'ffprobe could not read it');
    throw new EncodeError(`${filePath}: not a readable video (${reason}); the file may be truncated, corrupt or not a video`, 'not-video');
  }
  return sourceFactsFromProbe(json, filePath);
}

export function lastMeaningfulLine(text: string): string | null {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const last = lines.pop();
  if (!last) return null;
  // Drop ffprobe's "<path>: " prefix so the path is not printed twice.
  return last.replace(/^.*?: (?=[A-Z])/, '');
}
