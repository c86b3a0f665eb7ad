/**
 * A circuit breaker in front of origin fetches (as Hystrix did). Pure: the caller passes the clock.
 * closed --(failureThreshold consecutive failures)--> open --(openMs elapsed)--> half-open
 * half-open: up to halfOpenProbes concurrent trial requests; a success closes, a failure re-opens.
 */
export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  failureThreshold?: number;
  openMs?: number;
  halfOpenProbes?: number;
}

export class CircuitBreaker {
  private _state: BreakerState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private probes = 0;
  transitions = 0;
  readonly failureThreshold: number;
  readonly openMs: number;
  readonly halfOpenProbes: number;
  onTransition?: (from: BreakerState, to: BreakerState) => void;

  constructor(opts: BreakerOptions = {}) {
    this.failureThreshold = opts.failureThreshold ?? 5;
    this.openMs = opts.openMs ?? 3000;
    this.halfOpenProbes = opts.halfOpenProbes ?? 1;
  }

  state(nowMs: number): BreakerState {
    if (this._state === 'open' && nowMs - this.openedAt >= this.openMs) this.move('half-open');
    return this._state;
  }

  /** May a request go to the origin now? In half-open, this claims a probe slot. */
  allow(nowMs: number): boolean {
    const s = this.state(nowMs);
    if (s === 'closed') return true;
    if (s === 'open') return false;
    if (this.probes >= this.halfOpenProbes) return false;
    this.probes++;
    return true;
  }

  /** ms until an open breaker lets a probe through (0 when not open). */
  retryAfterMs(nowMs: number): number {
    return this.state(nowMs) === 'open' ? Math.max(0, this.openMs - (nowMs - this.openedAt)) : 0;
  }

  success(_nowMs: number): void {
    this.failures = 0;
    if (this._state !== 'closed') this.move('closed');
  }

  failure(nowMs: number): void {
    if (this._state === 'half-open') {
      this.trip(nowMs);
      return;
    }
    this.failures++;
    if (this._state === 'closed' && this.failures >= this.failureThreshold) this.trip(nowMs);
  }

  private trip(nowMs: number): void {
    this.openedAt = nowMs;
    this.move('open');
  }

  private move(to: BreakerState): void {
    const from = this._state;
    if (from === to) return;
    this._state = to;
    this.probes = 0;
    if (to === 'closed') this.failures = 0;
    this.transitions++;
    this.onTransition?.(from, to);
  }
}

export function breakerStateValue(s: BreakerState): number {
  return s === 'closed' ? 0 : s === 'half-open' ? 1 : 2;
}
