/**
 * S3-FIFO (Yang et al., SOSP'23), byte-aware: a small FIFO (10 % of the bytes) filters one-hit wonders,
 * a main FIFO with 2-bit frequency and lazy re-insertion holds the rest, and a ghost FIFO of recently
 * evicted keys sends returning objects straight to main.
 */
import type { EvictionPolicy } from './policy.ts';

interface Node {
  size: number;
  freq: number;
  inMain: boolean;
}

/** A FIFO queue of keys with O(1) push/shift (array with head index, compacted occasionally). */
class KeyQueue {
  private items: string[] = [];
  private head = 0;
  push(k: string): void {
    this.items.push(k);
  }
  shift(): string | undefined {
    if (this.head >= this.items.length) return undefined;
    const k = this.items[this.head++];
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return k;
  }
  get length(): number {
    return this.items.length - this.head;
  }
}

export class S3FifoPolicy implements EvictionPolicy {
  readonly name = 's3fifo';
  private readonly nodes = new Map<string, Node>();
  private readonly small = new KeyQueue();
  private readonly main = new KeyQueue();
  private smallBytes = 0;
  private mainBytes = 0;
  private readonly ghost = new Map<string, true>();
  private readonly smallTarget: number;

  constructor(
    private readonly capacityBytes: number,
    smallRatio = 0.1,
    /** Accesses while in the small queue needed to be promoted to main. */
    private readonly promoteThreshold = 1,
  ) {
    this.smallTarget = Math.max(1, capacityBytes * smallRatio);
  }

  insert(key: string, size: number): void {
    if (this.nodes.has(key)) this.remove(key);
    const toMain = this.ghost.delete(key);
    const node: Node = { size, freq: 0, inMain: toMain };
    this.nodes.set(key, node);
    if (toMain) {
      this.main.push(key);
      this.mainBytes += size;
    } else {
      this.small.push(key);
      this.smallBytes += size;
    }
  }

  touch(key: string): void {
    const n = this.nodes.get(key);
    if (n && n.freq < 3) n.freq++;
  }

  remove(key: string): void {
    const n = this.nodes.get(key);
    if (!n) return;
    this.nodes.delete(key); // queue entries are skipped lazily
    if (n.inMain) this.mainBytes -= n.size;
    else this.smallBytes -= n.size;
  }

  evict(): string | undefined {
    let guard = this.nodes.size * 2 + 8;
    while (this.nodes.size > 0 && guard-- > 0) {
      const fromSmall = (this.smallBytes >= this.smallTarget && this.small.length > 0) || this.main.length === 0;
      const victim = fromSmall ? this.evictSmall() : this.evictMain();
      if (victim !== undefined) return victim;
    }
    // Defensive fallback (inconsistent queues): evict any key.
    const any = this.nodes.keys().next();
    if (any.done) return undefined;
    this.remove(any.value);
    return any.value;
  }

  private evictSmall(): string | undefined {
    for (;;) {
      const key = this.small.shift();
      if (key === undefined) return undefined;
      const n = this.nodes.get(key);
      if (!n || n.inMain) continue; // stale queue entry
      this.smallBytes -= n.size;
      if (n.freq >= this.promoteThreshold) {
        n.inMain = true;
        n.freq = 0;
        this.main.push(key);
        this.mainBytes += n.size;
        if (this.smallBytes < this.smallTarget) return undefined; // let evict() re-decide which queue
        continue;
      }
      this.nodes.delete(key);
      this.addGhost(key);
      return key;
    }
  }

  private evictMain(): string | undefined {
    for (;;) {
      const key = this.main.shift();
      if (key === undefined) return undefined;
      const n = this.nodes.get(key);
      if (!n || !n.inMain) continue;
      if (n.freq > 0) {
        n.freq--;
        this.main.push(key);
        continue;
      }
      this.mainBytes -= n.size;
      this.nodes.delete(key);
      return key;
    }
  }

  private addGhost(key: string): void {
    this.ghost.set(key, true);
    // The ghost remembers about as many keys as the main queue holds.
    const limit = Math.max(16, this.nodes.size);
    while (this.ghost.size > limit) {
      const first = this.ghost.keys().next();
      if (first.done) break;
      this.ghost.delete(first.value);
    }
  }
}
