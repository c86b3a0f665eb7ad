/** Test helpers: independent checks with ffprobe and the file system (not the encoder's own readers). */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { binaries } from '../../encoder/index.ts';

export function run(bin: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(bin, args, { maxBuffer: 64 * 1024 * 1024, ...opts }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

export async function ffmpeg(args: string[]): Promise<void> {
  const r = await run(binaries().ffmpeg, ['-hide_banner', '-nostdin', '-v', 'error', '-y', ...args]);
  if (r.code !== 0) throw new Error(`ffmpeg ${args.join(' ')} failed: ${r.stderr}`);
}

export async function ffprobeJson(file: string, args: string[]): Promise<any> {
  const r = await run(binaries().ffprobe, ['-v', 'error', '-of', 'json', ...args, file]);
  if (r.code !== 0) throw new Error(`ffprobe ${file} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Concatenate init + media segments of a rendition into one playable fMP4 file. */
export async function joinRendition(titleDir: string, init: string, segments: string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'enc-test-'));
  const parts = [await readFile(join(titleDir, init))];
  for (const s of segments) parts.push(await readFile(join(titleDir, s)));
  const out = join(dir, 'joined.mp4');
  await writeFile(out, Buffer.concat(parts));
  return out;
}

export async function videoPackets(file: string): Promise<Array<{ pts: number; key: boolean }>> {
  const j = await ffprobeJson(file, ['-select_streams', 'v:0', '-show_entries', 'packet=pts_time,flags']);
  return (j.packets as Array<{ pts_time: string; flags: string }>).map((p) => ({ pts: Number(p.pts_time), key: p.flags.includes('K') }));
}

/** Every file under dir (relative paths, sorted) with sizes: a cheap "was anything touched" snapshot. */
export async function snapshot(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        out.push(`${relative(dir, p)}/`);
        await walk(p);
      } else out.push(`${relative(dir, p)} ${(await stat(p)).size} ${(await stat(p)).mtimeMs}`);
    }
  };
  await walk(dir);
  return out.sort();
}

export async function listFiles(dir: string): Promise<string[]> {
  return (await snapshot(dir)).filter((l) => !l.endsWith('/')).map((l) => l.split(' ')[0]!);
}
