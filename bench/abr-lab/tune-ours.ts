/**
 * Tuning harness for `ours`: runs config variants of the player's ABR on one
 * half of each trace set (train: even-indexed files) and reports the other
 * half (holdout: odd-indexed) only when asked, so constants are chosen
 * without looking at the traces they are checked on.
 *   npx tsx bench/abr-lab/tune-ours.ts --variants FILE.json [--split even|odd|all]
 * FILE.json: { "<label>": <Partial<AbrConfig>>, ... }
 */

import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { AbrConfig } from '../../player/src/abr/index.ts';
import { OursAdapter } from './algorithms/ours-adapter.ts';
import { aggregate, runSet } from './run-lab.ts';
import { loadTraceDir } from './trace-loader.ts';
import { loadPensieveVideo } from './video-source.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const shared = resolve(repoRoot, '..', 'shared', 'traces', 'pensieve');
const { values } = parseArgs({ options: { variants: { type: 'string' }, split: { type: 'string', default: 'even' } } });
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
for (const [label, cfg] of Object.entries(variants)) {
  const cols: string[] = [];
  for (const s of sets) {
    const a = aggregate(runSet(s.traces, video, new OursAdapter(cfg, label)));
    cols.push(`${a.qoe_lin.toFixed(4)} (rb ${a.rebuffer_s.toFixed(2)} sw ${a.switches.toFixed(1)} kb ${a.bitrate_kbps.toFixed(0)})`);
  }
  console.log(`${label.padEnd(28)} ${cols.join('   ')}`);
}
