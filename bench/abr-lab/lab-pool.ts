/**
 * The lab's runs on all cores. A run is a list of tasks, each one algorithm over one trace set; the sessions
 * are spread over worker threads (one per core by default) and come back in trace order, with the same figures
 * as running them here (the workers run the same pure code: `runLabJob` below, in lab-worker.ts).
 *
 * How a task is cut into jobs keeps the lab's semantics exact:
 * - an algorithm that carries state from one session to the next (Pensieve's RobustMPC keeps its error
 *   history across traces, `carriesStateAcrossSessions`) runs its whole set as one job, in trace order,
 *   on one instance, as Pensieve's scripts do;
 * - any other algorithm starts each session afresh, so its set is cut into slices of traces, each on a new
 *   instance, and a worker takes the next slice as soon as it finishes one.
 * Jobs are handed out costliest first (the offline optimum, then `ours`), so the last job to finish is short.
 */

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { AbrConfig } from '../../player/src/abr/index.ts';
import { makeAlgorithm } from './algorithms/registry.ts';
import type { Trace, Video } from './pensieve-env.ts';
import { runSession, type RunOptions, type SessionResult } from './run-lab.ts';

/** One algorithm over one trace set. */
export interface LabTask {
  /** Index into the sets the run is given. */
  set: number;
  /** Registry name (`ours`, `bba`, …, `optimal`). */
  algo: string;
  /** For `ours`: a config variant (tune-ours.ts). */
  ours?: Partial<AbrConfig>;
}

/** A slice of a task's traces, run on one algorithm instance. */
export interface LabJob extends LabTask {
  /** Index of the task in the run. */
  task: number;
  from: number;
  to: number;
  /** Estimated work, ms on one core (orders the jobs and drives the progress estimate only). */
  cost: number;
}

export interface TaskResult {
  sessions: SessionResult[];
  /** Time spent in the task's jobs, summed over the threads that ran them, ms. */
  busyMs: number;
}

/** After each job: how far the run is, by estimated work (jobs differ in cost by 1000×). */
export interface LabProgress {
  job: LabJob;
  /** The job's task has no job left (its sessions are all in). */
  taskDone: boolean;
  /** The task's work so far, summed over its jobs, ms. */
  taskBusyMs: number;
  tasksDone: number;
  tasks: number;
  jobsDone: number;
  jobs: number;
  /** Estimated work done / in all, 0..1. */
  fraction: number;
  elapsedMs: number;
  /** Time left at the pace so far, s. */
  etaSec: number;
}

export interface LabRunReport {
  /** Per task, in the order given. */
  results: TaskResult[];
  /** Worker threads used (1: everything ran in this thread). */
  threads: number;
  jobs: number;
  wallMs: number;
}

/**
 * Rough cost of one session, ms on one core (measured: optimal ~1000, ours ~70, RobustMPC ~9, the rest < 1).
 * It only orders and cuts the jobs; the figures do not depend on it.
 */
const SESSION_COST_MS: Record<string, number> = { optimal: 1000, ours: 70, robustmpc: 9, 'robustmpc-fixed': 9 };
const sessionCost = (algo: string): number => SESSION_COST_MS[algo] ?? 0.5;

