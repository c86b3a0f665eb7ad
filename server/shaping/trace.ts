/**
 * Throughput traces in the Pensieve format (`time_s Mbit/s` per line, whitespace separated, CRLF tolerated).
 * Line i means: between time[i-1] and time[i] the link delivers bw[i] Mbit/s; after the end it loops.
 * parseTrace/traceRate are pure; loadTrace reads a file (traces dir from ../shared/traces/pensieve or TRACES_DIR).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Trace {
  name: string;
  times: number[]; // seconds, ascending
  mbps: number[];
  durationSec: number;
}

export function parseTrace(text: string, name = 'trace'): Trace {
  const times: number[] = [];
  const mbps: number[] = [];
  const lines = text.split(/\r?\n/);
  for (let ln = 0; ln < lines.length; ln++) {
    const t = (lines[ln] ?? '').trim();
    if (t === '' || t.startsWith('#')) continue;
    const [a, b] = t.split(/\s+/);
    const time = Number(a);
    const bw = Number(b);
    if (!Number.isFinite(time) || !Number.isFinite(bw) || bw < 0) {
      // (no line content in the message: trace names come from clients)
      throw new Error(`trace ${name}: line ${ln + 1} is not "<time_s> <Mbit/s>"`);
    }
    if (times.length > 0 && time < (times[times.length - 1] ?? 0)) {
      throw new Error(`trace ${name}: times must not decrease (at ${time})`);
    }
    times.push(time);
    mbps.push(bw);
  }
  if (times.length < 2) throw new Error(`trace ${name}: needs at least two samples`);
  const durationSec = (times[times.length - 1] ?? 0) - (times[0] ?? 0);
  if (durationSec <= 0) throw new Error(`trace ${name}: zero duration`);
  return { name, times, mbps, durationSec };
}

/** Mbit/s at trace time tSec (looping). */
export function traceMbpsAt(trace: Trace, tSec: number): number {
  const t0 = trace.times[0] ?? 0;
  const t = t0 + (((tSec % trace.durationSec) + trace.durationSec) % trace.durationSec);
  // first index i with times[i] >= t (i ≥ 1)
  let lo = 1;
  let hi = trace.times.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((trace.times[mid] ?? 0) >= t) hi = mid;
    else lo = mid + 1;
  }
  return trace.mbps[lo] ?? 0;
}

export function meanMbps(trace: Trace): number {
  let sum = 0;
  for (let i = 1; i < trace.times.length; i++) {
    sum += (trace.mbps[i] ?? 0) * ((trace.times[i] ?? 0) - (trace.times[i - 1] ?? 0));
  }
  return sum / trace.durationSec;
}

/** A deterministic synthetic "tram" trace used when ../shared/traces is absent: 0.3 … 4 Mbit/s over 120 s. */
export function generatedTrace(): Trace {
  const times: number[] = [];
  const mbps: number[] = [];
  for (let i = 0; i <= 120; i++) {
    times.push(i);
    const v = 2 + 1.6 * Math.sin(i / 7) + 0.4 * Math.sin(i / 1.3);
    mbps.push(Math.max(0.3, Math.round(v * 100) / 100));
  }
  return { name: 'generated', times, mbps, durationSec: 120 };
}

const here = fileURLToPath(new URL('.', import.meta.url));
export function tracesRoot(): string {
  return process.env.TRACES_DIR ?? resolve(here, '../../../shared/traces/pensieve');
}

const cache = new Map<string, Trace>();

/**
 * Resolves `name`: an absolute path, a path relative to the traces root (`hsdpa_test_sim_traces/norway_tram_1`),
 * or a bare file name searched in the root's sub-folders. `generated` (or any name when the traces root is
 * missing) gives the synthetic trace. Throws an Error naming the problem otherwise.
 */
export function loadTrace(name: string): Trace {
  const hit = cache.get(name);
  if (hit) return hit;
  if (name.length === 0 || name.length > 512 || name.includes('\0')) throw new Error('trace name is empty or too long');
  const root = tracesRoot();
  let trace: Trace;
  if (name === 'generated' || (!isAbsolute(name) && !existsSync(root))) {
    trace = generatedTrace();
  } else {
    const file = findTraceFile(name, root);
    trace = parseTrace(readFileSync(file, 'utf8'), name);
  }
  cache.set(name, trace);
  return trace;
}

function findTraceFile(name: string, root: string): string {
  if (isAbsolute(name)) {
    if (!existsSync(name) || !statSync(name).isFile()) throw new Error(`trace file ${name} not found`);
    if (statSync(name).size > 8 * 1024 * 1024) throw new Error(`trace file ${name} is larger than 8 MiB`);
    return name;
  }
  const rel = normalize(name);
  if (rel.startsWith('..') || rel.split(sep).some((s) => s.startsWith('.'))) {
    throw new Error(`trace name ${name} must stay inside ${root}`);
  }
  const direct = join(root, rel);
  if (existsSync(direct) && statSync(direct).isFile()) return direct;
  if (!rel.includes(sep)) {
    for (const sub of ['hsdpa_test_sim_traces', 'fcc_test_genet']) {
      const f = join(root, sub, rel);
      if (existsSync(f) && statSync(f).isFile()) return f;
    }
  }
  throw new Error(`trace ${name} not found under ${root} (give e.g. hsdpa_test_sim_traces/norway_tram_1, a bare file name, or an absolute path)`);
}
