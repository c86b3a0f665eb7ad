import { describe, expect, it } from 'vitest';
import { nextUses, simulateBelady } from '../../bench/cache-sim/belady.ts';
import { simulateSessionOracle } from '../../bench/cache-sim/session-oracle.ts';
import { simulateStaticOracle } from '../../bench/cache-sim/static-oracle.ts';
import { DEFAULT_WORKLOAD, makeWorkload, type Request } from '../../bench/cache-sim/workload.ts';

const r = (key: string, session: number, size = 100): Request => ({ key, size, session });

describe('cache simulator yardsticks', () => {
  it('Belady keeps what is read again soonest (hand-counted trace)', () => {
    // room for 2 objects: a b c a b → on c, b is next used before a? no: a (index 3) before b (4), so b goes
    const trace = [r('a', 0), r('b', 0), r('c', 0), r('a', 0), r('b', 0)];
    const res = simulateBelady(trace, 200, nextUses(trace));
    // c is never read again: not admitted, so a and b both hit
    expect(res).toMatchObject({ hits: 2, requests: 5, hitBytes: 200, bytes: 500 });
  });

  it("session-oracle keeps what a viewer already watching will read again", () => {
    // session 1 starts by reading x then reads a again later; session 2 (not started yet) will read b.
    // Room for one object: on b's arrival the oracle knows session 1's re-read of a, not session 2's of b.
    const trace = [r('a', 1), r('b', 1), r('a', 1), r('b', 2)];
    const res = simulateSessionOracle(trace, 100);
    expect(res.hits).toBe(1); // a hits; b (read again by a session not yet started) was not kept
    const belady = simulateBelady(trace, 100, nextUses(trace));
    expect(belady.hits).toBe(1);
  });

  it('orders the yardsticks on the bench workload: static-oracle ≤ session-oracle ≤ Belady (byte hit ratio)', () => {
    const wl = makeWorkload({ ...DEFAULT_WORKLOAD, requests: 40_000, titles: 40 });
    const warm = 10_000;
    const cap = Math.floor(wl.catalogueBytes * 0.1);
    const ratio = (x: { hitBytes: number; bytes: number }) => x.hitBytes / x.bytes;
    const st = ratio(simulateStaticOracle(wl.requests, cap, warm));
    const so = ratio(simulateSessionOracle(wl.requests, cap, warm));
    const bel = ratio(simulateBelady(wl.requests, cap, nextUses(wl.requests), warm));
    expect(so).toBeGreaterThan(st);
    expect(bel).toBeGreaterThan(so);
  });

  it('tags every request with its viewing session, sessions numbered in order of creation', () => {
    const wl = makeWorkload({ ...DEFAULT_WORKLOAD, requests: 5000, titles: 10 });
    const perSession = new Map<number, string[]>();
    for (const q of wl.requests) perSession.set(q.session, [...(perSession.get(q.session) ?? []), q.key]);
    expect(perSession.size).toBeGreaterThan(DEFAULT_WORKLOAD.concurrentViewers);
    // a session reads one title, positions in order 0, 1, 2, …
    for (const keys of perSession.values()) {
      const titles = new Set(keys.map((k) => k.split('/')[0]));
      expect(titles.size).toBe(1);
      keys.forEach((k, i) => expect(Number(k.split('/')[2])).toBe(i));
    }
  });
});
