/**
 * The offline optimum of many traces on all cores. Each trace's search is independent and costs ~1 s
 * (offline-optimum.ts), so a set of 290 traces takes minutes on one thread; the searches are spread over
 * worker threads (one per core by default) that take the next trace as soon as they finish one.
 * Same schedules as offlineOptimum() in this thread: the workers run the same pure code.
 */

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { offlineOptimum, type OptimumOptions } from './offline-optimum.ts';
import type { Trace, Video } from './pensieve-env.ts';

/** Rung schedules of the offline optimum, one per trace, in the order of `traces`. */
export async function offlineOptimaInParallel(
  traces: readonly Trace[],
  video: Video,
  options: Partial<OptimumOptions> = {},
  threads = availableParallelism(),
): Promise<number[][]> {
  const workers = Math.max(1, Math.min(Math.floor(threads), traces.length));
  // One thread: no worker start-up cost to pay.
  if (workers <= 1) return traces.map((t) => offlineOptimum(t, video, options).rungs);
  const out: number[][] = new Array(traces.length);
  let nextJob = 0;
  let done = 0;
  const pool: Worker[] = [];
  try {
    await new Promise<void>((resolvePool, reject) => {
      // Settled once: when the last schedule arrives or at the first failure (the workers are terminated
      // below either way, and their exits after that are not failures).
      let settled = false;
      const fail = (err: Error): void => {
        if (settled) return;
        settled = true;
        reject(err);
      };
      const feed = (w: Worker): void => {
        if (nextJob >= traces.length) return;
        const id = nextJob++;
        w.postMessage({ id, trace: traces[id] });
      };
      for (let i = 0; i < workers; i++) {
        const w = new Worker(new URL('./worker-boot.mjs', import.meta.url), {
          workerData: { entry: new URL('./optimum-worker.ts', import.meta.url).href, video, options },
        });
        pool.push(w);
        w.on('message', (m: { id: number; rungs?: number[]; error?: string }) => {
          if (m.error !== undefined || !m.rungs) {
            fail(new Error(`offline optimum of trace ${traces[m.id]?.name ?? m.id}: ${m.error ?? 'no schedule'}`));
            return;
          }
          out[m.id] = m.rungs;
          if (++done === traces.length && !settled) {
            settled = true;
            resolvePool();
          } else feed(w);
        });
        w.on('error', (err) => fail(new Error(`offline optimum worker: ${err.message}`)));
        w.on('exit', (code) => fail(new Error(`offline optimum worker exited (code ${code}) before every schedule was in`)));
        feed(w);
      }
    });
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return out;
}
