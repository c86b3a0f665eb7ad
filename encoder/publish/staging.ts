/**
 * I/O edge: "never lose anything". Encodes go into a hidden staging folder inside the
 * media dir (same filesystem, so the final rename is atomic); a title is published
 * with one rename, and --force swaps the old title aside first so readers always see
 * either the complete old or the complete new title. Leftovers of killed runs
 * (.staging-*, .replaced-*) are removed on the next run once their owner process is gone.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { EncodeError } from '../errors.ts';

const STAGING_PREFIX = '.staging-';
const REPLACED_PREFIX = '.replaced-';
const LEFTOVER = /^\.(?:staging|replaced)-.*-p(\d+)-[0-9a-f]+$/;

export function validateTitleId(id: string): void {
  if (!/^[a-z0-9][a-z0-9_-]{0,63}$/i.test(id)) {
    throw new EncodeError(`invalid id "${id}": use 1-64 letters, digits, "-" or "_" (it becomes a folder and a URL)`, 'bad-id');
  }
}

function pidAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Remove staging/replaced folders whose encoder process no longer exists. Returns what was removed. */
export async function cleanStaleStaging(mediaDir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(mediaDir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = LEFTOVER.exec(name);
    if (!m) continue;
    if (pidAlive(Number(m[1]))) continue;
    await rm(join(mediaDir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

function uniqueName(prefix: string, id: string): string {
  return `${prefix}${id}-p${process.pid}-${randomBytes(4).toString('hex')}`;
}

export async function titleExists(mediaDir: string, id: string): Promise<boolean> {
  try {
    await stat(join(mediaDir, id));
    return true;
  } catch {
    return false;
  }
}

export interface Staging {
  dir: string;
  /** Remove the staging folder (idempotent, safe to call from finally and exit hooks). */
  discard(): Promise<void>;
  discardSync(): void;
}

export async function createStaging(mediaDir: string, id: string): Promise<Staging> {
  await mkdir(mediaDir, { recursive: true });
  const dir = join(mediaDir, uniqueName(STAGING_PREFIX, id));
  await mkdir(dir);
  return {
    dir,
    discard: () => rm(dir, { recursive: true, force: true }),
    discardSync: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Atomically move a verified staging folder to media/<id>. */
export async function publishStaging(stagingDir: string, mediaDir: string, id: string, force: boolean): Promise<void> {
  const finalDir = join(mediaDir, id);
  if (!(await titleExists(mediaDir, id))) {
    try {
      await rename(stagingDir, finalDir);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
      // Someone published the same id meanwhile: fall through to the exists rule.
    }
  }
  if (!force) {
    throw new EncodeError(`${finalDir} already exists; pass --force to replace it`, 'exists');
  }
  const aside = join(mediaDir, uniqueName(REPLACED_PREFIX, id));
  await rename(finalDir, aside);
  try {
    await rename(stagingDir, finalDir);
  } catch (err) {
    await rename(aside, finalDir); // put the old title back: never lose it
    throw err;
  }
  await rm(aside, { recursive: true, force: true });
}
