/**
 * The command as users run it: one-line errors with a non-zero exit and no stack trace,
 * --json progress events, plain progress lines when not a TTY, and Ctrl-C (SIGINT) that
 * stops ffmpeg and leaves nothing behind.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeDemoSource } from '../../encoder/index.ts';
import { REPO_ROOT } from '../fixtures/encoded-title.ts';
import { snapshot } from './helpers.ts';

function cli(args: string[], onStdout?: (chunk: string, kill: (sig: NodeJS.Signals) => void) => void): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'encoder/cli.ts', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      onStdout?.(d.toString(), (sig) => child.kill(sig));
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

let src: string;
let mediaDir: string;
let clip: string;

beforeAll(async () => {
  src = await mkdtemp(join(tmpdir(), 'enc-cli-src-'));
  mediaDir = await mkdtemp(join(tmpdir(), 'enc-cli-media-'));
  clip = join(src, 'clip.mp4');
  await makeDemoSource(clip, { durationSec: 6, width: 426, height: 240 });
});

describe('npm run encode (CLI)', () => {
  it('bad input: one "error:" line naming the file, exit 1, no stack trace', async () => {
    const bad = join(src, 'notes.mp4');
    await writeFile(bad, 'not a video');
    const r = await cli([bad, '--media-dir', mediaDir]);
    expect(r.code).toBe(1);
    const lines = r.stderr.split('\n').filter((l) => l.trim());
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: .*notes\.mp4: not a readable video/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(await snapshot(mediaDir)).toEqual([]);
  });

  it('--json: one JSON object per progress event, then a done object; the title is published', async () => {
    const r = await cli([clip, '--id', 'json-run', '--media-dir', mediaDir, '--segment-duration', '2', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const progress = events.filter((e) => e.type === 'progress');
    expect(progress.length).toBeGreaterThan(1);
    for (const e of progress) {
      for (const k of ['percent', 'speed', 'fps', 'etaSec', 'phase', 'processedSec', 'durationSec']) expect(e).toHaveProperty(k);
    }
    expect(progress.some((e) => e.phase === 'encode')).toBe(true);
    expect(progress.at(-1)!.percent).toBe(100);
    expect(events.at(-1)).toMatchObject({ type: 'done', id: 'json-run' });
    expect((await snapshot(mediaDir)).some((l) => l.startsWith('json-run/master.m3u8'))).toBe(true);
  });

  it('not a TTY: plain progress lines; an existing id is refused with exit 1', async () => {
    const r = await cli([clip, '--id', 'json-run', '--media-dir', mediaDir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: .*json-run already exists; pass --force/);
    const forced = await cli([clip, '--id', 'json-run', '--media-dir', mediaDir, '--force', '--segment-duration', '2']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stderr).toMatch(/json-run encode \d+\.\d% .* speed \d+\.\d+x .* fps ETA/);
  });

  it('Ctrl-C (SIGINT) mid-encode: exit 130, nothing published, no staging left', async () => {
    const before = await snapshot(mediaDir);
    let sent = false;
    const r = await cli([clip, '--id', 'interrupted', '--media-dir', mediaDir, '--json'], (chunk, kill) => {
      if (!sent && chunk.includes('"phase":"encode"')) {
        sent = true;
        kill('SIGINT');
      }
    });
    expect(sent).toBe(true);
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/interrupted/);
    expect(await snapshot(mediaDir)).toEqual(before);
  });
});
