/** Least-recently-used: a Map in recency order (insertion order, re-inserted on touch). */
import type { EvictionPolicy } from './policy.ts';

export class LruPolicy implements EvictionPolicy {
  readonly name = 'lru';
  private readonly order = new Map<string, true>();

  insert(key: string): void {
    this.order.delete(key);
    this.order.set(key, true);
  }

  touch(key: string): void {
    if (this.order.delete(key)) this.order.set(key, true);
  }

  remove(key: string): void {
    this.order.delete(key);
  }

  evict(): string | undefined {
    const first = this.order.keys().next();
    if (first.done) return undefined;
    this.order.delete(first.value);
    return first.value;
  }
}
