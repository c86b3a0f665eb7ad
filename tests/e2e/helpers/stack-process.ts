import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './paths.ts';

export interface StackHandle {
  originUrl: string;
  steeringUrl: string;
  edges: Array<{ id: string; url: string }>;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Start server/stack.ts in a child process (tsx), logging stdout/stderr to `logFile`. */
export async function startStackProcess(options: Record<string, unknown>, logFile: string): Promise<StackHandle> {
  mkdirSync(path.dirname(logFile), { recursive: true });
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'tests/e2e/helpers/stack-runner.ts')], {
    cwd: REPO_ROOT,
    env: { ...process.env, E2E_STACK_OPTIONS: JSON.stringify(options) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stderr!.pipe(log, { end: false });
  const ready = await new Promise<{ originUrl: string; steeringUrl: string; edges: Array<{ id: string; url: string }> }>(
    (resolve, reject) => {
      let buf = '';
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`stack did not start within 60 s; see ${logFile}`));
      }, 60_000);
      child.stdout!.on('data', (chunk: Buffer) => {
        log.write(chunk);
        buf += chunk.toString();
        const m = /E2E_STACK_READY (.*)\n/.exec(buf);
        if (m) {
          clearTimeout(timer);
          buf = '';
          resolve(JSON.parse(m[1]!));
        }
      });
      child.on('exit', (code, sig) => {
        clearTimeout(timer);
        reject(new Error(`stack exited before ready (code ${code}, signal ${sig}); see ${logFile}`));
      });
    },
  );
  return {
    ...ready,
    child,
    async stop() {
      if (child.exitCode != null || child.signalCode != null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.stdin!.end();
      const t = setTimeout(() => child.kill('SIGKILL'), 8000);
      await exited;
      clearTimeout(t);
      log.end();
    },
  };
}
