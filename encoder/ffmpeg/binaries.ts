/**
 * Where the ffmpeg / ffprobe binaries are: FFMPEG_PATH / FFPROBE_PATH win, else the
 * static builds shipped by @ffmpeg-installer / @ffprobe-installer. npm 11 may skip their
 * postinstall chmod (and ffprobe ships as 0744), so make them executable on first use.
 */
import { accessSync, chmodSync, constants, existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import ffmpeg from 'fluent-ffmpeg';

const require = createRequire(import.meta.url);

function ensureExecutable(path: string): void {
  try {
    accessSync(path, constants.X_OK);
    return;
  } catch {
    // fall through: try to fix the mode (works when we own the file)
  }
  try {
    if (existsSync(path) && (statSync(path).mode & 0o111) !== 0o111) chmodSync(path, 0o755);
  } catch {
    // Not ours to chmod: the spawn error below names the path, which is the useful hint.
  }
}

function resolveBinary(envVar: string, pkg: string): string {
  const fromEnv = process.env[envVar];
  if (fromEnv) return fromEnv;
  const { path } = require(pkg) as { path: string };
  ensureExecutable(path);
  return path;
}

let resolved: { ffmpeg: string; ffprobe: string } | null = null;

export function binaries(): { ffmpeg: string; ffprobe: string } {
  if (!resolved) {
    resolved = {
      ffmpeg: resolveBinary('FFMPEG_PATH', '@ffmpeg-installer/ffmpeg'),
      ffprobe: resolveBinary('FFPROBE_PATH', '@ffprobe-installer/ffprobe'),
    };
    ffmpeg.setFfmpegPath(resolved.ffmpeg);
    ffmpeg.setFfprobePath(resolved.ffprobe);
  }
  return resolved;
}
