/**
 * Child process that runs the real stack (origin + edges + steering) for the e2e suite.
 * Started by tests/e2e/helpers/stack-process.ts with `node --import tsx`; options come as JSON in
 * E2E_STACK_OPTIONS; prints one line `E2E_STACK_READY <json>` on stdout when listening.
 * Exits when its parent goes away (stdin closes), so a killed test runner never leaves a server behind.
 */
import { startStack } from '../../../server/stack.ts';

const opts = JSON.parse(process.env.E2E_STACK_OPTIONS ?? '{}');

const stack = await startStack(opts);
process.stdout.write(
  'E2E_STACK_READY ' +
    JSON.stringify({ originUrl: stack.originUrl, edges: stack.edges, steeringUrl: stack.steeringUrl }) +
    '\n',
);

let closing = false;
async function shutdown(code: number) {
  if (closing) return;
  closing = true;
  const timer = setTimeout(() => process.exit(code), 5000);
  timer.unref();
  try {
    await stack.close();
  } finally {
    process.exit(code);
  }
}
process.stdin.on('end', () => void shutdown(0));
process.stdin.on('close', () => void shutdown(0));
process.stdin.resume();
process.on('SIGTERM', () => void shutdown(0));
process.on('SIGINT', () => void shutdown(0));
