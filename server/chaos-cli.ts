/**
 * `npm run chaos -- <command>` against a running origin (ORIGIN env or --origin, default http://127.0.0.1:$PORT|8080):
 *   kill-edge <id> [--mode refuse|reset] [--for s]   recover-edge <id>
 *   kill-origin                            recover-origin
 *   shape <sid> [--kbps n|off] [--latency-ms n] [--trace name|off] [--trace-speed f]
 *   status
 */
import { Command } from 'commander';

const program = new Command('chaos').option('--origin <url>', 'origin URL', process.env.ORIGIN ?? `http://127.0.0.1:${process.env.PORT ?? 8080}`);

async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<void> {
  const base = (program.opts<{ origin: string }>().origin ?? '').replace(/\/+$/, '');
  let r: Response;
  try {
    r = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    console.error(`chaos: cannot reach ${base} (${(err as Error & { cause?: { code?: string } }).cause?.code ?? (err as Error).message}): is npm start running? Use --origin to point elsewhere.`);
    process.exit(2);
  }
  const text = await r.text();
  if (!r.ok) {
    console.error(`chaos: ${method} ${path} → ${r.status} ${text}`);
    process.exit(1);
  }
  console.log(text);
}

program
  .command('kill-edge <id>')
  .option('--mode <mode>', 'refuse | reset', 'refuse')
  .option('--for <seconds>', 'recover by itself after this long (an outage of fixed length)')
  .action((id: string, o: { mode: string; for?: string }) => {
    const seconds = o.for === undefined ? undefined : Number(o.for);
    if (seconds !== undefined && !(seconds > 0)) {
      console.error(`chaos: --for needs a positive number of seconds, got "${o.for}"`);
      process.exit(2);
    }
    return call('POST', `/api/edges/${encodeURIComponent(id)}/fail`, { mode: o.mode, ...(seconds ? { durationMs: Math.round(seconds * 1000) } : {}) });
  });
program.command('recover-edge <id>').action((id: string) => call('POST', `/api/edges/${encodeURIComponent(id)}/recover`));
program.command('kill-origin').action(() => call('POST', '/api/origin/fail'));
program.command('recover-origin').action(() => call('POST', '/api/origin/recover'));
program
  .command('shape <sid>')
  .option('--kbps <n>', 'rate cap, or off')
  .option('--latency-ms <n>', 'added latency')
  .option('--trace <name>', 'trace name, or off')
  .option('--trace-speed <f>', 'trace speed factor')
  .action((sid: string, o: { kbps?: string; latencyMs?: string; trace?: string; traceSpeed?: string }) => {
    const body: Record<string, unknown> = {};
    if (o.kbps !== undefined) body.kbps = o.kbps === 'off' ? null : Number(o.kbps);
    if (o.latencyMs !== undefined) body.latencyMs = Number(o.latencyMs);
    if (o.trace !== undefined) body.trace = o.trace === 'off' ? null : o.trace;
    if (o.traceSpeed !== undefined) body.traceSpeed = Number(o.traceSpeed);
    return call('POST', `/api/sessions/${encodeURIComponent(sid)}/shape`, body);
  });
program.command('status').action(async () => {
  await call('GET', '/api/topology');
  await call('GET', '/api/edges');
});

await program.parseAsync();
