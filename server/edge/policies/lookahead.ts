/**
 * "lookahead": a session-aware, position-aware eviction policy for VOD segment caches (the edge's default).
 *
 * Why: an edge cache of video segments is not an ordinary web cache. Viewers read a title's segments in order
 * (k, k+1, … on one rendition, drifting between neighbouring renditions), and many stop early. So the best
 * predictor of whether a cached segment (title T, track r, index k) will be read again is
 *   (a) whether a viewer now playing T is *behind* k on that track (it will probably reach k soon), and
 *   (b) how many new viewers of T arrive and survive to position k (early segments of popular titles are worth
 *       more than late ones, because viewers abandon).
 * Both are estimated online from nothing but the stream of requested keys, in order — what any edge sees. A
 * request for (T, r, k) "advances" a cursor that was at (T, r, k-1) (or at k-1 on another track of T: a rung
 * switch); with no such cursor it opens a new one (a new session, or a seek). Cursors that stop advancing
 * expire (the viewer left). CMCD session ids would make the matching exact; key matching needs no client help.
 *
 * Value of a cached segment = its estimated request rate in the near future:
 *   Σ_cursors behind k   P(viewer survives to k) · P(still on track r) / (expected requests until it gets there)
 *   + (new-session rate of T) · survival(k) · share of T's requests on track r
 * A byte of cache holding an object with rate λ yields λ bytes hit per byte held whatever the object's size, so
 * for the byte hit ratio the value is the rate itself (not divided by size). Keys that are not numbered segments
 * (manifests, init segments, other files) get their own observed request rate (decayed hits / age).
 * Eviction picks the lowest-valued object among a random sample plus a small pool of previous good candidates
 * (values change with every request, so a heap would always be stale; sampling is what Redis and LRB do).
 * The "clock" is the number of requests the policy has seen: pure, no timers, deterministic.
 */
import type { EvictionPolicy } from './policy.ts';
import { mulberry32 } from './seeded-random.ts';

export interface SegmentKey {
  title: string;
  track: string;
  index: number;
}

/**
 * Splits `<title>/…/<prefix><number>[.ext]` into title, track (everything before the number) and index, e.g.
 * `demo/v720p/seg-00012.m4s` → (demo, demo/v720p/seg-, 12), `7/3/41` → (7, 7/3/, 41). The prefix may not contain
 * a dot, so `master.m3u8` or `init.mp4` are not segments. Keys without a `/` are not segments either.
 */
export function parseSegmentKey(key: string): SegmentKey | undefined {
  const slash = key.indexOf('/');
  if (slash <= 0) return undefined;
  const last = key.lastIndexOf('/');
  const m = /^([^.]*?)(\d+)(\.[^./]+)?$/.exec(key.slice(last + 1));
  if (!m) return undefined;
  return { title: key.slice(0, slash), track: key.slice(0, last + 1) + m[1], index: Number(m[2]) };
}

interface Cursor {
  track: string;
  pos: number;
  last: number;
  /** Its tracks over the last `lag` advances, oldest first (to measure how long viewers stay on a rung). */
  trail: string[];
}

/**
 * Positions 0 … RAMP_POSITIONS-1 get their own rung mix (players start low and climb, so the first segments are
 * read on low rungs whatever the viewer's bandwidth); later positions share one mix.
 */
const RAMP_POSITIONS = 8;

interface TitleStats {
  /** Sessions started (cursors opened), decayed with the rest of the counts. */
  starts: number;
  /** Requests for this title, decayed. */
  requests: number;
  /** Requests per track, decayed. */
  trackRequests: Map<string, number>;
  /** reach[k]: cursor arrivals at position k (how many viewers got that far), decayed. */
  reach: number[];
  cursors: Cursor[];
}

interface Obj {
  key: string;
  size: number;
  slot: number;
  seg: SegmentKey | undefined;
  t: TitleStats | undefined;
  /** Decayed request count and first-seen time, for keys that are not segments. */
  hits: number;
  born: number;
  /** Its key in the catalogue-wide rung mix (made on first use: the hit path runs for every request). */
  mixKey?: string;
}

