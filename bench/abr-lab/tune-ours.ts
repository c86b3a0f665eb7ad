/**
 * Tuning harness for `ours`: runs config variants of the player's ABR on one
 * half of each trace set (train: even-indexed files) and reports the other
 * half (holdout: odd-indexed) only when asked, so constants are chosen
 * without looking at the traces they are checked on.
 *   npx tsx bench/abr-lab/tune-ours.ts --variants FILE.json [--split even|odd|all] [--threads N]
 *                                      [--traces DIR ...] [--starts N] [--windows SEC] [--max-outage SHARE]
 * FILE.json: { "<label>": <Partial<AbrConfig>>, ... }
 * --traces: tune on these folders instead of the two test sets (e.g. a training corpus such as Pensieve's
 * own training traces, so that both test sets stay unseen); --starts N plays every trace from N start
 * points spread over its length (rotateTrace), as Pensieve's training environment starts at random lines;
 * --windows SEC cuts every trace into windows of SEC seconds, one every SEC / 8 (cutWindows), as Pensieve's
 * test traces are windows cut from longer logs; --max-outage SHARE keeps only the windows (or traces) that
 * spend at most that share of their time below the lowest rung.
 * Every variant × set runs at once on the lab's worker threads (lab-pool.ts; default one per core).
 * Each variant after the first is also compared with the first one trace by trace (paired-stats.ts), with
 * and without the trace that moves most: the figures the tuning rounds in README.md are read from.
 */

import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { AbrConfig } from '../../player/src/abr/index.ts';
import { runLab } from './lab-pool.ts';
import { formatPairedBrief, meanPerSource, pairedDifference, pairedWithoutLargest, signed } from './paired-stats.ts';
import { aggregate } from './run-lab.ts';
import { cutWindows, loadTraceDir, rotateTrace, shareOfTimeBelow } from './trace-loader.ts';
import { loadPensieveVideo } from './video-source.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const shared = resolve(repoRoot, '..', 'shared', 'traces', 'pensieve');
const { values } = parseArgs({
  options: {
    variants: { type: 'string' },
    split: { type: 'string', default: 'even' },
    threads: { type: 'string', default: String(availableParallelism()) },
    traces: { type: 'string', multiple: true },
    starts: { type: 'string', default: '1' },
    windows: { type: 'string' },
    'max-outage': { type: 'string' },
  },
});
if (!values.variants) throw new Error('--variants FILE.json required');
if (!existsSync(shared)) throw new Error(`tuning needs the shared traces at ${shared}`);
const variants = JSON.parse(readFileSync(values.variants, 'utf8')) as Record<string, Partial<AbrConfig>>;
const video = loadPensieveVideo(join(shared, 'video_sizes'));
const lowestMbps = Math.min(...video.bitratesKbps) / 1000;
const split = values.split;
const starts = Number(values.starts);
if (!Number.isInteger(starts) || starts < 1) throw new Error(`--starts ${values.starts}: give a whole number of start points per trace, 1 or more`);
const windowSec = values.windows === undefined ? 0 : Number(values.windows);
if (!(windowSec >= 0)) throw new Error(`--windows ${values.windows}: give a window length in seconds`);
const maxOutage = values['max-outage'] === undefined ? 1 : Number(values['max-outage']);
if (!(maxOutage >= 0 && maxOutage <= 1)) throw new Error(`--max-outage ${values['max-outage']}: give a share of time between 0 and 1`);
const dirs = values.traces?.length ? values.traces.map((d) => resolve(d)) : ['hsdpa_test_sim_traces', 'fcc_test_genet'].map((d) => join(shared, d));
const sets = dirs.map((d) => {
  const all = loadTraceDir(d);
  const half = split === 'all' ? all : all.filter((_, i) => i % 2 === (split === 'even' ? 0 : 1));
  const end = (t: (typeof all)[number]) => t.timeSec[t.timeSec.length - 1] as number;
  const traces = half
    .flatMap((t) => (windowSec > 0 ? cutWindows(t, windowSec, windowSec / 8) : [t]))
    .filter((t) => shareOfTimeBelow(t, lowestMbps) <= maxOutage)
    .flatMap((t) => Array.from({ length: starts }, (_, k) => rotateTrace(t, (end(t) * k) / starts)));
  if (traces.length === 0) throw new Error(`${d}: no trace left to tune on (--windows longer than every trace, or --max-outage too strict)`);
  return { name: basename(d), traces };
});

console.log(`split=${split}  ${sets.map((s) => `${s.name}:${s.traces.length}`).join(' ')}`);
const labels = Object.keys(variants);
const tasks = labels.flatMap((label) => sets.map((_, set) => ({ set, algo: 'ours', ours: variants[label] })));
const lab = await runLab(sets.map((s) => s.traces), tasks, video, {}, Number(values.threads));
const sessionsOf = (v: number, set: number) => lab.results[v * sets.length + set]?.sessions ?? [];
for (const [v, label] of labels.entries()) {
  const cols = sets.map((_, set) => {
    const a = aggregate(sessionsOf(v, set));
    return `${a.qoe_lin.toFixed(4)} (rb ${a.rebuffer_s.toFixed(2)} sw ${a.switches.toFixed(1)} kb ${a.bitrate_kbps.toFixed(0)})`;
  });
  console.log(`${label.padEnd(28)} ${cols.join('   ')}`);
  if (v === 0) continue;
  const paired = sets.map((_, set) => {
    const [a, b] = [sessionsOf(v, set), sessionsOf(0, set)];
    const args = [a.map((r) => r.summary.qoe_lin), b.map((r) => r.summary.qoe_lin), a.map((r) => r.trace)] as const;
    const all = pairedDifference(...args);
    const rest = pairedWithoutLargest(...args);
    const text = `${formatPairedBrief(all)}, w/o ${all.largestTrace} (${signed(all.largestShare * all.n, 2)}): ${formatPairedBrief(rest)}`;
    if (windowSec === 0 && starts === 1) return text;
    // Sessions cut from one log share its link: the honest standard error is over logs.
    const [pa, pb] = [meanPerSource(args[0], args[2]), meanPerSource(args[1], args[2])];
    return `${text}; by log: ${formatPairedBrief(pairedDifference(pa.values, pb.values, pa.names))}`;
  });
  console.log(`  ${`− ${labels[0]}`.padEnd(26)} ${paired.join('   ')}`);
}
