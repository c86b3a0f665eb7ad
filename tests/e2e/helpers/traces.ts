import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** One throughput step: from `startS` (cumulative, s) on, the link delivers `mbps` Mbit/s. */
export interface TraceStep {
  startS: number;
  mbps: number;
}

export interface Trace {
  name: string;
  /** Where it came from: a file path, or "generated". */
  source: string;
  steps: TraceStep[];
  durationS: number;
}

/**
 * Parse the Pensieve "cooked" format: `<time_s> <Mbit/s>` per line, whitespace/tab separated, CRLF tolerated.
 * Pensieve reads line i as "between time[i-1] and time[i] the link delivers bw[i]"; we keep that meaning:
 * step i covers [time[i-1], time[i]) with bw[i] (the first line only anchors time 0).
 */
export function parseTrace(text: string, name = 'trace', source = 'inline'): Trace {
  const rows: Array<[number, number]> = [];
  for (const raw of text.split(/\r?\n|\r/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const parts = line.split(/\s+/);
    const t = Number(parts[0]);
    const bw = Number(parts[1]);
    if (!Number.isFinite(t) || !Number.isFinite(bw) || bw < 0) {
      throw new Error(`trace ${name}: bad line "${line}"`);
    }
    rows.push([t, bw]);
  }
  if (rows.length < 2) throw new Error(`trace ${name}: needs at least 2 samples, got ${rows.length}`);
  const t0 = rows[0]![0];
  const steps: TraceStep[] = [];
  for (let i = 1; i < rows.length; i++) {
    const prevT = rows[i - 1]![0] - t0;
    const [t, bw] = rows[i]!;
    if (t - t0 < prevT) throw new Error(`trace ${name}: time goes backwards at line ${i + 1}`);
    steps.push({ startS: prevT, mbps: bw });
  }
  return { name, source, steps, durationS: rows[rows.length - 1]![0] - t0 };
}

export function loadTraceFile(file: string): Trace {
  return parseTrace(readFileSync(file, 'utf8'), path.basename(file), file);
}

/**
 * A deterministic stand-in for a mobile trace (used when ../shared is absent): a slow random walk
 * between 0.25 and 4 Mbit/s with occasional deep fades, 1 s samples.
 */
export function generateTrace(durationS = 240, seed = 7): Trace {
  let s = seed >>> 0;
  const rand = () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const steps: TraceStep[] = [];
  let mbps = 1.5;
  for (let t = 0; t < durationS; t += 1) {
    mbps *= Math.exp((rand() - 0.5) * 0.6);
    if (rand() < 0.04) mbps *= 0.3; // fade (tunnel, handover)
    mbps = Math.min(4, Math.max(0.25, mbps));
    steps.push({ startS: t, mbps: Math.round(mbps * 1000) / 1000 });
  }
  return { name: `generated-seed${seed}`, source: 'generated', steps, durationS };
}

/** The trace between `fromS` and `fromS + lengthS`, re-based to 0. */
export function sliceTrace(trace: Trace, fromS: number, lengthS: number): Trace {
  const end = fromS + lengthS;
  const steps: TraceStep[] = [];
  for (let i = 0; i < trace.steps.length; i++) {
    const st = trace.steps[i]!;
    const stEnd = i + 1 < trace.steps.length ? trace.steps[i + 1]!.startS : trace.durationS;
    if (stEnd <= fromS || st.startS >= end) continue;
    steps.push({ startS: Math.max(0, st.startS - fromS), mbps: st.mbps });
  }
  return { ...trace, name: `${trace.name}[${fromS}+${lengthS}s]`, steps, durationS: Math.min(lengthS, trace.durationS - fromS) };
}

/** Throughput at time `t` (s) of the trace (holds the last step past the end). */
export function mbpsAt(trace: Trace, t: number): number {
  let cur = trace.steps[0]!.mbps;
  for (const st of trace.steps) {
    if (st.startS > t) break;
    cur = st.mbps;
  }
  return cur;
}

/** Time-weighted mean throughput, Mbit/s. */
export function meanMbps(trace: Trace): number {
  let acc = 0;
  for (let i = 0; i < trace.steps.length; i++) {
    const st = trace.steps[i]!;
    const stEnd = i + 1 < trace.steps.length ? trace.steps[i + 1]!.startS : trace.durationS;
    acc += st.mbps * Math.max(0, stEnd - st.startS);
  }
  return trace.durationS > 0 ? acc / trace.durationS : 0;
}

/** Write the trace back in the Pensieve format (LF), e.g. for the server's trace replay. */
export function formatTrace(trace: Trace): string {
  const lines = ['0 ' + (trace.steps[0]?.mbps ?? 0)];
  for (let i = 0; i < trace.steps.length; i++) {
    const stEnd = i + 1 < trace.steps.length ? trace.steps[i + 1]!.startS : trace.durationS;
    lines.push(`${round3(stEnd)} ${trace.steps[i]!.mbps}`);
  }
  return lines.join('\n') + '\n';
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

export const SHARED_TRACE_DIR = 'traces/pensieve/hsdpa_test_sim_traces';

/**
 * The HSDPA trace the suite replays, or a generated one when ../shared is not there.
 * norway_ferry_13, first 120 s: mean 1.38 Mbit/s, 0.26–2.98 Mbit/s, ~26 s under 0.6 and ~30 s over 1.9 Mbit/s:
 * it crosses every rung of the test ladder (0.35 / 0.9 / 1.7 Mbit/s), so ABRs have to move both ways.
 */
export function suiteTrace(sharedDir: string | null, name = 'norway_ferry_13'): { trace: Trace; fallback: boolean } {
  if (sharedDir) {
    const file = path.join(sharedDir, SHARED_TRACE_DIR, name);
    if (existsSync(file)) return { trace: loadTraceFile(file), fallback: false };
  }
  return { trace: generateTrace(), fallback: true };
}