export interface LookaheadOptions {
  /** Random candidates examined per eviction. */
  sample?: number;
  /** A cursor idle for more than `expiry` × (active cursors) requests is considered gone. */
  expiry?: number;
  /** All counts are halved every `halfLife` requests so popularity follows the catalogue as it changes. */
  halfLife?: number;
  seed?: number;
  /** Reach counts are averaged over ±`smooth` positions (fewer near the start). */
  smooth?: number;
  /**
   * Admit a missed object only if its value exceeds `admission` × the value of what it displaces. Off (0) by
   * default: in bench:cache it moved the byte hit ratio by ~0.1 point, and an edge that always stores what it
   * fills is simpler to reason about (every miss is a fill, as the edge tests expect).
   */
  admission?: number;
  /**
   * Weight of the catalogue-wide survival curve against the title's own reach counts when estimating how many
   * new viewers of a title get to position k: a title's own counts are a handful of viewers for most titles,
   * while how long viewers stay depends little on which title they watch (4: the pooled curve counts 4×).
   */
  pooledSurvivalWeight?: number;
  /** Segments after which a cursor's track is compared with its track now, to measure rung persistence. */
  persistenceLag?: number;
}

export class LookaheadPolicy implements EvictionPolicy {
  readonly name = 'lookahead';
  private readonly objs = new Map<string, Obj>();
  private readonly slots: Obj[] = [];
  private readonly titles = new Map<string, TitleStats>();
  private pool: Obj[] = [];
  private clock = 0;
  private active = 0;
  /** Probability that a cursor's next request stays on its track (online: advances on same track / all). */
  private stay = 0.95;
  private stayN = 20;
  private stayS = 19;
  private totalRequests = 0;
  /**
   * Requests seen, decayed like the counts: a decayed count divided by this is a rate per request tick with
   * no bias (dividing by a fixed window would swing between 0.5× and 1× the rate over each half-life).
   */
  private decayedTicks = 0;
  /** Seeded (mulberry32) so that simulations and tests are reproducible. */
  private readonly rand: () => number;
  private readonly sample: number;
  private readonly expiry: number;
  private readonly halfLife: number;
  private readonly smooth: number;
  private readonly admission: number;
  /** Requests per (position bucket, rung), decayed: the rung mix by position, pooled over all titles. */
  private readonly mix = new Map<string, number>();
  private readonly mixTotal: number[] = [];
  private readonly pooledWeight: number;
  /** Pooled survival: share of the sessions of titles at least k+1 segments long that reach k (see expire()). */
  private survivalG: number[] = [];
  /**
   * Kept up to date on every request so that expire() derives survivalG in O(longest title), not O(titles ×
   * positions): reachG[k] = Σ over titles of reach[k]; startsByLen[L] = Σ starts of the titles whose reach array
   * has length L (positions 0 … L-1 seen).
   */
  private readonly reachG: number[] = [];
  private readonly startsByLen: number[] = [];
  private readonly lag: number;
  /** Advances whose track equals the cursor's track `lag` segments earlier / all such advances, decayed. */
  private lagSame = 1;
  private lagN = 2;
  /** Long-run share of a viewer's segments on the track it is on now (fitted in expire()). */
  private homeShare = 0;

  constructor(o: LookaheadOptions = {}) {
    this.sample = o.sample ?? 32;
    this.expiry = o.expiry ?? 6;
    this.halfLife = o.halfLife ?? 200_000;
    this.rand = mulberry32(o.seed ?? 1);
    this.smooth = o.smooth ?? 4;
    this.admission = o.admission ?? 0;
    this.pooledWeight = o.pooledSurvivalWeight ?? 4;
    this.lag = Math.max(2, Math.trunc(o.persistenceLag ?? 16));
  }

  private titleOf(name: string): TitleStats {
    let t = this.titles.get(name);
    if (!t) {
      t = { starts: 0, requests: 0, trackRequests: new Map(), reach: [], cursors: [] };
      this.titles.set(name, t);
    }
    return t;
  }

