/**
 * "session-oracle": a yardstick for what *any* online policy could reach with perfect knowledge of the viewers
 * already watching. It knows, from the first request of a session on, that session's whole future (every key it
 * will request and when: its rung switches and when it abandons), and it knows every object's realized
 * popularity over the whole trace (as static-oracle does). What it does not know is the sessions that have not
 * started yet: which title a future viewer will pick and on which rung.
 *
 * That is strictly more than an edge can learn (CMCD `sid`, `nor`, `mtp` and the best model of viewers would
 * tell it less), so the gap from this yardstick to Belady is the part of Belady's lead that comes from knowing
 * future arrivals, which no online policy can have.
 *
 * Each cached object's next use is estimated as the earlier of
 *   - its next request by a session already started (exact), and
 *   - now + its mean gap between requests over the trace (future sessions, expected: arrivals are memoryless);
 * eviction removes the object whose estimated next use is farthest, found by sampling (the estimate of an object
 * without a known use moves with the clock, so a heap keyed at insertion would go stale): 64 random candidates
 * plus the best candidates of the previous eviction. Objects are admitted only if their estimated next use is
 * nearer than that of what they would displace (Belady does not admit what is never read again).
 */
import { mulberry32 } from '../../server/edge/policies/seeded-random.ts';
import type { Request } from './workload.ts';
import { HitTally, type HitCounts } from './hit-tally.ts';
import { PriorityHeap } from '../../server/edge/policies/priority-heap.ts';

export function simulateSessionOracle(reqs: Request[], capacity: number, measureFrom = 0, sample = 64): HitCounts {
  // Requests of each session, and the mean request gap of each key over the trace.
  const bySession = new Map<number, number[]>();
  const count = new Map<string, number>();
  for (let i = 0; i < reqs.length; i++) {
    const r = reqs[i]!;
    let l = bySession.get(r.session);
    if (!l) bySession.set(r.session, (l = []));
    l.push(i);
    count.set(r.key, (count.get(r.key) ?? 0) + 1);
  }
  const meanGap = (key: string) => reqs.length / (count.get(key) ?? 1);

  // Known future uses per key (a min-heap of request indices), filled when a session starts.
  const known = new Map<string, PriorityHeap<number>>();
  const started = new Set<number>();
  const nextKnown = (key: string, now: number): number => {
    const h = known.get(key);
    if (!h) return Infinity;
    while (h.size > 0 && h.peek()![0] <= now) h.pop();
    return h.size > 0 ? h.peek()![0] : Infinity;
  };
  const estimate = (key: string, now: number) => Math.min(nextKnown(key, now), now + meanGap(key));

  interface Obj { key: string; size: number; slot: number }
  const objs = new Map<string, Obj>();
  const slots: Obj[] = [];
  let pool: Obj[] = [];
  const rand = mulberry32(12345);
  /** Cached objects worth the least (farthest estimated next use first). */
  const candidates = (now: number): Array<[number, Obj]> => {
    const cand: Array<[number, Obj]> = [];
    const seen = new Set<Obj>();
    for (const o of pool) if (o.slot >= 0 && !seen.has(o)) (seen.add(o), cand.push([estimate(o.key, now), o]));
    const n = slots.length;
    for (let k = 0; k < Math.min(sample, n); k++) {
      const o = n <= sample ? slots[k]! : slots[Math.floor(rand() * n)]!;
      if (!seen.has(o)) (seen.add(o), cand.push([estimate(o.key, now), o]));
    }
    cand.sort((a, b) => b[0] - a[0]);
    pool = cand.slice(0, 16).map((c) => c[1]);
    return cand;
  };
  const removeObj = (o: Obj) => {
    objs.delete(o.key);
    const last = slots.pop()!;
    if (last !== o) {
      slots[o.slot] = last;
      last.slot = o.slot;
    }
    o.slot = -1;
  };

  let used = 0;
  const tally = new HitTally(measureFrom);
  for (let i = 0; i < reqs.length; i++) {
    const { key, size, session } = reqs[i]!;
    if (!started.has(session)) {
      started.add(session);
      for (const j of bySession.get(session)!) {
        if (j <= i) continue;
        const k = reqs[j]!.key;
        let h = known.get(k);
        if (!h) known.set(k, (h = new PriorityHeap<number>()));
        h.push(j, j);
      }
    }
    const hit = objs.has(key);
    tally.count(i, size, hit);
    if (hit) continue;
    if (size > capacity) continue;
    if (used + size > capacity) {
      // Admission: only if this object's next use is nearer than that of the bytes it would push out.
      const mine = estimate(key, i);
      const cand = candidates(i);
      let freed = 0;
      let farthestDisplaced = Infinity;
      for (const [est, o] of cand) {
        if (used - freed + size <= capacity) break;
        farthestDisplaced = Math.min(farthestDisplaced, est);
        freed += o.size;
      }
      if (!(mine < farthestDisplaced)) continue;
      for (const [, o] of cand) {
        if (used + size <= capacity) break;
        if (o.slot < 0) continue;
        removeObj(o);
        used -= o.size;
      }
      while (used + size > capacity && slots.length > 0) {
        const [, o] = candidates(i)[0]!;
        removeObj(o);
        used -= o.size;
      }
    }
    const o: Obj = { key, size, slot: slots.length };
    objs.set(key, o);
    slots.push(o);
    used += size;
  }
  return tally.result();
}
