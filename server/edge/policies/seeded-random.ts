/**
 * mulberry32: a small seeded generator of floats in [0, 1). Simulations and
 * tests must be reproducible, which Math.random is not. One copy for the edge's
 * sampling (lookahead.ts), the cache simulator's workload and the ABR lab's
 * generated traces (it was three).
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
