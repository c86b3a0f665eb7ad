/**
 * A synthetic but shaped-like-VOD request trace for one edge: a Zipf-popular catalogue of titles with
 * different lengths, viewers who read a title's segments in order (and often stop early), each on a rung
 * drawn from a realistic mix and drifting between neighbouring rungs. Deterministic (seeded).
 */
export interface Request {
  key: string;
  size: number;
}

export interface WorkloadOptions {
  titles: number;
  zipfAlpha: number;
  requests: number;
  concurrentViewers: number;
  segmentSec: number;
  /** Rung bitrates (Mbit/s) and the share of viewers starting on each. */
  rungsMbps: number[];
  rungMix: number[];
  /** Chance per segment that a viewer's ABR moves one rung (half up, half down). */
  switchProb: number;
  seed: number;
}

export const DEFAULT_WORKLOAD: WorkloadOptions = {
  titles: 150,
  zipfAlpha: 0.9,
  requests: 400_000,
  concurrentViewers: 64,
  segmentSec: 4,
  rungsMbps: [0.4, 0.8, 1.5, 3, 5, 8],
  rungMix: [0.05, 0.1, 0.2, 0.3, 0.25, 0.1],
  switchProb: 0.04,
  seed: 42,
};

export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Workload {
  requests: Request[];
  catalogueBytes: number;
  uniqueBytesRequested: number;
  titles: number;
}

export function makeWorkload(o: WorkloadOptions = DEFAULT_WORKLOAD): Workload {
  const rand = rng(o.seed);
  // titles: 2 to 30 minutes
  const segCount: number[] = [];
  for (let t = 0; t < o.titles; t++) segCount.push(Math.round((120 + rand() * 1680) / o.segmentSec));
  // sizes: bitrate × duration with ±30 % per-segment variation (deterministic per key)
  const sizeOf = (t: number, r: number, s: number) => {
    const h = Math.sin(t * 12.9898 + r * 78.233 + s * 37.719) * 43758.5453;
    const noise = 0.7 + 0.6 * (h - Math.floor(h));
    return Math.round(((o.rungsMbps[r] ?? 1) * 1e6 * o.segmentSec * noise) / 8);
  };
  let catalogueBytes = 0;
  for (let t = 0; t < o.titles; t++) for (let r = 0; r < o.rungsMbps.length; r++) for (let s = 0; s < (segCount[t] ?? 0); s++) catalogueBytes += sizeOf(t, r, s);
  // Zipf CDF over titles (title 0 most popular)
  const w = Array.from({ length: o.titles }, (_, i) => 1 / Math.pow(i + 1, o.zipfAlpha));
  const total = w.reduce((a, b) => a + b, 0);
  const cdf: number[] = [];
  let acc = 0;
  for (const x of w) cdf.push((acc += x / total));
  const pickTitle = () => {
    const u = rand();
    let lo = 0;
    let hi = cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cdf[mid] ?? 1) >= u) hi = mid;
      else lo = mid + 1;
    }
    // a random permutation keeps popularity independent of title length
    return (lo * 7919) % o.titles;
  };
  const pickRung = () => {
    const u = rand();
    let a = 0;
    for (let r = 0; r < o.rungMix.length; r++) if (u < (a += o.rungMix[r] ?? 0)) return r;
    return o.rungMix.length - 1;
  };
  interface Viewer { title: number; rung: number; seg: number; stopAt: number }
  const newViewer = (): Viewer => {
    const title = pickTitle();
    const n = segCount[title] ?? 1;
    // a third stop in the first minutes, the rest watch a large part or all
    const frac = rand() < 0.35 ? rand() * 0.1 : 0.3 + rand() * 0.7;
    return { title, rung: pickRung(), seg: 0, stopAt: Math.max(1, Math.round(n * frac)) };
  };
  const viewers: Viewer[] = Array.from({ length: o.concurrentViewers }, newViewer);
  const requests: Request[] = [];
  const seen = new Set<string>();
  let uniqueBytesRequested = 0;
  while (requests.length < o.requests) {
    const i = Math.floor(rand() * viewers.length);
    const v = viewers[i]!;
    const u = rand();
    if (u < o.switchProb / 2 && v.rung < o.rungsMbps.length - 1) v.rung++;
    else if (u < o.switchProb && v.rung > 0) v.rung--;
    const key = `${v.title}/${v.rung}/${v.seg}`;
    const size = sizeOf(v.title, v.rung, v.seg);
    requests.push({ key, size });
    if (!seen.has(key)) {
      seen.add(key);
      uniqueBytesRequested += size;
    }
    v.seg++;
    if (v.seg >= v.stopAt) viewers[i] = newViewer();
  }
  return { requests, catalogueBytes, uniqueBytesRequested, titles: o.titles };
}
