/** The eviction-policy interface of the edge cache (and the cache simulator). Pure, byte-aware. */
export interface EvictionPolicy {
  readonly name: string;
  /** A key not currently cached was inserted with this size in bytes. */
  insert(key: string, size: number): void;
  /** A cached key was read. */
  touch(key: string): void;
  /** A cached key was removed by the cache (not through evict()). */
  remove(key: string): void;
  /** Picks a victim among cached keys, forgets it and returns it; undefined when empty. */
  evict(): string | undefined;
}

export type PolicyName = 'lru' | 's3fifo' | 'popularity';
export const POLICY_NAMES: PolicyName[] = ['lru', 's3fifo', 'popularity'];
