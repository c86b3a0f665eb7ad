/**
 * Reads Pensieve "cooked" traces: one `<time_s> <Mbit/s>` pair per line,
 * whitespace or tab separated, CRLF tolerated (the HSDPA files have CRLF).
 * Files are taken in byte order of their names, like the sorted listing the
 * reference results were produced from.
 */

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Trace } from './pensieve-env.ts';

export function parseTrace(name: string, text: string): Trace {
  const timeSec: number[] = [];
  const mbps: number[] = [];
  for (const line of text.split(/\r?\n/)) {
    const parts = line.trim().split(/\s+/);
    if (parts.length < 2 || parts[0] === '') continue;
    const t = Number(parts[0]);
    const b = Number(parts[1]);
    if (!Number.isFinite(t) || !Number.isFinite(b)) throw new Error(`${name}: bad line "${line.trim()}"`);
    timeSec.push(t);
    mbps.push(b);
  }
  if (timeSec.length < 2) throw new Error(`${name}: fewer than 2 samples`);
  return { name, timeSec, mbps };
}

export function loadTraceDir(dir: string): Trace[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`trace folder ${dir} does not exist: pass a folder of Pensieve traces (one "<time s> <Mbit/s>" line per sample)`);
  const names = readdirSync(dir)
    .filter((f) => !f.startsWith('.') && statSync(join(dir, f)).isFile())
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (names.length === 0) throw new Error(`no trace files in ${dir}: a trace is a file of "<time s> <Mbit/s>" lines`);
  return names.map((f) => parseTrace(basename(f), readFileSync(join(dir, f), 'utf8')));
}
