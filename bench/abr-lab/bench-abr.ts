/**
 * ABR lab CLI:
 *   npm run bench:abr -- [--traces DIR ...] [--algo ours,bba,...[,optimal]] [--video pensieve|<media id>]
 *                        [--json FILE] [--html FILE] [--html-trace NAME] [--split all|even|odd] [--abandon]
 *                        [--threads N]
 * Runs each algorithm over each trace set in the Pensieve simulator, prints a
 * table per set and the calibration of BBA / RobustMPC against the reference
 * results measured with Pensieve's own code.
 */

import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { DEFAULT_ALGOS, makeAlgorithm } from './algorithms/registry.ts';
import { runLab } from './lab-pool.ts';
import { createLabProgressReporter } from './lab-progress.ts';
import type { Trace, Video } from './pensieve-env.ts';
import { calibrate, loadReference, type CalibrationRow } from './reference-results.ts';
import { formatPaired, meanAndSe, pairedDifference, type SetStats } from './paired-stats.ts';
import { renderHtmlReport } from './report-html.ts';
import { aggregate, type SessionResult, type SetAggregate } from './run-lab.ts';
import { syntheticTraces, syntheticVideo } from './synthetic-traces.ts';
import { loadTraceDir } from './trace-loader.ts';
import { loadMediaVideo, loadPensieveVideo } from './video-source.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const sharedData = resolve(repoRoot, '..', 'shared', 'traces', 'pensieve');
const DEFAULT_TRACE_DIRS = [join(sharedData, 'hsdpa_test_sim_traces'), join(sharedData, 'fcc_test_genet')];

