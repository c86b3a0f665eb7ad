/**
 * The offline optimum: the best rung schedule for one trace when the whole trace is known in advance,
 * which no player can know. It is the ceiling the research literature measures ABR algorithms against
 * (Pensieve's `test/dp.cc`), so the lab can say what share of the achievable QoE each algorithm reaches.
 *
 * Search: forward dynamic programming over the simulator's own states. From every kept state each rung
 * is tried with the simulator itself (`PensieveEnv.saveState` / `loadState` / `stepChunk`), so every
 * transition is exact.
 * States after the same chunk are merged when they have the same rung and fall in the same bucket of
 * trace time and of buffer (`timeStepSec`, `bufferStepSec`); the merge keeps the best score so far. With
 * `pareto`, a state is also dropped when another with the same rung and time bucket has at least its
 * buffer and its score (more buffer is worth at least as much, except that above the 60 s cap it makes
 * the player sleep, and then it is only almost so).
 *
 * What it returns is a real schedule, replayed by the same simulator, so its score is achievable: it is
 * a lower bound on the true optimum, and reaches it as the buckets shrink (Pensieve's dp.cc rounds the
 * buffer up and the download time down instead, which gives an optimistic figure). Pure: no I/O.
 */

import { ENV_STATE_SIZE, PENSIEVE_ENV, PensieveEnv, type Trace, type Video } from './pensieve-env.ts';
import { qoeMetric, type QoeMetric } from './qoe.ts';

export interface OptimumOptions {
  /** Which QoE the schedule maximises (each has its own optimum); default QoE_lin, the bar's metric. */
  metric: QoeMetric;
  /** Width of a trace-time bucket, s. */
  timeStepSec: number;
  /** Width of a buffer bucket, s. */
  bufferStepSec: number;
  /** Drop states another state beats on both buffer and score (same rung and time bucket). */
  pareto: boolean;
}

export const DEFAULT_OPTIMUM_OPTIONS: OptimumOptions = { metric: 'lin', timeStepSec: 2, bufferStepSec: 2, pareto: true };

export interface OptimumResult {
  /** Rung of every chunk, the first one being the video's fixed start rung. */
  rungs: number[];
  /** The schedule's QoE per scored chunk (chunks 2..N, as `summarizeQoe`). */
  qoePerChunk: number;
  /** States expanded over the search (a measure of its cost). */
  statesExpanded: number;
}

/** The states kept after one chunk, in flat arrays (a search holds millions of them). */
class Stage {
  n = 0;
  env: Float64Array;
  score: Float64Array;
  bufferSec: Float64Array;
  rung: Int32Array;
  parent: Int32Array;
  timeBucket: Int32Array;

  constructor(private cap = 1024) {
    this.env = new Float64Array(cap * ENV_STATE_SIZE);
    this.score = new Float64Array(cap);
    this.bufferSec = new Float64Array(cap);
    this.rung = new Int32Array(cap);
    this.parent = new Int32Array(cap);
    this.timeBucket = new Int32Array(cap);
  }

  /** A new slot (growing the arrays when full). */
  add(): number {
    if (this.n === this.cap) {
      this.cap *= 2;
      const grow = <T extends Float64Array | Int32Array>(a: T, size: number): T => {
        const b = new (a.constructor as new (n: number) => T)(size);
        b.set(a);
        return b;
      };
      this.env = grow(this.env, this.cap * ENV_STATE_SIZE);
      this.score = grow(this.score, this.cap);
      this.bufferSec = grow(this.bufferSec, this.cap);
      this.rung = grow(this.rung, this.cap);
      this.parent = grow(this.parent, this.cap);
      this.timeBucket = grow(this.timeBucket, this.cap);
    }
    return this.n++;
  }

  /** Only the slots in `keep`, in that order. */
  compact(keep: readonly number[]): Stage {
    const out = new Stage(Math.max(16, keep.length));
    for (const i of keep) {
      const j = out.add();
      out.env.set(this.env.subarray(i * ENV_STATE_SIZE, (i + 1) * ENV_STATE_SIZE), j * ENV_STATE_SIZE);
      out.score[j] = this.score[i] as number;
      out.bufferSec[j] = this.bufferSec[i] as number;
      out.rung[j] = this.rung[i] as number;
      out.parent[j] = this.parent[i] as number;
      out.timeBucket[j] = this.timeBucket[i] as number;
    }
    return out;
  }
}

