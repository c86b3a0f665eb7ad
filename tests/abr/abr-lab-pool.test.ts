/**
 * The lab on worker threads (lab-pool.ts): the same sessions as one instance per set in this thread, for
 * every algorithm; an algorithm that carries state across sessions is never cut into slices; a failing
 * session names its algorithm and trace. Generated traces, so this holds with or without ../shared.
 */

import { describe, expect, it } from 'vitest';
import { ALGORITHMS, makeAlgorithm } from '../../bench/abr-lab/algorithms/registry.ts';
import { planJobs, runLab, runLabJob, type LabProgress } from '../../bench/abr-lab/lab-pool.ts';
import { taskDoneLine } from '../../bench/abr-lab/lab-progress.ts';
import { formatEta } from '../../encoder/progress/progress-reporter.ts';
import type { Trace, Video } from '../../bench/abr-lab/pensieve-env.ts';
import { runSet } from '../../bench/abr-lab/run-lab.ts';
import { syntheticTraces, syntheticVideo } from '../../bench/abr-lab/synthetic-traces.ts';

describe('lab pool', () => {
  it('cuts sessions that start afresh into slices, costliest first, and keeps a state-carrying algorithm whole', () => {
    const many: Trace[][] = [syntheticTraces(200, 3, 10), syntheticTraces(60, 4, 10)];
    const tasks = [{ set: 0, algo: 'bba' }, { set: 0, algo: 'robustmpc' }, { set: 0, algo: 'ours' }, { set: 1, algo: 'robustmpc-fixed' }, { set: 1, algo: 'optimal' }];
    const jobs = planJobs(tasks, many, 4);
    const of = (task: number) => jobs.filter((j) => j.task === task);
    // RobustMPC (both variants) keeps Pensieve's error history from trace to trace: one job, whole set, in order.
    expect(makeAlgorithm('robustmpc').carriesStateAcrossSessions).toBe(true);
    expect(of(1).map((j) => [j.from, j.to])).toEqual([[0, 200]]);
    expect(of(3).map((j) => [j.from, j.to])).toEqual([[0, 60]]);
    // ours and the optimum start each session afresh: slices covering the set exactly once, of ~1 s of work
    // (ours ~70 ms per session: 14 slices of 200 sessions, but 16 to have four per thread) or one session each
    // for the optimum (~1 s per session).
    for (const [task, count] of [[2, 16], [4, 60]] as const) {
      const slices = of(task).sort((a, b) => a.from - b.from);
      expect(slices.length).toBe(count);
      expect(slices[0]?.from).toBe(0);
      expect(slices.at(-1)?.to).toBe(many[tasks[task]!.set]!.length);
      for (let i = 1; i < slices.length; i++) expect(slices[i]?.from).toBe(slices[i - 1]?.to);
    }
    // A cheap algorithm is not worth cutting. Costliest jobs first: RobustMPC's whole set of 200 (~1.8 s), the
    // optimum's sessions (~1 s each), ours' slices (~0.9 s), RobustMPC-fixed's 60 sessions, BBA's 200.
    expect(of(0)).toHaveLength(1);
    const runs = jobs.map((j) => j.algo).filter((a, i, all) => a !== all[i - 1]);
    expect(runs).toEqual(['robustmpc', 'optimal', 'ours', 'robustmpc-fixed', 'bba']);
    // One thread: one job per task.
    expect(planJobs(tasks, many, 1)).toHaveLength(tasks.length);
  });

  it('on two threads, every algorithm gives the sessions of one instance per set run here, in trace order', async () => {
    // A short video keeps the optimum's searches quick; eight traces give ours and the optimum several slices.
    const video: Video = { ...syntheticVideo(6), totalChunks: 12 };
    const sets = [syntheticTraces(8, 21, 120), syntheticTraces(3, 22, 120)];
    const algos = Object.keys(ALGORITHMS);
    const tasks = sets.flatMap((_, set) => algos.map((algo) => ({ set, algo })));
    const lab = await runLab(sets, tasks, video, {}, 2);
    expect(lab.threads).toBe(2);
    expect(lab.jobs).toBeGreaterThan(tasks.length); // some tasks were cut
    for (const [i, task] of tasks.entries()) {
      const here = runSet(sets[task.set] as Trace[], video, makeAlgorithm(task.algo));
      expect(lab.results[i]?.sessions, `${task.algo} on set ${task.set}`).toEqual(here);
    }
    // Carrying state matters: RobustMPC started fresh on the second half gives other sessions than the set run in order.
    const whole = runSet(sets[0] as Trace[], video, makeAlgorithm('robustmpc'));
    const fresh = runLabJob({ set: 0, task: 0, algo: 'robustmpc', from: 4, to: 8, cost: 0 }, sets[0] as Trace[], video, {});
    expect(fresh.map((s) => s.summary.qoe_lin)).not.toEqual(whole.slice(4).map((s) => s.summary.qoe_lin));
  }, 120_000);

  it('reports progress after every job, by estimated work, and each task once when its last job is in', async () => {
    const video: Video = { ...syntheticVideo(6), totalChunks: 12 };
    const sets = [syntheticTraces(8, 31, 120)];
    const tasks = [{ set: 0, algo: 'ours' }, { set: 0, algo: 'bba' }, { set: 0, algo: 'optimal' }];
    for (const threads of [1, 2]) {
      const seen: LabProgress[] = [];
      const lab = await runLab(sets, tasks, video, {}, threads, (p) => seen.push(p));
      expect(seen).toHaveLength(lab.jobs);
      expect(seen.map((p) => p.jobsDone)).toEqual(seen.map((_, i) => i + 1));
      for (let i = 1; i < seen.length; i++) expect(seen[i]!.fraction).toBeGreaterThan(seen[i - 1]!.fraction);
      expect(seen.at(-1)?.fraction).toBeCloseTo(1, 12);
      expect(seen.at(-1)?.etaSec).toBeCloseTo(0, 9);
      const done = seen.filter((p) => p.taskDone);
      expect(done.map((p) => p.job.task).sort()).toEqual([0, 1, 2]);
      expect(done.map((p) => p.tasksDone)).toEqual([1, 2, 3]);
      // When a task is done its work is all counted, and the line says so.
      for (const p of done) {
        expect(p.taskBusyMs).toBe(lab.results[p.job.task]?.busyMs);
        expect(taskDoneLine('set', p)).toBe(`  set ${p.job.algo}: ${p.taskBusyMs} ms of work (${p.tasksDone}/3 done, ${(100 * p.fraction).toFixed(0)} %, ETA ${formatEta(p.etaSec)})`);
      }
    }
  }, 60_000);

  it('fails the run at a session the simulator refuses, naming the algorithm and the trace', async () => {
    const video: Video = { ...syntheticVideo(6), totalChunks: 12 };
    const traces = syntheticTraces(6, 23, 120);
    const broken: Trace = { name: 'broken_one', timeSec: [0], mbps: [1] };
    const sets = [[...traces.slice(0, 3), broken, ...traces.slice(3)]];
    await expect(runLab(sets, [{ set: 0, algo: 'optimal' }, { set: 0, algo: 'bba' }], video, {}, 2)).rejects.toThrow(/(optimal|bba) on trace broken_one: .*at least 2 lines/);
    await expect(runLab(sets, [{ set: 0, algo: 'ours' }], video, {}, 1)).rejects.toThrow(/ours on trace broken_one: .*at least 2 lines/);
    // A thread count that is not a whole number ≥ 1 is refused, not a pool that never starts.
    await expect(runLab(sets, [{ set: 0, algo: 'bba' }], video, {}, Number('two'))).rejects.toThrow(/threads must be a whole number ≥ 1 \(got NaN\)/);
  }, 60_000);
});
