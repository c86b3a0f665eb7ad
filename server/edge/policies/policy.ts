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
  /**
   * Optional admission control, asked on a miss when the object does not fit without evicting: false keeps the
   * object out of the cache (the request still counts for the policy, and insert() is not called). Policies
   * without it admit everything. Belady's offline policy never admits an object that will not be read again;
   * an online policy can only estimate that.
   */
  admit?(key: string, size: number): boolean;
}

export type PolicyName = 'lru' | 's3fifo' | 'popularity' | 'lookahead';
export const POLICY_NAMES: PolicyName[] = ['lru', 's3fifo', 'popularity', 'lookahead'];
