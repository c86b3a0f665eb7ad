/**
 * A token bucket in bytes whose fill rate may vary with time (fixed cap or a replayed trace). Pure: the
 * caller passes the clock. Debt model: `reserve(n)` always takes n tokens and returns how long the caller
 * must wait before sending them, so concurrent responses sharing one bucket are serialised fairly.
 */
export type RateFn = (nowMs: number) => number; // bytes per second

export const MIN_RATE_BYTES_PER_SEC = 1000;
export const CATCH_UP_MS = 250; // 8 kbit/s floor so a 0 Mbit/s trace sample stalls without dividing by zero

export class TokenBucket {
  private tokens: number;
  private last: number;
  private lastReserve = -Infinity;

  constructor(
    private readonly rate: RateFn,
    /** Largest burst in bytes (kept small so short downloads also see the configured rate). */
    readonly capacity: number,
    nowMs: number,
  ) {
    this.tokens = capacity;
    this.last = nowMs;
  }

  rateAt(nowMs: number): number {
    return Math.max(MIN_RATE_BYTES_PER_SEC, this.rate(nowMs));
  }

  /**
   * Refill. While a transfer is going on (a reservation less than CATCH_UP_MS ago), tokens may exceed the
   * burst by up to CATCH_UP_MS of data: a sender delayed by a busy event loop catches up instead of losing
   * link time. After an idle gap the bucket holds at most `capacity`, so a new response bursts only that much.
   */
  private refill(nowMs: number): void {
    if (nowMs <= this.last) return;
    const active = nowMs - this.lastReserve <= CATCH_UP_MS;
    const cap = active ? this.capacity + (this.rateAt(nowMs) * CATCH_UP_MS) / 1000 : this.capacity;
    // Integrate the rate in steps of at most 100 ms so trace changes are followed.
    let t = this.last;
    while (t < nowMs && this.tokens < cap) {
      const step = Math.min(100, nowMs - t);
      this.tokens = Math.min(cap, this.tokens + (this.rateAt(t) * step) / 1000);
      t += step;
    }
    this.last = nowMs;
  }

  /** Takes n bytes; returns the wait in ms before they may be sent (0 when tokens were available). */
  reserve(n: number, nowMs: number): number {
    this.refill(nowMs);
    this.lastReserve = nowMs;
    this.tokens -= n;
    if (this.tokens >= 0) return 0;
    return (-this.tokens / this.rateAt(nowMs)) * 1000;
  }

  /** Chunk size that keeps pacing smooth at the current rate: ~20 ms of data, 1 KiB … 64 KiB. */
  chunkSize(nowMs: number): number {
    return Math.max(1024, Math.min(65536, Math.floor(this.rateAt(nowMs) / 50)));
  }
}

export function kbpsToBytesPerSec(kbps: number): number {
  return (kbps * 1000) / 8;
}
