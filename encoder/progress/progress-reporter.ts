/**
 * I/O edge: render EncodeProgress events for the three audiences: a live bar on a TTY
 * (percent, × realtime, fps, ETA), plain periodic lines when not a TTY (CI logs), and
 * one JSON object per event with --json (machines).
 */
import cliProgress from 'cli-progress';
import type { EncodeProgress } from './progress-event.ts';

export type ProgressMode = 'bar' | 'lines' | 'json';

export interface ProgressReporter {
  update(p: EncodeProgress): void;
  stop(): void;
}

export function formatEta(sec: number | null): string {
  if (sec === null || !Number.isFinite(sec)) return '--:--';
  const s = Math.max(0, Math.round(sec));
  const m = Math.floor(s / 60);
  return `${m}:${String(s % 60).padStart(2, '0')}`;
}

/** Pure: the plain progress line used when stdout is not a terminal. */
export function progressLine(label: string, p: EncodeProgress): string {
  return (
    `${label} ${p.phase} ${p.percent.toFixed(1)}% ${p.processedSec.toFixed(1)}/${p.durationSec.toFixed(1)} s` +
    ` speed ${p.speed.toFixed(2)}x ${p.fps.toFixed(1)} fps ETA ${formatEta(p.etaSec)}`
  );
}

export function createProgressReporter(
  mode: ProgressMode,
  label: string,
  out: NodeJS.WritableStream = process.stderr,
  intervalSec = 5,
): ProgressReporter {
  if (mode === 'json') {
    return {
      update: (p) => process.stdout.write(`${JSON.stringify({ type: 'progress', id: label, ...p })}\n`),
      stop: () => {},
    };
  }
  if (mode === 'lines') {
    let lastAt = -Infinity;
    let lastPhase = '';
    return {
      update: (p) => {
        // No line for the instant probe step: a rejected input then prints only its error line.
        if (p.phase === 'probe') return;
        if (p.phase !== lastPhase || p.elapsedSec - lastAt >= intervalSec || p.phase === 'done') {
          lastAt = p.elapsedSec;
          lastPhase = p.phase;
          out.write(`${progressLine(label, p)}\n`);
        }
      },
      stop: () => {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      stream: out,
      format: `${label} [{bar}] {percentage}% | {speed}x realtime | {fps} fps | ETA {etaText} | {phase}`,
      barsize: 30,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(100, 0, { speed: '0.00', fps: '0.0', etaText: '--:--', phase: 'probe' });
  return {
    update: (p) =>
      bar.update(Math.round(p.percent * 10) / 10, {
        speed: p.speed.toFixed(2),
        fps: p.fps.toFixed(1),
        etaText: formatEta(p.etaSec),
        phase: p.phase,
      }),
    stop: () => bar.stop(),
  };
}