export function offlineOptimum(trace: Trace, video: Video, options: Partial<OptimumOptions> = {}): OptimumResult {
  const opts = { ...DEFAULT_OPTIMUM_OPTIONS, ...options };
  if (!(opts.timeStepSec > 0) || !(opts.bufferStepSec > 0)) throw new Error('offline optimum: bucket widths must be > 0');
  const rungs = video.bitratesKbps.length;
  const metric = qoeMetric(opts.metric, video.bitratesKbps);
  const mu = metric.mu;
  const utility = video.bitratesKbps.map(metric.q);
  const q = (rung: number) => utility[rung] as number;
  const env = new PensieveEnv(trace, video);
  // Buffer buckets per time bucket: the buffer never exceeds the cap plus one chunk.
  const bufferBuckets = Math.floor((PENSIEVE_ENV.bufferThreshMs / 1000 + video.chunkDurationSec) / opts.bufferStepSec) + 1;

  // The first chunk is fetched at the fixed start rung and is not scored.
  env.getVideoChunk(video.startRung);
  const first = new Stage(1);
  first.add();
  env.saveState(first.env, 0);
  first.rung[0] = video.startRung;
  first.parent[0] = -1;
  const stages: Stage[] = [first];
  let expanded = 0;

  for (let chunk = 1; chunk < video.totalChunks; chunk++) {
    const prev = stages[chunk - 1] as Stage;
    const next = new Stage(Math.max(1024, prev.n * 2));
    const slotOf = new Map<number, number>();
    for (let p = 0; p < prev.n; p++) {
      expanded++;
      const fromRung = prev.rung[p] as number;
      const fromScore = prev.score[p] as number;
      for (let r = 0; r < rungs; r++) {
        env.loadState(prev.env, p * ENV_STATE_SIZE);
        const rebufferSec = env.stepChunk(r);
        const score = fromScore + q(r) - mu * rebufferSec - Math.abs(q(r) - q(fromRung));
        const bufferSec = env.bufferSec();
        const timeBucket = Math.floor(env.absoluteTraceSec() / opts.timeStepSec);
        // An exact integer (a small one, which Map hashes fast, for the default buckets).
        const key = (timeBucket * bufferBuckets + Math.floor(bufferSec / opts.bufferStepSec)) * rungs + r;
        let slot = slotOf.get(key);
        if (slot === undefined) {
          slot = next.add();
          slotOf.set(key, slot);
        } else if (!(score > (next.score[slot] as number))) continue;
        env.saveState(next.env, slot * ENV_STATE_SIZE);
        next.score[slot] = score;
        next.bufferSec[slot] = bufferSec;
        next.rung[slot] = r;
        next.parent[slot] = p;
        next.timeBucket[slot] = timeBucket;
      }
    }
    stages.push(opts.pareto ? next.compact(paretoFront(next)) : next);
  }

  // Best final state, then back along the parents.
  const last = stages[stages.length - 1] as Stage;
  let at = 0;
  for (let i = 1; i < last.n; i++) if ((last.score[i] as number) > (last.score[at] as number)) at = i;
  const finalScore = last.score[at] as number;
  const schedule: number[] = new Array(video.totalChunks);
  for (let chunk = video.totalChunks - 1; chunk >= 0; chunk--) {
    const st = stages[chunk] as Stage;
    schedule[chunk] = st.rung[at] as number;
    at = st.parent[at] as number;
  }
  return { rungs: schedule, qoePerChunk: finalScore / Math.max(1, video.totalChunks - 1), statesExpanded: expanded };
}

/** Per (rung, time bucket): the slots no other state beats on both buffer and score, in that order. */
function paretoFront(st: Stage): number[] {
  const idx = Array.from({ length: st.n }, (_, i) => i);
  const { rung, timeBucket, bufferSec, score } = st;
  idx.sort((a, b) => (rung[a] as number) - (rung[b] as number) || (timeBucket[a] as number) - (timeBucket[b] as number) || (bufferSec[b] as number) - (bufferSec[a] as number) || (score[b] as number) - (score[a] as number));
  const keep: number[] = [];
  let groupRung = -1;
  let groupTime = -1;
  let bestScore = -Infinity;
  for (const i of idx) {
    if (rung[i] !== groupRung || timeBucket[i] !== groupTime) {
      groupRung = rung[i] as number;
      groupTime = timeBucket[i] as number;
      bestScore = -Infinity;
    }
    // Sorted by buffer descending: everything before has at least this buffer.
    if ((score[i] as number) > bestScore) {
      keep.push(i);
      bestScore = score[i] as number;
    }
  }
  return keep;
}
