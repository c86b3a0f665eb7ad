/** Structured logging (pino). Quiet under vitest unless LOG_LEVEL is set. */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(opts: { level?: string; file?: string; name?: string } = {}): Logger {
  const level = opts.level ?? process.env.LOG_LEVEL ?? (process.env.VITEST ? 'silent' : 'info');
  const dest = opts.file ? pino.destination({ dest: opts.file, mkdir: true, sync: false }) : pino.destination(1);
  return pino({ level, name: opts.name ?? 'abr-stack', base: undefined }, dest);
}
