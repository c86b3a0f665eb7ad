/**
 * Pure + I/O: the synthetic demo source (ffmpeg lavfi) so a machine with no video at hand
 * still has something to watch. Real motion everywhere (testsrc2's moving pattern, a
 * Game-of-Life layer sliding across, a scrolling timecode) and an audio tone, so every
 * rung has work to do and the ABR has real bitrate differences to see.
 */
import type { FfmpegCommand } from '../ffmpeg/encode-command.ts';

export interface DemoSourceOptions {
  durationSec: number;
  width: number;
  height: number;
  frameRate?: number;
  /** Include the audio tone (default true). */
  audio?: boolean;
  /** x264 preset used to store the source (default ultrafast: the source is only an intermediate). */
  preset?: string;
  /** x264 CRF of the stored source (default 23). */
  crf?: number;
}

export function demoSourceCommand(outFile: string, o: DemoSourceOptions): FfmpegCommand {
  const fps = o.frameRate ?? 24;
  const w = o.width;
  const h = o.height;
  // The Life layer is computed small and scaled up (nearest neighbour) so generating it stays cheap.
  const lw = Math.max(64, Math.round(w / 8));
  const lh = Math.max(36, Math.round(h / 8));
  const inputs = [
    { source: `testsrc2=s=${w}x${h}:r=${fps}:d=${o.durationSec}`, options: ['-f', 'lavfi'] },
    { source: `life=s=${lw}x${lh}:r=${fps}:mold=10:ratio=0.2:life_color=#ffcc00:death_color=#202060:mold_color=#306030`, options: ['-f', 'lavfi'] },
  ];
  if (o.audio !== false) {
    inputs.push({ source: `sine=frequency=440:beep_factor=4:sample_rate=48000:duration=${o.durationSec}`, options: ['-f', 'lavfi'] });
  }
  const ow = 2 * Math.round(w / 4);
  const oh = 2 * Math.round(h / 4);
  const filter =
    `[1:v]scale=${ow}:${oh}:flags=neighbor,format=yuv420p[life];` +
    `[0:v][life]overlay=x='mod(t*${Math.round(w / 6)},${w - ow})':y='(H-h)/2+(H-h)/2*sin(t)':shortest=1,format=yuv420p[v]`;
  const options = ['-map', '[v]'];
  if (o.audio !== false) options.push('-map', '2:a', '-c:a', 'aac', '-b:a', '160k');
  options.push('-c:v', 'libx264', '-preset', o.preset ?? 'ultrafast', '-crf', String(o.crf ?? 23), '-t', String(o.durationSec), '-movflags', '+faststart', '-f', 'mp4');
  return { inputs, filterComplex: filter, outputs: [{ target: outFile, options }] };
}