  /** Records one request (hit or miss): moves or opens a cursor and updates the counts. */
  private observe(o: Obj): void {
    this.clock++;
    this.totalRequests++;
    this.decayedTicks++;
    o.hits++;
    const seg = o.seg;
    const t = o.t;
    if (seg && t) {
      const lenBefore = t.reach.length;
      const startsBefore = t.starts;
      t.requests++;
      t.trackRequests.set(seg.track, (t.trackRequests.get(seg.track) ?? 0) + 1);
      let c: Cursor | undefined;
      let other: Cursor | undefined;
      for (const x of t.cursors) {
        if (x.pos !== seg.index - 1) continue;
        if (x.track === seg.track) {
          c = x;
          break;
        }
        other ??= x;
      }
      if (c || other) {
        const moved = (c ?? other)!;
        this.stayN++;
        if (c) this.stayS++;
        moved.track = seg.track;
        moved.pos = seg.index;
        moved.last = this.clock;
        moved.trail.push(seg.track);
        if (moved.trail.length > this.lag) {
          this.lagN++;
          if (moved.trail.shift() === seg.track) this.lagSame++;
        }
      } else {
        t.cursors.push({ track: seg.track, pos: seg.index, last: this.clock, trail: [seg.track] });
        t.starts++;
        this.active++;
      }
      t.reach[seg.index] = (t.reach[seg.index] ?? 0) + 1;
      this.reachG[seg.index] = (this.reachG[seg.index] ?? 0) + 1;
      if (lenBefore !== t.reach.length || startsBefore !== t.starts) {
        this.startsByLen[lenBefore] = (this.startsByLen[lenBefore] ?? 0) - startsBefore;
        this.startsByLen[t.reach.length] = (this.startsByLen[t.reach.length] ?? 0) + t.starts;
      }
      const mk = (o.mixKey ??= this.mixKey(seg));
      this.mix.set(mk, (this.mix.get(mk) ?? 0) + 1);
      const b = Math.min(seg.index, RAMP_POSITIONS);
      this.mixTotal[b] = (this.mixTotal[b] ?? 0) + 1;
    }
    if (this.clock % 1024 === 0) this.expire();
    if (this.totalRequests % this.halfLife === 0) this.decay();
  }

  /** Drops cursors whose viewer has not come back for much longer than a viewer's usual gap between requests. */
  private expire(): void {
    const limit = this.expiry * Math.max(1, this.active);
    let n = 0;
    for (const t of this.titles.values()) {
      if (t.cursors.length === 0) continue;
      t.cursors = t.cursors.filter((c) => this.clock - c.last <= limit);
      n += t.cursors.length;
    }
    this.active = n;
    this.stay = this.stayS / this.stayN;
    // Rung persistence: P(same track after d advances) = h + (1 − h)·stay^d. A viewer's ABR wanders around
    // the rung its bandwidth sustains and comes back to it, so the chance to be on today's track far ahead
    // does not fall to 0 as stay^d alone would say; h is fitted to the share measured at d = lag.
    const sl = Math.pow(this.stay, this.lag);
    this.homeShare = sl < 1 ? Math.max(0, Math.min(0.95, (this.lagSame / this.lagN - sl) / (1 - sl))) : 0;
    // Pooled survival curve: viewers that reached k / sessions of titles that have a position k (titles
    // whose reach array is longer than k: a suffix sum of startsByLen).
    const survival: number[] = new Array(this.reachG.length);
    let startsLonger = 0;
    for (let L = this.startsByLen.length - 1; L >= 1; L--) {
      startsLonger += this.startsByLen[L] ?? 0;
      const k = L - 1;
      if (k < this.reachG.length) survival[k] = Math.min(1, (this.reachG[k] ?? 0) / Math.max(1e-9, startsLonger));
    }
    this.survivalG = survival;
  }

  /** Key of the catalogue-wide rung mix: position bucket and the track without its title (`/v720p/seg-`). */
  private mixKey(seg: SegmentKey): string {
    return `${Math.min(seg.index, RAMP_POSITIONS)}|${seg.track.slice(seg.title.length)}`;
  }

