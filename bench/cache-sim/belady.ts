/** Belady's offline policy for the simulator: evict the cached object whose next use is farthest away. */
import type { Request } from './workload.ts';
import { HitTally, type HitCounts } from './hit-tally.ts';
import { PriorityHeap } from '../../server/edge/policies/priority-heap.ts';


export function nextUses(reqs: Request[]): Float64Array {
  const next = new Float64Array(reqs.length);
  const last = new Map<string, number>();
  for (let i = reqs.length - 1; i >= 0; i--) {
    const k = reqs[i]!.key;
    next[i] = last.get(k) ?? Infinity;
    last.set(k, i);
  }
  return next;
}

export function simulateBelady(reqs: Request[], capacity: number, next: Float64Array, measureFrom = 0): HitCounts {
  const cached = new Map<string, { next: number; size: number }>();
  // Farthest next use first: a min-heap on the negated next-use index.
  const heap = new PriorityHeap<string>();
  let used = 0;
  const tally = new HitTally(measureFrom);
  for (let i = 0; i < reqs.length; i++) {
    const { key, size } = reqs[i]!;
    const n = next[i]!;
    const e = cached.get(key);
    tally.count(i, size, e !== undefined);
    if (e) {
      e.next = n;
      heap.push(-n, key);
      continue;
    }
    if (n === Infinity || size > capacity) continue; // never used again: do not admit
    cached.set(key, { next: n, size });
    heap.push(-n, key);
    used += size;
    while (used > capacity) {
      const top = heap.pop();
      if (!top) break;
      const c = cached.get(top[1]);
      if (!c || c.next !== -top[0]) continue; // stale heap entry
      cached.delete(top[1]);
      used -= c.size;
    }
  }
  return tally.result();
}
