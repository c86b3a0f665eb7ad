/**
 * The best *static* cache for a trace, an upper bound for frequency/popularity-based online policies: an oracle
 * that knows every object's request count over the measured part of the trace fills the cache (pre-warmed, never
 * changes) with the objects of most requests per byte — for the byte hit ratio a byte of an object requested n
 * times yields n hit bytes, so objects are ranked by n (by n / size for the object hit ratio; we rank for bytes).
 * Like every cache it still misses an object's first request ever (compulsory miss), so it is comparable with
 * Belady and the online policies, which all see the warm-up part of the trace.
 * The gap between Belady and this oracle is what only knowledge of *when* objects are requested can win.
 */
import type { Request } from './workload.ts';
import type { HitCounts } from './hit-tally.ts';

export function simulateStaticOracle(reqs: Request[], capacity: number, measureFrom = 0): HitCounts {
  const count = new Map<string, { n: number; size: number }>();
  const seenBefore = new Set<string>();
  for (let i = 0; i < measureFrom; i++) seenBefore.add(reqs[i]!.key);
  let bytes = 0;
  let requests = 0;
  for (let i = measureFrom; i < reqs.length; i++) {
    const { key, size } = reqs[i]!;
    bytes += size;
    requests++;
    const c = count.get(key);
    if (c) c.n++;
    else count.set(key, { n: seenBefore.has(key) ? 1 : 0, size }); // n = hits it can give: not the first request ever
  }
  const ranked = [...count.values()].sort((a, b) => b.n - a.n || a.size - b.size);
  let used = 0;
  let hits = 0;
  let hitBytes = 0;
  for (const c of ranked) {
    if (used + c.size > capacity) continue;
    used += c.size;
    hits += c.n;
    hitBytes += c.n * c.size;
  }
  return { hits, hitBytes, bytes, requests };
}
