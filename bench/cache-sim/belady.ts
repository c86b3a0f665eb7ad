/** Belady's offline policy for the simulator: evict the cached object whose next use is farthest away. */
import type { Request } from './workload.ts';
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

export function simulateBelady(reqs: Request[], capacity: number, next: Float64Array, measureFrom = 0): { hits: number; hitBytes: number; bytes: number; requests: number } {
  const cached = new Map<string, { next: number; size: number }>();
  // Farthest next use first: a min-heap on the negated next-use index.
  const heap = new PriorityHeap<string>();
  let used = 0;
  let hits = 0;
  let hitBytes = 0;
  let bytes = 0;
  let requests = 0;
  for (let i = 0; i < reqs.length; i++) {
    const { key, size } = reqs[i]!;
    const n = next[i]!;
    const measured = i >= measureFrom;
    if (measured) {
      bytes += size;
      requests++;
    }
    const e = cached.get(key);
    if (e) {
      if (measured) {
        hits++;
        hitBytes += size;
      }
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
  return { hits, hitBytes, bytes, requests };
}
