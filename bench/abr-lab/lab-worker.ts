/**
 * Worker thread of lab-pool.ts: runs each job it is sent (a slice of one set's traces, one algorithm) with
 * the same `runLabJob` as the main thread. workerData: { sets, video, opts }; messages in: { id, job };
 * out: { id, sessions, busyMs } or { id, error }. The pool terminates it when done.
 */

import { parentPort, workerData } from 'node:worker_threads';
import { runLabJob, type LabJob } from './lab-pool.ts';
import type { Trace, Video } from './pensieve-env.ts';
import type { RunOptions } from './run-lab.ts';

const { sets, video, opts } = workerData as { sets: Trace[][]; video: Video; opts: RunOptions };
const port = parentPort;
if (!port) throw new Error('lab-worker.ts runs as a worker thread (see lab-pool.ts)');

port.on('message', ({ id, job }: { id: number; job: LabJob }) => {
  const start = Date.now();
  try {
    const sessions = runLabJob(job, sets[job.set] ?? [], video, opts);
    port.postMessage({ id, sessions, busyMs: Date.now() - start });
  } catch (err) {
    port.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