/** The whole run; input errors (unknown algorithm, missing or malformed traces) end it with one line (commander reports bad options). */
async function main(): Promise<void> {
  const values = new Command('bench:abr')
    .description('ABR lab: ABR algorithms over network traces in the Pensieve simulator (bench/abr-lab/README.md)')
    .option('--traces <dir...>', 'trace folders in Pensieve format (default: the HSDPA and FCC sets in ../shared/traces/pensieve)')
    .option('--algo <list>', 'comma-separated algorithms; add optimal for the offline optimum (the whole trace known in advance, ~1 s per trace)', DEFAULT_ALGOS.join(','))
    .option('--video <name>', "'pensieve' (Pensieve's chunk sizes) or the id of an encoded title in media/", 'pensieve')
    .option('--json <file>', 'also write the figures and per-trace rows as JSON')
    .option('--html <file>', 'also write a self-contained HTML report')
    .option('--html-trace <name>', 'trace charted in the HTML report (default: the first)')
    .option('--split <which>', 'all, even or odd: only the even- or odd-indexed traces of each set', 'all')
    .option('--abandon', "let algorithms that can give up a download in flight (not in Pensieve's model)", false)
    .option('--threads <n>', 'worker threads the sessions are spread over (default: one per core; 1 runs all in this thread)', String(availableParallelism()))
    .parse()
    .opts<{ traces?: string[]; algo: string; video: string; json?: string; html?: string; htmlTrace?: string; split: string; abandon: boolean; threads: string }>();
  const threads = Number(values.threads);
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`--threads must be a whole number ≥ 1 (got "${values.threads}")`);

  const notes: string[] = [];
  const algos = values.algo.split(',').map((s) => s.trim()).filter(Boolean);
  for (const a of algos) makeAlgorithm(a); // fail fast on unknown names

  // Trace sets.
  let sets: Array<{ name: string; traces: Trace[] }>;
  if (values.traces && values.traces.length > 0) {
    sets = values.traces.map((d) => ({ name: basename(resolve(d)), traces: loadTraceDir(resolve(d)) }));
  } else if (DEFAULT_TRACE_DIRS.every((d) => existsSync(d))) {
    sets = DEFAULT_TRACE_DIRS.map((d) => ({ name: basename(d), traces: loadTraceDir(d) }));
  } else {
    const msg = `shared traces not found at ${sharedData}: using GENERATED traces (not comparable with published results)`;
    console.warn(msg);
    notes.push(msg);
    sets = [{ name: 'synthetic', traces: syntheticTraces(40, 1) }];
  }
  const split = values.split;
  if (split !== 'all') {
    if (split !== 'even' && split !== 'odd') throw new Error('--split must be all, even or odd');
    const keep = split === 'even' ? 0 : 1;
    sets = sets.map((s) => ({ name: s.name, traces: s.traces.filter((_, i) => i % 2 === keep) }));
    notes.push(`only the ${split}-indexed traces of each set`);
  }

  // Video.
  let video: Video;
  if (values.video === 'pensieve') {
    const dir = join(sharedData, 'video_sizes');
    if (existsSync(dir)) video = loadPensieveVideo(dir);
    else {
      const msg = `Pensieve chunk sizes not found at ${dir}: using a GENERATED video`;
      console.warn(msg);
      notes.push(msg);
      video = syntheticVideo(1);
    }
  } else {
    video = loadMediaVideo(join(repoRoot, 'media'), values.video as string);
  }

  if (values.abandon) {
    const msg = 'with --abandon: algorithms that can (ours) give up a download in flight; not in Pensieve\'s fixed_env, so these figures are NOT comparable with published results';
    console.warn(msg);
    notes.push(msg);
  }

  const reference = video.name === 'pensieve' ? loadReference(join(sharedData, 'results', 'pensieve_sim_baselines_per_trace.csv')) : null;

  /**
   * `sets` and `traces` as the issue specifies; `stats` adds how far the QoE_lin means can be trusted:
   * the standard error of each mean over traces and, when `ours` ran, ours − each other algorithm per trace.
   */
  const json: { sets: Record<string, Record<string, Record<string, number>>>; traces: Array<Record<string, string | number>>; stats: Record<string, SetStats> } = { sets: {}, traces: [], stats: {} };
  const aggregatesBySet: Array<{ name: string; aggregates: Record<string, SetAggregate>; stats?: SetStats }> = [];
  const sessionsBySet = new Map<string, Map<string, SessionResult[]>>();
  const calibration: CalibrationRow[] = [];

  const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
  const lpad = (s: string, n: number) => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

  console.log(`ABR lab: video ${video.name} (${video.bitratesKbps.join('/')} kb/s, ${video.totalChunks} × ${video.chunkDurationSec} s)`);
  // Every (set, algorithm) pair at once, spread over the worker threads; the figures are those of a run in this thread.
  const tasks = sets.flatMap((_, set) => algos.map((algo) => ({ set, algo })));
  const progress = createLabProgressReporter();
  const lab = await runLab(sets.map((s) => s.traces), tasks, video, { abandon: values.abandon }, threads, (p) =>
    progress.update(p, sets[p.job.set]?.name ?? ''),
  ).finally(() => progress.stop());
  process.stderr.write(`  ${lab.jobs} job${lab.jobs === 1 ? '' : 's'} on ${lab.threads} thread${lab.threads === 1 ? '' : 's'}: ${lab.wallMs} ms\n`);
  for (const [setIndex, set] of sets.entries()) {
    const aggs: Record<string, SetAggregate> = {};
    const bySet = new Map<string, SessionResult[]>();
    for (const [algoIndex, a] of algos.entries()) {
      const results = (lab.results[setIndex * algos.length + algoIndex] as { sessions: SessionResult[] }).sessions;
      bySet.set(a, results);
      aggs[a] = aggregate(results);
      for (const r of results) {
        // With --abandon, how many downloads were given up in the session.
        const abandons: Record<string, number> = values.abandon ? { abandons: r.chunks.reduce((n, c) => n + (c.abandoned?.length ?? 0), 0) } : {};
        json.traces.push({ set: set.name, trace: r.trace, algo: a, ...pick(r.summary), ...abandons });
      }
      if (reference) {
        const c = calibrate(reference, set.name, a, results.map((r) => ({ trace: r.trace, qoe_lin: r.summary.qoe_lin })));
        if (c) calibration.push(c);
      }
    }
    sessionsBySet.set(set.name, bySet);
    json.sets[set.name] = Object.fromEntries(Object.entries(aggs).map(([a, s]) => [a, pick(s)]));

    console.log(`\n${set.name} (${set.traces.length} trace${set.traces.length === 1 ? '' : 's'})`);
    console.log(`${pad('algorithm', 16)}${lpad('QoE_lin', 9)}${lpad('± s.e.', 8)}${lpad('QoE_log', 9)}${lpad('QoE_hd', 9)}${lpad('kb/s', 7)}${lpad('rebuf s', 9)}${lpad('switches', 10)}`);
    const stats: SetStats = { qoe_lin_se: {}, ours_minus: {} };
    for (const [a, s] of Object.entries(aggs)) {
      const se = meanAndSe((bySet.get(a) ?? []).map((r) => r.summary.qoe_lin)).se;
      stats.qoe_lin_se[a] = se;
      console.log(
        `${pad(a, 16)}${lpad(s.qoe_lin.toFixed(3), 9)}${lpad(se.toFixed(3), 8)}${lpad(s.qoe_log.toFixed(3), 9)}${lpad(s.qoe_hd.toFixed(3), 9)}${lpad(s.bitrate_kbps.toFixed(0), 7)}${lpad(s.rebuffer_s.toFixed(2), 9)}${lpad(s.switches.toFixed(1), 10)}`,
      );
    }
    // The means' standard errors overlap a lot (the traces differ far more than the algorithms); the paired
    // difference on the same traces is the figure that says whether one algorithm is better.
    const ours = bySet.get('ours');
    if (ours) {
      const lines: string[] = [];
      for (const [a, results] of bySet) {
        if (a === 'ours') continue;
        const p = pairedDifference(ours.map((r) => r.summary.qoe_lin), results.map((r) => r.summary.qoe_lin), ours.map((r) => r.trace));
        stats.ours_minus[a] = p;
        lines.push(`  ${pad(a, 16)}${formatPaired(p)}`);
      }
      if (lines.length > 0) console.log(`ours − other, QoE_lin per trace (mean ± s.e.):\n${lines.join('\n')}`);
    }
    // The ceiling: how much of what the link allowed (known in advance) each algorithm got.
    const optimal = aggs['optimal'];
    if (optimal && optimal.qoe_lin > 0) {
      stats.share_of_optimum = {};
      for (const [a, s] of Object.entries(aggs)) if (a !== 'optimal') stats.share_of_optimum[a] = s.qoe_lin / optimal.qoe_lin;
      console.log(`share of the offline optimum (mean QoE_lin ÷ optimal's): ${Object.entries(stats.share_of_optimum).map(([a, r]) => `${a} ${(100 * r).toFixed(1)} %`).join(', ')}`);
    }
    json.stats[set.name] = stats;
    aggregatesBySet.push({ name: set.name, aggregates: aggs, stats });
  }

  if (calibration.length > 0) {
    console.log('\ncalibration against Pensieve\'s own code (results/pensieve_sim_baselines_per_trace.csv):');
    for (const c of calibration) {
      const ok = Math.abs(c.relDiff) <= 0.03 ? 'OK' : 'OFF (>3 %)';
      console.log(`  ${pad(c.set, 24)}${pad(c.algo, 11)} lab ${c.ours.toFixed(4)}  reference ${c.reference.toFixed(4)}  ${(100 * c.relDiff).toFixed(2)} %  max per-trace |diff| ${c.maxTraceDiff.toFixed(4)}  ${ok}`);
    }
  }

  if (values.json) {
    const f = resolve(values.json);
    mkdirSync(dirname(f), { recursive: true });
    writeFileSync(f, JSON.stringify(json, null, 2));
    console.log(`\nwrote ${f}`);
  }

  if (values.html) {
    const first = sets[0];
    let chart = null;
    if (first) {
      const wanted = values.htmlTrace;
      const hit = wanted ? sets.flatMap((s) => s.traces.map((t) => ({ s, t }))).find((x) => x.t.name === wanted) : { s: first, t: first.traces[0] as Trace };
      if (!hit) throw new Error(`--html-trace ${wanted}: no such trace in the sets`);
      const bySet = sessionsBySet.get(hit.s.name) as Map<string, SessionResult[]>;
      const sessions = algos.map((a) => (bySet.get(a) ?? []).find((r) => r.trace === hit.t.name)).filter((x): x is SessionResult => !!x);
      chart = { setName: hit.s.name, trace: hit.t, sessions, ladderKbps: video.bitratesKbps };
    }
    const f = resolve(values.html);
    mkdirSync(dirname(f), { recursive: true });
    writeFileSync(f, renderHtmlReport({ title: 'ABR lab report', videoName: video.name, sets: aggregatesBySet, calibration, chart, notes }));
    console.log(`wrote ${f}`);
  }
}

main().catch((err: unknown) => {
  console.error(`bench:abr: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(2);
});

function pick(s: { qoe_lin: number; qoe_log: number; qoe_hd: number; bitrate_kbps: number; rebuffer_s: number; switches: number }): Record<string, number> {
  return { qoe_lin: s.qoe_lin, qoe_log: s.qoe_log, qoe_hd: s.qoe_hd, bitrate_kbps: s.bitrate_kbps, rebuffer_s: s.rebuffer_s, switches: s.switches };
}
