/**
 * Tuning harness for `ours`: runs config variants of the player's ABR on one
 * half of each trace set (train: even-indexed files) and reports the other
 * half (holdout: odd-indexed) only when asked, so constants are chosen
 * without looking at the traces they are checked on.
 *   npx tsx bench/abr-lab/tune-ours.ts --variants FILE.json [--split even|odd|all] [--threads N]
 * FILE.json: { "<label>": <Partial<AbrConfig>>, ... }
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
import { formatPairedBrief, pairedDifference, pairedWithoutLargest, signed } from './paired-stats.ts';
import { aggregate } from './run-lab.ts';
import { loadTraceDir } from './trace-loader.ts';
import { loadPensieveVideo } from './video-source.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const shared = resolve(repoRoot, '..', 'shared', 'traces', 'pensieve');
const { values } = parseArgs({
  options: { variants: { type: 'string' }, split: { type: 'string', default: 'even' }, threads: { type: 'string', default: String(availableParallelism()) } },
});
if (!values.variants) throw new Error('--variants FILE.json required');
if (!existsSync(shared)) throw new Error(`tuning needs the shared traces at ${shared}`);
const variants = JSON.parse(readFileSync(values.variants, 'utf8')) as Record<string, Partial<AbrConfig>>;
const video = loadPensieveVideo(join(shared, 'video_sizes'));
const split = values.split;
const sets = ['hsdpa_test_sim_traces', 'fcc_test_genet'].map((d) => {
  const all = loadTraceDir(join(shared, d));
  const traces = split === 'all' ? all : all.filter((_, i) => i % 2 === (split === 'even' ? 0 : 1));
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
    return `${formatPairedBrief(all)}, w/o ${all.largestTrace} (${signed(all.largestShare * all.n, 2)}): ${formatPairedBrief(rest)}`;
  });
  console.log(`  ${`− ${labels[0]}`.padEnd(26)} ${paired.join('   ')}`);
}
