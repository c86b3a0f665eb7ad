// Entry of the lab's worker threads. Node 20 does not pass the main thread's TypeScript loader (tsx) on to a
// worker, so each worker registers it here and then imports its real entry (workerData.entry, a .ts file URL).
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