  private decay(): void {
    // the pooled sums first, so that a title forgotten below takes away exactly its (halved) counts
    for (let i = 0; i < this.reachG.length; i++) if (this.reachG[i] !== undefined) this.reachG[i]! /= 2;
    for (let i = 0; i < this.startsByLen.length; i++) if (this.startsByLen[i] !== undefined) this.startsByLen[i]! /= 2;
    for (const [name, t] of this.titles) {
      t.starts /= 2;
      t.requests /= 2;
      for (const [k, v] of t.trackRequests) t.trackRequests.set(k, v / 2);
      for (let i = 0; i < t.reach.length; i++) if (t.reach[i] !== undefined) t.reach[i]! /= 2;
      if (t.requests < 0.01 && t.cursors.length === 0) {
        // forgotten: its share of the pooled counts goes with it
        this.startsByLen[t.reach.length] = (this.startsByLen[t.reach.length] ?? 0) - t.starts;
        for (let i = 0; i < t.reach.length; i++) this.reachG[i] = (this.reachG[i] ?? 0) - (t.reach[i] ?? 0);
        this.titles.delete(name);
      }
    }
    // Positions only forgotten titles had: drop them (what is left there is rounding, not viewers).
    while (this.startsByLen.length > 0 && Math.abs(this.startsByLen[this.startsByLen.length - 1] ?? 0) < 1e-9) this.startsByLen.pop();
    this.reachG.length = Math.min(this.reachG.length, Math.max(0, this.startsByLen.length - 1));
    for (const o of this.objs.values()) o.hits /= 2;
    this.stayN /= 2;
    this.stayS /= 2;
    this.decayedTicks /= 2;
    this.lagN /= 2;
    this.lagSame /= 2;
    for (const [k, v] of this.mix) this.mix.set(k, v / 2);
    for (let i = 0; i < this.mixTotal.length; i++) this.mixTotal[i]! /= 2;
  }

  /**
   * Viewers of `t` that reached position k, smoothed over ±`smooth` positions: the count at one position is a
   * handful of viewers for most titles, and a viewer's chance to stop does not change from one segment to the next.
   */
  private reachAt(t: TitleStats, k: number): number {
    return this.smoothed(t.reach, k);
  }

  /**
   * a[k] averaged over ±min(smooth, k/2) positions (narrow at the start, where the ABR ramp changes things fast).
   * Positions past the end of `a` count as 0: nobody has been seen there.
   */
  private smoothed(a: number[], k: number): number {
    const w = Math.min(this.smooth, k >> 1);
    let sum = 0;
    for (let j = k - w; j <= k + w && j < a.length; j++) sum += a[j] ?? 0;
    return sum / (2 * w + 1);
  }

  /** Share of viewers of `t` that reach position k among those that reached position p (≤ 1). */
  private survival(t: TitleStats, p: number, k: number): number {
    const a = this.blendedReach(t, p);
    if (a <= 0) return 0.5;
    return Math.min(1, this.blendedReach(t, k) / a);
  }

  /** Viewers of `t` that reach k: its own counts blended with its starts × the pooled survival curve. */
  private blendedReach(t: TitleStats, k: number): number {
    const own = this.reachAt(t, k);
    const sg = this.survivalG[k];
    return sg === undefined ? own : (own + this.pooledWeight * t.starts * sg) / (1 + this.pooledWeight);
  }

