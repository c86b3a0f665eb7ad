/**
 * A binary min-heap of [priority, value] entries: the eviction queue of priority-based policies and of the
 * simulator's Belady. Entries are never updated in place; callers push a fresh entry and skip stale ones
 * when they pop (cheaper than a decrease-key index for these workloads). Pure.
 */
export class PriorityHeap<T> {
  private a: Array<[number, T]> = [];

  get size(): number {
    return this.a.length;
  }

  push(priority: number, value: T): void {
    const a = this.a;
    a.push([priority, value]);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]![0] <= a[i]![0]) break;
      [a[p], a[i]] = [a[i]!, a[p]!];
      i = p;
    }
  }

  peek(): [number, T] | undefined {
    return this.a[0];
  }

  /** Removes and returns the entry with the lowest priority. */
  pop(): [number, T] | undefined {
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
        if (l < a.length && a[l]![0] < a[m]![0]) m = l;
        if (r < a.length && a[r]![0] < a[m]![0]) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }

  clear(): void {
    this.a = [];
  }
}