/** Runs one job: its traces in order, on one new algorithm instance. Errors name the algorithm and the trace. */
export function runLabJob(job: LabJob, traces: readonly Trace[], video: Video, opts: RunOptions): SessionResult[] {
  const algo = makeAlgorithm(job.algo, job.ours);
  const out: SessionResult[] = [];
  for (let i = job.from; i < job.to; i++) {
    const trace = traces[i] as Trace;
    try {
      out.push(runSession(trace, video, algo, opts));
    } catch (err) {
      throw new Error(`${job.algo} on trace ${trace.name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return out;
}

/** Cuts the tasks into jobs for `threads` workers, costliest first. */
export function planJobs(tasks: readonly LabTask[], sets: readonly (readonly Trace[])[], threads: number): LabJob[] {
  const jobs: LabJob[] = [];
  for (const [index, task] of tasks.entries()) {
    const n = sets[task.set]?.length ?? 0;
    if (n === 0) continue;
    const perSession = sessionCost(task.algo);
    const shared = makeAlgorithm(task.algo, task.ours).carriesStateAcrossSessions === true;
    // Slices of ~1 s of work (a job costs a message and a structured copy of its results), or more of them,
    // down to ~250 ms, to have four per thread, so that the threads finish together; never less than a session.
    const work = n * perSession;
    const ofOneSecond = Math.floor(work / 1000);
    const fourPerThread = Math.min(threads * 4, Math.floor(work / 250));
    const slices = shared || threads <= 1 ? 1 : Math.min(n, Math.max(1, ofOneSecond, fourPerThread));
    for (let k = 0; k < slices; k++) {
      const from = Math.floor((k * n) / slices);
      const to = Math.floor(((k + 1) * n) / slices);
      if (to > from) jobs.push({ ...task, task: index, from, to, cost: (to - from) * perSession });
    }
  }
  return jobs.sort((a, b) => b.cost - a.cost);
}

/**
 * Runs the tasks over the sets; `threads` 1 runs them here, one after the other (no worker start-up cost).
 * Throws at the first failing session, naming its algorithm and trace.
 */
export async function runLab(
  sets: readonly (readonly Trace[])[],
  tasks: readonly LabTask[],
  video: Video,
  opts: RunOptions = {},
  threads = availableParallelism(),
  onProgress?: (p: LabProgress) => void,
): Promise<LabRunReport> {
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`threads must be a whole number ≥ 1 (got ${threads})`);
  const t0 = Date.now();
  const results: TaskResult[] = tasks.map(() => ({ sessions: [], busyMs: 0 }));
  const jobs = planJobs(tasks, sets, threads);
  const workers = Math.max(1, Math.min(threads, jobs.length));
  const parts: SessionResult[][] = new Array(jobs.length);
  const totalCost = jobs.reduce((a, j) => a + j.cost, 0);
  const jobsLeft = tasks.map((_, t) => jobs.filter((j) => j.task === t).length);
  let doneCost = 0;
  let jobsDone = 0;
  let tasksDone = jobsLeft.filter((n) => n === 0).length;
  const finished = (i: number, sessions: SessionResult[], busyMs: number): void => {
    const job = jobs[i] as LabJob;
    parts[i] = sessions;
    (results[job.task] as TaskResult).busyMs += busyMs;
    doneCost += job.cost;
    jobsDone++;
    const left = (jobsLeft[job.task] as number) - 1;
    jobsLeft[job.task] = left;
    const taskDone = left === 0;
    if (taskDone) tasksDone++;
    if (!onProgress) return;
    const elapsedMs = Date.now() - t0;
    // Every job has a positive cost (planJobs), so after one job the fraction is above 0.
    const fraction = doneCost / totalCost;
    const etaSec = ((elapsedMs / 1000) * (1 - fraction)) / fraction;
    onProgress({ job, taskDone, taskBusyMs: (results[job.task] as TaskResult).busyMs, tasksDone, tasks: tasks.length, jobsDone, jobs: jobs.length, fraction, elapsedMs, etaSec });
  };
  if (workers <= 1) {
    for (const [i, job] of jobs.entries()) {
      const start = Date.now();
      const sessions = runLabJob(job, sets[job.set] as readonly Trace[], video, opts);
      finished(i, sessions, Date.now() - start);
    }
  } else {
    await runOnWorkers(jobs, sets, video, opts, workers, finished);
  }
  // Each task's slices back in trace order.
  const order = jobs.map((job, i) => ({ job, i })).sort((a, b) => a.job.task - b.job.task || a.job.from - b.job.from);
  for (const { job, i } of order) (results[job.task] as TaskResult).sessions.push(...(parts[i] as SessionResult[]));
  return { results, threads: workers, jobs: jobs.length, wallMs: Date.now() - t0 };
}

async function runOnWorkers(
  jobs: readonly LabJob[],
  sets: readonly (readonly Trace[])[],
  video: Video,
  opts: RunOptions,
  workers: number,
  onDone: (i: number, sessions: SessionResult[], busyMs: number) => void,
): Promise<void> {
  let nextJob = 0;
  let done = 0;
  const pool: Worker[] = [];
  try {
    await new Promise<void>((resolvePool, reject) => {
      // Settled once: when the last job's sessions arrive or at the first failure (the workers are terminated
      // below either way, and their exits after that are not failures).
      let settled = false;
      const fail = (err: Error): void => {
        if (settled) return;
        settled = true;
        reject(err);
      };
      const feed = (w: Worker): void => {
        if (nextJob >= jobs.length) return;
        const id = nextJob++;
        w.postMessage({ id, job: jobs[id] });
      };
      for (let i = 0; i < workers; i++) {
        // The traces and the video go once per worker; a job names its slice.
        const w = new Worker(new URL('./worker-boot.mjs', import.meta.url), {
          workerData: { entry: new URL('./lab-worker.ts', import.meta.url).href, sets, video, opts },
        });
        pool.push(w);
        w.on('message', (m: { id: number; sessions?: SessionResult[]; busyMs?: number; error?: string }) => {
          if (m.error !== undefined || !m.sessions) {
            fail(new Error(m.error ?? `job ${m.id}: no sessions`));
            return;
          }
          onDone(m.id, m.sessions, m.busyMs ?? 0);
          if (++done === jobs.length && !settled) {
            settled = true;
            resolvePool();
          } else feed(w);
        });
        w.on('error', (err) => fail(new Error(`lab worker: ${err.message}`)));
        w.on('exit', (code) => fail(new Error(`lab worker exited (code ${code}) before every session was in`)));
        feed(w);
      }
    });
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
}
