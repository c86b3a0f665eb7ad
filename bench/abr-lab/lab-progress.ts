/**
 * I/O edge: how a lab run shows its progress on stderr. On a terminal, a bar with the estimated share of the
 * work done and the time left; elsewhere (CI logs, pipes), one line per (set, algorithm) as it completes, with
 * the same estimate. Either way the figures themselves go to stdout, untouched.
 */

import cliProgress from 'cli-progress';
import { formatEta } from '../../encoder/progress/progress-reporter.ts';
import type { LabProgress } from './lab-pool.ts';

/** Pure: the line for a completed (set, algorithm) pair. */
export function taskDoneLine(setName: string, p: LabProgress): string {
  return `  ${setName} ${p.job.algo}: ${p.taskBusyMs} ms of work (${p.tasksDone}/${p.tasks} done, ${(100 * p.fraction).toFixed(0)} %, ETA ${formatEta(p.etaSec)})`;
}

export interface LabProgressReporter {
  /** For runLab's onProgress, with the name of the job's trace set. */
  update(p: LabProgress, setName: string): void;
  stop(): void;
}

export function createLabProgressReporter(out: NodeJS.WriteStream = process.stderr): LabProgressReporter {
  if (!out.isTTY) {
    return {
      update: (p, setName) => {
        if (p.taskDone) out.write(`${taskDoneLine(setName, p)}\n`);
      },
      stop: () => {},
    };
  }
  const bar = new cliProgress.SingleBar(
    { stream: out, format: 'ABR lab [{bar}] {percentage}% | {jobsDone}/{jobs} jobs | ETA {etaText} | {last}', barsize: 30, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(100, 0, { jobsDone: 0, jobs: '?', etaText: '--:--', last: '' });
  // The bar clears itself at the end; the per-pair lines, kept meanwhile, stay on screen after it.
  const done: string[] = [];
  return {
    update: (p, setName) => {
      if (p.taskDone) done.push(taskDoneLine(setName, p));
      bar.update(Math.round(p.fraction * 1000) / 10, { jobsDone: p.jobsDone, jobs: p.jobs, etaText: formatEta(p.etaSec), last: `${setName} ${p.job.algo}` });
    },
    stop: () => {
      bar.stop();
      for (const line of done) out.write(`${line}\n`);
    },
  };
}
