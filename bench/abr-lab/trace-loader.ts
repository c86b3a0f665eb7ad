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

/** The first line (≥ 1) whose interval starts at or after `sec` (the last line if none does). */
function lineStartingAt(trace: Trace, sec: number): number {
  const n = trace.timeSec.length;
  let s = 1;
  while (s < n - 1 && (trace.timeSec[s - 1] as number) < sec) s++;
  return s;
}

/**
 * A trace made of the given lines of another, each with its duration and throughput, from time 0. Line 0's
 * throughput is never used by the simulator (it starts at line 1), so it is a placeholder: the line before.
 */
function fromLines(trace: Trace, name: string, lines: readonly number[]): Trace {
  const { timeSec, mbps } = trace;
  const first = lines[0] as number;
  const time: number[] = [0];
  const bw: number[] = [mbps[first - 1] as number];
  let t = 0;
  for (const i of lines) {
    t += (timeSec[i] as number) - (timeSec[i - 1] as number);
    time.push(t);
    bw.push(mbps[i] as number);
  }
  return { name, timeSec: time, mbps: bw };
}

/**
 * The same link played from another point: the session starts at the first line at or after `startSec`
 * and, at the end, the trace continues from its beginning. Pensieve's training environment starts each
 * session at a random line for the same reason: a few long logs then give many different sessions.
 * Names are "<log>@<offset>s" here and in cutWindows; meanPerSource (paired-stats.ts) groups by the part before @.
 */
export function rotateTrace(trace: Trace, startSec: number): Trace {
  const n = trace.timeSec.length;
  const s = lineStartingAt(trace, startSec);
  if (s === 1) return trace;
  const lines = Array.from({ length: n - 1 }, (_, k) => ((s - 1 + k) % (n - 1)) + 1); // s..n-1, then 1..s-1
  return fromLines(trace, `${trace.name}@${Math.round(trace.timeSec[s - 1] as number)}s`, lines);
}

/**
 * Windows of `lengthSec` cut from a long log every `stepSec` (each window: the lines that start inside it),
 * as Pensieve's test traces are windows of a few minutes cut from longer logs. A session that outlasts its
 * window loops back to the window's start, as with any trace.
 */
export function cutWindows(trace: Trace, lengthSec: number, stepSec: number): Trace[] {
  const { timeSec } = trace;
  const end = timeSec[timeSec.length - 1] as number;
  const out: Trace[] = [];
  for (let a = 0; a + lengthSec <= end; a += stepSec) {
    const lines: number[] = [];
    const first = lineStartingAt(trace, a);
    if ((timeSec[first - 1] as number) < a) break; // no line starts inside this window or after it
    for (let i = first; i < timeSec.length && (timeSec[i - 1] as number) < a + lengthSec; i++) lines.push(i);
    if (lines.length > 0) out.push(fromLines(trace, `${trace.name}@${a}s`, lines));
  }
  return out;
}

/** Share of a trace's time (lines 1..n−1) on which the link carries less than `mbps`. */
export function shareOfTimeBelow(trace: Trace, mbps: number): number {
  let below = 0;
  let total = 0;
  for (let i = 1; i < trace.timeSec.length; i++) {
    const d = (trace.timeSec[i] as number) - (trace.timeSec[i - 1] as number);
    total += d;
    if ((trace.mbps[i] as number) < mbps) below += d;
  }
  return total > 0 ? below / total : 0;
}
