/**
 * Worker thread of optimum-pool.ts: computes the offline optimum of each trace it is sent.
 * Messages in: { id, trace }; out: { id, rungs } or { id, error }. The pool terminates it when done.
 */

import { parentPort, workerData } from 'node:worker_threads';
import { offlineOptimum, type OptimumOptions } from './offline-optimum.ts';
import type { Trace, Video } from './pensieve-env.ts';

const { video, options } = workerData as { video: Video; options: Partial<OptimumOptions> };
const port = parentPort;
if (!port) throw new Error('optimum-worker.ts runs as a worker thread (see optimum-pool.ts)');

port.on('message', (job: { id: number; trace: Trace }) => {
  try {
    port.postMessage({ id: job.id, rungs: offlineOptimum(job.trace, video, options).rungs });
  } catch (err) {
    port.postMessage({ id: job.id, error: err instanceof Error ? err.message : String(err) });
  }
});
