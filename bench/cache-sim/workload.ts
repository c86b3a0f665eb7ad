/**
 * A synthetic but shaped-like-VOD request trace for one edge: a Zipf-popular catalogue of titles with
 * different lengths, viewers who read a title's segments in order (and often stop early), each on a rung
 * that follows its own bandwidth (ABR start-up ramp, then drift around a "home" rung). Deterministic (seeded).
 *
 * Where the parameters come from (and what is an assumption):
 * - Title popularity: Zipf. VOD measurements report Zipf-like popularity with exponents around 0.6–1.0 for the
 *   head of the catalogue (Yu et al., "Understanding user behavior in large-scale VOD systems", EuroSys 2006;
 *   Cha et al., "I tube, you tube", IMC 2007); α = 0.9 is in that range (`--alpha` to vary it).
 * - Abandonment: most views are partial. Li et al. ("Video browsing – a study of user behavior in online VoD
 *   services", ICCCN 2013, 540 M sessions) find only ~20 % of views watched to completion, users "browsing" with
 *   short partial views; Yu et al. (EuroSys 2006) find roughly half of the sessions ending within the first
 *   10 minutes; Finamore et al. (IMC 2011) report 60 % of YouTube videos watched for less than 20 % of their
 *   duration. Model: 50 % of viewers browse and leave after an exponential time of mean 2 min (capped at the
 *   title's end), 20 % watch to the end, 30 % stop at a uniformly random point.
 * - Titles: 2–30 minutes (shorter than real films to keep the catalogue and the run small), 4 s segments
 *   (Apple's HLS authoring guidance: 6 s; 2–6 s is common), popularity independent of length.
 * - Rungs and mix: a 6-rung 0.4–8 Mbit/s ladder; the share of viewers whose bandwidth sustains each rung
 *   (`rungMix`, their "home" rung) is an assumption, weighted to the 3–5 Mbit/s rungs of broadband viewers.
 * - ABR: players start low and climb (hls.js starts from a ~0.5 Mbit/s default estimate): a session starts at
 *   most at rung 1 and climbs one rung per segment to its home rung; then with probability `switchProb` per
 *   segment it moves one rung, two times out of three towards home (bandwidth fluctuates around a typical value;
 *   an unbiased random walk would drift every long session towards a uniform rung mix, which no service sees).
 * - Arrivals: a closed population of `concurrentViewers` sessions; when one ends a new one starts (so sessions
 *   arrive over time at the rate they end); each request comes from a uniformly random active session, i.e.
 *   every session fetches segments at the same average rate, as players do in steady state.
 * The trace carries what an edge sees: the requested key and its size, in order, and the viewing session the
 * request belongs to (an edge sees that too when players send CMCD `sid`; the edge's policies are given only key
 * and size, the session-oracle yardstick uses the session).
 */

import { mulberry32 } from '../../server/edge/policies/seeded-random.ts';

export interface Request {
  key: string;
  size: number;
  /** Viewing session, numbered in order of start. */
  session: number;
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
  /** Chance per segment that a viewer's ABR moves one rung (towards its home rung 2 times out of 3). */
  switchProb: number;
  /** Abandonment mixture: share of browsers (leave after Exp(mean browseSec)), share watching to the end. */
  browseShare: number;
  browseSec: number;
  completeShare: number;
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
  browseShare: 0.5,
  browseSec: 120,
  completeShare: 0.2,
  seed: 42,
};

export interface Workload {
  requests: Request[];
  catalogueBytes: number;
  uniqueBytesRequested: number;
  titles: number;
}

export function makeWorkload(o: WorkloadOptions = DEFAULT_WORKLOAD): Workload {
  const rand = mulberry32(o.seed);
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
  interface Viewer { id: number; title: number; rung: number; home: number; seg: number; stopAt: number }
  let sessions = 0;
  const newViewer = (): Viewer => {
    const title = pickTitle();
    const n = segCount[title] ?? 1;
    const u = rand();
    let stopAt: number;
    if (u < o.browseShare) stopAt = Math.ceil((-Math.log(1 - rand()) * o.browseSec) / o.segmentSec);
    else if (u < o.browseShare + o.completeShare) stopAt = n;
    else stopAt = Math.ceil(rand() * n);
    const home = pickRung();
    return { id: sessions++, title, rung: Math.min(home, 1), home, seg: 0, stopAt: Math.max(1, Math.min(n, stopAt)) };
  };
  const viewers: Viewer[] = Array.from({ length: o.concurrentViewers }, newViewer);
  const requests: Request[] = [];
  const seen = new Set<string>();
  let uniqueBytesRequested = 0;
  while (requests.length < o.requests) {
    const i = Math.floor(rand() * viewers.length);
    const v = viewers[i]!;
    if (v.seg > 0) {
      if (v.seg <= 6 && v.rung < v.home) v.rung++; // start-up ramp
      else if (rand() < o.switchProb) {
        const toHome = v.rung === v.home ? 0 : v.rung < v.home ? 1 : -1;
        const step = toHome !== 0 && rand() < 2 / 3 ? toHome : rand() < 0.5 ? 1 : -1;
        v.rung = Math.max(0, Math.min(o.rungsMbps.length - 1, v.rung + step));
      }
    }
    const key = `${v.title}/${v.rung}/${v.seg}`;
    const size = sizeOf(v.title, v.rung, v.seg);
    requests.push({ key, size, session: v.id });
    if (!seen.has(key)) {
      seen.add(key);
      uniqueBytesRequested += size;
    }
    v.seg++;
    if (v.seg >= v.stopAt) viewers[i] = newViewer();
  }
  return { requests, catalogueBytes, uniqueBytesRequested, titles: o.titles };
}
