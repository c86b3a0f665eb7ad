/** Belady's offline policy for the simulator: evict the cached object whose next use is farthest away. */
import type { Request } from './workload.ts';

class MaxHeap {
  private a: Array<[number, string]> = [];
  push(v: [number, string]): void {
    const a = this.a;
    a.push(v);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]![0] >= a[i]![0]) break;
      [a[p], a[i]] = [a[i]!, a[p]!];
      i = p;
    }
  }
  pop(): [number, string] | undefined {
    const a = this.a;
    if (a.length === 0) return undefined;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l]![0] > a[m]![0]) m = l;
        if (r < a.length && a[r]![0] > a[m]![0]) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }
}

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
  const heap = new MaxHeap();
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
      heap.push([n, key]);
      continue;
    }
    if (n === Infinity || size > capacity) continue; // never used again: do not admit
    cached.set(key, { next: n, size });
    heap.push([n, key]);
    used += size;
    while (used > capacity) {
      const top = heap.pop();
      if (!top) break;
      const c = cached.get(top[1]);
      if (!c || c.next !== top[0]) continue; // stale heap entry
      cached.delete(top[1]);
      used -= c.size;
    }
  }
  return { hits, hitBytes, bytes, requests };
}