  /** Estimated requests per request-tick for the object in the near future (see the header comment). */
  value(o: Obj): number {
    const seg = o.seg;
    const t = o.t;
    const s = Math.max(1, this.active);
    if (!seg || !t) return o.hits / (this.clock - o.born + s);
    let v = 0;
    const limit = this.expiry * s;
    for (const c of t.cursors) {
      const d = seg.index - c.pos;
      if (d <= 0 || this.clock - c.last > limit) continue; // passed, or gone (not yet swept by expire())
      const stayD = this.homeShare + (1 - this.homeShare) * Math.pow(this.stay, d);
      const onTrack = c.track === seg.track ? stayD : (1 - stayD) / Math.max(1, t.trackRequests.size - 1);
      if (onTrack <= 0) continue;
      v += (this.survival(t, c.pos, seg.index) * onTrack) / (d * s);
    }
    // New (and not yet tracked) sessions: viewers of T that get to position k per request tick (T's own reach
    // counts, blended with T's session starts × the pooled survival curve), times the share of viewers at that
    // position on this rung. The share is pooled over the catalogue: a new viewer's rung follows its bandwidth,
    // not the title, and one title's own mix is a few viewers' worth of noise. (bench:cache, with the pooled
    // survival and the persistence fit: +1.0 / +2.1 / +2.7 points of byte hit ratio at 5 / 10 / 20 %.)
    if (t.requests > 0 && this.decayedTicks > 0) {
      const window = this.decayedTicks;
      const share = (this.mix.get((o.mixKey ??= this.mixKey(seg))) ?? 0) / Math.max(1, this.mixTotal[Math.min(seg.index, RAMP_POSITIONS)] ?? 0);
      v += (this.blendedReach(t, seg.index) / window) * share;
    }
    return v;
  }

  /** A key whose request admit() has already recorded, so that insert() does not count it twice. */
  private admitted: string | undefined;

  /**
   * Admission: an object is stored only if its value is above the value of what it would push out (the lowest
   * candidates of a sample), the online counterpart of Belady not admitting objects that will not be read again
   * (e.g. the segment a lone viewer of an unpopular title reads, far into the title).
   */
  admit(key: string, size: number): boolean {
    const seg = parseSegmentKey(key);
    const probe: Obj = { key, size, slot: -1, seg, t: seg ? this.titleOf(seg.title) : undefined, hits: 0, born: this.clock };
    this.observe(probe);
    this.admitted = key;
    if (!this.admission || !seg || this.slots.length === 0) return true;
    const v = this.value(probe);
    const cand = this.candidates();
    // the values of the bytes it would displace, lowest first
    let freed = 0;
    let worth = 0;
    for (const [cv, o] of cand) {
      const take = Math.min(o.size, size - freed);
      worth += cv * take;
      freed += take;
      if (freed >= size) break;
    }
    const threshold = freed > 0 ? worth / freed : 0;
    const ok = v > threshold * this.admission;
    if (!ok) this.admitted = undefined;
    return ok;
  }

  insert(key: string, size: number): void {
    let o = this.objs.get(key);
    if (!o) {
      const seg = parseSegmentKey(key);
      o = { key, size, slot: this.slots.length, seg, t: seg ? this.titleOf(seg.title) : undefined, hits: 0, born: this.clock };
      this.objs.set(key, o);
      this.slots.push(o);
    }
    o.size = size;
    if (this.admitted === key) this.admitted = undefined;
    else this.observe(o); // the miss is a request too
  }

  touch(key: string): void {
    const o = this.objs.get(key);
    if (o) this.observe(o);
  }

  remove(key: string): void {
    const o = this.objs.get(key);
    if (!o) return;
    this.objs.delete(key);
    const lastObj = this.slots.pop()!;
    if (lastObj !== o) {
      this.slots[o.slot] = lastObj;
      lastObj.slot = o.slot;
    }
    o.slot = -1;
  }

  /** Pool + random sample with their current values, lowest first (ties: the oldest first). */
  private candidates(): Array<[number, Obj]> {
    const n = this.slots.length;
    const cand: Array<[number, Obj]> = [];
    for (const o of this.pool) if (o.slot >= 0) cand.push([this.value(o), o]);
    // a small cache is examined whole; a large one through `sample` random objects
    for (let i = 0; i < Math.min(this.sample, n); i++) {
      const o = n <= this.sample ? this.slots[i]! : this.slots[Math.floor(this.rand() * n)]!;
      if (!cand.some((c) => c[1] === o)) cand.push([this.value(o), o]);
    }
    cand.sort((a, b) => a[0] - b[0] || a[1].born - b[1].born);
    this.pool = cand.slice(0, 8).map((c) => c[1]);
    return cand;
  }

  evict(): string | undefined {
    if (this.slots.length === 0) return undefined;
    const victim = this.candidates()[0]![1];
    this.remove(victim.key);
    return victim.key;
  }
}
