/** Hit counting shared by every cache simulator: requests from `measureFrom` on count, earlier ones warm up. */
export interface HitCounts {
  hits: number;
  hitBytes: number;
  bytes: number;
  requests: number;
}

export class HitTally {
  private readonly c: HitCounts = { hits: 0, hitBytes: 0, bytes: 0, requests: 0 };

  constructor(private readonly measureFrom = 0) {}

  /** Request number `i` of `size` bytes, served from the cache or not. */
  count(i: number, size: number, hit: boolean): void {
    if (i < this.measureFrom) return;
    this.c.requests++;
    this.c.bytes += size;
    if (hit) {
      this.c.hits++;
      this.c.hitBytes += size;
    }
  }

  result(): HitCounts {
    return { ...this.c };
  }
}
