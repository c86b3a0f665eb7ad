/**
 * Popularity-aware GreedyDual for segment caches ("popularity"; the default is now "lookahead").
 * Video keys come in groups: every file of one title (`<title>/…`, the first path component). Viewers read a
 * title's segments in order, so a segment's chance of being read again is best predicted by how popular its
 * title is, not by its own (young) history: a segment is usually cached on its first read, long before it has
 * a history of its own. Each group has a request count; its priority is L + count, where L is the priority of
 * the last eviction (GreedyDual inflation, so old popularity ages out). Evict from the lowest-priority group
 * with cached objects, least recently used object first. Counts are halved every `agingEvents` requests.
 * bench/cache-sim compares it with LRU, S3-FIFO and Belady (grouping by title beat grouping by rendition there).
 */
import type { EvictionPolicy } from './policy.ts';
import { PriorityHeap } from './priority-heap.ts';

/** The title of a media key: its first path component (the whole key when it has none). */
export function groupOf(key: string): string {
  const slash = key.indexOf('/');
  return slash > 0 ? key.slice(0, slash) : key;
}

interface Group {
  name: string;
  count: number;
  priority: number;
  /** Cached keys of this group in recency order. */
  keys: Map<string, true>;
}


export class PopularityPolicy implements EvictionPolicy {
  readonly name = 'popularity';
  private readonly groups = new Map<string, Group>();
  private readonly keyGroup = new Map<string, Group>();
  private readonly heap = new PriorityHeap<Group>();
  private L = 0;
  private events = 0;

  constructor(private readonly groupFn: (key: string) => string = groupOf, private readonly agingEvents = 200_000) {}

  private group(key: string): Group {
    const name = this.groupFn(key);
    let g = this.groups.get(name);
    if (!g) {
      g = { name, count: 0, priority: 0, keys: new Map() };
      this.groups.set(name, g);
    }
    return g;
  }

  private bump(g: Group): void {
    g.count++;
    g.priority = this.L + g.count;
    if (g.keys.size > 0) this.heap.push(g.priority, g);
    if (++this.events % this.agingEvents === 0) this.age();
  }

  private age(): void {
    this.heap.clear();
    for (const [name, g] of this.groups) {
      g.count = Math.floor(g.count / 2);
      g.priority = this.L + g.count;
      if (g.keys.size > 0) this.heap.push(g.priority, g);
      else if (g.count === 0) this.groups.delete(name);
    }
  }

  insert(key: string): void {
    const g = this.group(key);
    g.keys.delete(key);
    g.keys.set(key, true);
    this.keyGroup.set(key, g);
    this.bump(g); // the miss is a request too
    if (this.heap.size > 4 * (this.groups.size + 64)) this.compact();
  }

  touch(key: string): void {
    const g = this.keyGroup.get(key);
    if (!g) return;
    g.keys.delete(key);
    g.keys.set(key, true);
    this.bump(g);
  }

  remove(key: string): void {
    const g = this.keyGroup.get(key);
    if (!g) return;
    this.keyGroup.delete(key);
    g.keys.delete(key);
  }

  evict(): string | undefined {
    for (;;) {
      const top = this.heap.pop();
      if (!top) {
        // heap empty but keys may remain (should not happen): fall back to any key
        const any = this.keyGroup.keys().next();
        if (any.done) return undefined;
        this.remove(any.value);
        return any.value;
      }
      const [prio, g] = top;
      if (prio !== g.priority || g.keys.size === 0) continue; // stale entry
      const first = g.keys.keys().next();
      if (first.done) continue;
      const key = first.value;
      this.remove(key);
      this.L = prio;
      if (g.keys.size > 0) this.heap.push(g.priority, g);
      return key;
    }
  }

  private compact(): void {
    this.heap.clear();
    for (const g of this.groups.values()) if (g.keys.size > 0) this.heap.push(g.priority, g);
  }
}
