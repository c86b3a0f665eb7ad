/** Writes a body through a shaped link: added latency before the headers, then token-bucket pacing. */
import type { ServerResponse } from 'node:http';
import type { Link } from './sessions.ts';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function delayFor(link: Link | null): Promise<void> {
  if (link && link.latencyMs > 0) await sleep(link.latencyMs);
}

export async function writeShaped(res: ServerResponse, body: Buffer, link: Link): Promise<void> {
  const bucket = link.bucket;
  if (!bucket) {
    res.end(body);
    return;
  }
  let off = 0;
  while (off < body.length) {
    if (res.destroyed) return;
    const now = Date.now();
    const n = Math.min(bucket.chunkSize(now), body.length - off);
    const wait = bucket.reserve(n, now);
    if (wait >= 1) await sleep(wait);
    if (res.destroyed) return;
    const ok = res.write(body.subarray(off, off + n));
    off += n;
    if (!ok) {
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
  }
  if (!res.destroyed) res.end();
}
