/** A byte-bounded object cache with a pluggable eviction policy. Pure (no I/O). */
import type { EvictionPolicy, PolicyName } from './policies/policy.ts';
import { LruPolicy } from './policies/lru.ts';
import { S3FifoPolicy } from './policies/s3-fifo.ts';
import { PopularityPolicy } from './policies/popularity.ts';
import { LookaheadPolicy } from './policies/lookahead.ts';

export function createPolicy(name: PolicyName, capacityBytes: number): EvictionPolicy {
  switch (name) {
    case 'lru':
      return new LruPolicy();
    case 's3fifo':
      return new S3FifoPolicy(capacityBytes);
    case 'popularity':
      return new PopularityPolicy();
    case 'lookahead':
      return new LookaheadPolicy();
    default:
      throw new Error(`unknown cache policy "${String(name)}": use lru, s3fifo, popularity or lookahead`);
  }
}

export class ByteCache<V> {
  private readonly entries = new Map<string, { value: V; size: number }>();
  private used = 0;
  evictions = 0;
  evictedBytes = 0;
  /** Objects the policy declined to admit (not stored; served once and forgotten). */
  rejections = 0;

  constructor(
    readonly capacityBytes: number,
    readonly policy: EvictionPolicy,
  ) {
    if (!(capacityBytes > 0)) throw new Error('cache capacity must be a positive number of bytes');
  }

  get bytes(): number {
    return this.used;
  }
  get size(): number {
    return this.entries.size;
  }

  /** Returns the value and records an access. */
  get(key: string): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    this.policy.touch(key);
    return e.value;
  }

  /** Looks without counting an access. */
  peek(key: string): V | undefined {
    return this.entries.get(key)?.value;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Stores the value; objects larger than the whole cache, or declined by the policy's admit(), are not stored (returns false). */
  set(key: string, value: V, size: number): boolean {
    const old = this.entries.get(key);
    if (old) {
      this.entries.delete(key);
      this.used -= old.size;
      this.policy.remove(key);
    }
    if (size > this.capacityBytes) return false;
    if (this.used + size > this.capacityBytes && this.policy.admit && !this.policy.admit(key, size)) {
      this.rejections++;
      return false;
    }
    while (this.used + size > this.capacityBytes) {
      const victim = this.policy.evict();
      if (victim === undefined) break;
      const e = this.entries.get(victim);
      if (!e) continue;
      this.entries.delete(victim);
      this.used -= e.size;
      this.evictions++;
      this.evictedBytes += e.size;
    }
    this.entries.set(key, { value, size });
    this.used += size;
    this.policy.insert(key, size);
    return true;
  }

  /** Replaces the value of a cached key without counting an access (e.g. a revalidated manifest). */
  replace(key: string, value: V, size: number): void {
    const e = this.entries.get(key);
    if (e && e.size === size) {
      e.value = value;
      return;
    }
    this.set(key, value, size);
  }

  delete(key: string): boolean {
    const e = this.entries.get(key);
    if (!e) return false;
    this.entries.delete(key);
    this.used -= e.size;
    this.policy.remove(key);
    return true;
  }

  keys(): IterableIterator<string> {
    return this.entries.keys();
  }
}
