/**
 * Experiment (lab README, ninth round; not kept): choose the DP's level scale per session by counterfactual replay. Each expert is the
 * shipped rule with another scale, run on the link as reconstructed from our own downloads (transfer-time
 * axis, piecewise constant per download), with declared sizes; the real decision uses the scale of the
 * expert with the best QoE so far over the chunks all experts have completed.
 * `--future`: rank experts by realized QoE + the DP value of their state under the default model instead.
 *   npx tsx bench/abr-lab/experiments/counterfactual-scale.ts --split even [--scales 0.8,0.9] [--margin M] [--decay D] [--future] --out F.json
 */
import { writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createAbr, type LookaheadAbr } from '../../../player/src/abr/index.ts';
import { planWithDp } from '../../../player/src/abr/dp-planner.ts';
import { throughputScenarios } from '../../../player/src/abr/throughput-predictor.ts';
import { runSession } from '../run-lab.ts';
import { loadTraceDir } from '../trace-loader.ts';
import { loadPensieveVideo } from '../video-source.ts';
import type { Video } from '../pensieve-env.ts';

const { values } = parseArgs({ options: { split: { type: 'string', default: 'even' }, out: { type: 'string' }, scales: { type: 'string', default: '0.7,0.8,0.9,1.0' }, mode: { type: 'string', default: 'common' }, margin: { type: 'string', default: '0' }, minChunks: { type: 'string', default: '0' }, decay: { type: 'string', default: '1' }, future: { type: 'boolean', default: false } } });
const SCALES = values.scales!.split(',').map(Number);
const MODE = values.mode!;
const MARGIN = Number(values.margin);
const MIN_CHUNKS = Number(values.minChunks);
const DECAY = Number(values.decay);
const DEFAULT_SCALE = 0.8;
const RTT = 0.08;
const MU = 4.3;

interface Seg { t0: number; t1: number; bps: number }
class Link {
  segs: Seg[] = [];
  end = 0;
  add(t0: number, t1: number, bps: number) {
    if (t0 > this.end && this.segs.length) this.segs.push({ t0: this.end, t1: t0, bps: this.segs[this.segs.length - 1]!.bps });
    this.segs.push({ t0, t1, bps });
    this.end = t1;
  }
  /** Transfer time of `bits` from τ, or null when the observed link ends first. */
  transfer(tau: number, bits: number): number | null {
    let left = bits;
    let t = tau;
    for (const s of this.segs) {
      if (s.t1 <= t) continue;
      const dt = s.t1 - Math.max(t, s.t0);
      const can = dt * s.bps;
      if (can >= left) return t + left / s.bps - tau + 0;
      left -= can;
      t = s.t1;
    }
    return null;
  }
}

class Expert {
  abr: LookaheadAbr;
  tau = 0; buf = 0; last = -1; done = 0; q: number[] = []; pending: number | null = null;
  constructor(readonly scale: number, readonly video: Video) {
    this.abr = createAbr({ predictor: { scenarioScale: scale } as any });
    this.abr.setRungs(video.bitratesKbps.map((k) => ({ bandwidthBps: k * 1000 })));
    this.abr.chooseStartRung();
  }
  advance(link: Link) {
    const v = this.video;
    while (this.done < v.totalChunks) {
      let r: number;
      if (this.done === 0) r = v.startRung;
      else {
        if (this.pending === null) {
          this.pending = this.abr.chooseNext({ bufferSec: this.buf, nowMs: this.tau * 1000, maxBufferSec: 60, segmentDurationSec: v.chunkDurationSec, segmentsLeft: v.totalChunks - this.done }).rungIndex;
        }
        r = this.pending;
      }
      const bits = v.bitratesKbps[r]! * 1000 * v.chunkDurationSec;
      const tr = link.transfer(this.tau, bits);
      if (tr === null) return;
      this.pending = null;
      const delay = tr + RTT;
      const stall = Math.max(0, delay - this.buf);
      this.buf = Math.max(0, this.buf - delay) + v.chunkDurationSec;
      this.tau += tr;
      if (this.buf > 60) { const s = Math.ceil((this.buf - 60) / 0.5) * 0.5; this.buf -= s; this.tau += s; }
      const u = v.bitratesKbps[r]! / 1000;
      if (this.done > 0) this.q.push(u - MU * stall - Math.abs(u - v.bitratesKbps[this.last]! / 1000));
      this.last = r;
      this.done++;
      this.abr.recordDownload({ rungIndex: r, bytes: bits / 8, totalMs: delay * 1000, ttfbMs: RTT * 1000, segmentDurationSec: v.chunkDurationSec, atMs: this.tau * 1000 });
    }
  }
}

class CfAdapter {
  name = 'cf';
  abr!: LookaheadAbr; video!: Video; link!: Link; experts: Expert[] = []; tau = 0; picks: number[] = [];
  startSession(v: Video) {
    this.video = v;
    this.abr = createAbr({});
    this.abr.setRungs(v.bitratesKbps.map((k) => ({ bandwidthBps: k * 1000 })));
    this.abr.chooseStartRung();
    this.link = new Link();
    this.experts = SCALES.map((s) => new Expert(s, v));
    this.tau = 0;
  }
  next(obs: any): number {
    const tr = obs.delayMs / 1000 - RTT;
    this.link.add(this.tau, this.tau + tr, (obs.chunkBytes * 8) / tr);
    this.tau += tr + obs.sleepMs / 1000;
    this.abr.recordDownload({ rungIndex: obs.rung, bytes: obs.chunkBytes, totalMs: obs.delayMs, ttfbMs: obs.rttMs, segmentDurationSec: this.video.chunkDurationSec, atMs: obs.clockMs });
    for (const e of this.experts) e.advance(this.link);
    const m = Math.min(...this.experts.map((e) => e.q.length));
    let scale = DEFAULT_SCALE;
    if (values.future) {
      const sc = throughputScenarios(this.abr.estimator, this.abr.config.predictor);
      const v = this.video;
      const futureValue = (e: Expert) => {
        const left = v.totalChunks - e.done;
        if (left <= 0) return 0;
        const plan = planWithDp({
          segmentBits: v.bitratesKbps.map((k) => k * 1000 * v.chunkDurationSec), utility: v.bitratesKbps.map((k) => k / 1000),
          scenarios: sc, persistence: 0.7, reactsWithinSegment: true, latencySec: this.abr.estimator.latencyMs() / 1000,
          segmentDurationSec: v.chunkDurationSec, bufferSec: e.buf, maxBufferSec: 60, lastRung: e.last, maxRung: v.bitratesKbps.length - 1,
          horizon: left, rebufferPenalty: MU, switchPenalty: 1, terminalBufferValue: 0, terminalBufferCapSec: 20, gridStepSec: 0.5,
        });
        return Math.max(...plan.values);
      };
      const total = (e: Expert) => e.q.reduce((p, c) => p + c, 0) + futureValue(e);
      const def = this.experts.find((e) => e.scale === DEFAULT_SCALE)!;
      let best = total(def) + MARGIN;
      for (const e of this.experts) { if (e === def) continue; const s = total(e); if (s > best) { best = s; scale = e.scale; } }
    } else if (m >= MIN_CHUNKS && m > 0) {
      const score = (e: Expert) => {
        const n = MODE === 'common' ? m : e.q.length;
        let s = 0, w = 0;
        for (let i = 0; i < n; i++) { const wi = Math.pow(DECAY, n - 1 - i); s += wi * e.q[i]!; w += wi; }
        return s / w;
      };
      const def = this.experts.find((e) => e.scale === DEFAULT_SCALE)!;
      let best = score(def) + MARGIN;
      for (const e of this.experts) { const s = score(e); if (s > best) { best = s; scale = e.scale; } }
    }
    this.picks.push(scale);
    (this.abr.config.predictor as any).scenarioScale = scale;
    (this.abr as any).cache = null;
    return this.abr.chooseNext({ bufferSec: obs.bufferSec, nowMs: obs.clockMs, maxBufferSec: 60, segmentDurationSec: this.video.chunkDurationSec, segmentsLeft: obs.chunksRemaining }).rungIndex;
  }
}

const shared = resolve('..', 'shared', 'traces', 'pensieve');
const video = loadPensieveVideo(join(shared, 'video_sizes'));
const out: Record<string, { qoe: number[]; rb: number[] }> = {};
const picks: Record<string, number> = {};
for (const d of ['hsdpa_test_sim_traces', 'fcc_test_genet']) {
  const all = loadTraceDir(join(shared, d));
  const traces = values.split === 'all' ? all : all.filter((_, i) => i % 2 === (values.split === 'even' ? 0 : 1));
  const a = new CfAdapter();
  const qoe: number[] = [], rb: number[] = [];
  for (const t of traces) {
    a.picks = [];
    const r = runSession(t, video, a as any);
    qoe.push(r.summary.qoe_lin); rb.push(r.summary.rebuffer_s);
    for (const p of a.picks) picks[`${d.slice(0, 4)} ${p}`] = (picks[`${d.slice(0, 4)} ${p}`] ?? 0) + 1;
  }
  out[basename(d)] = { qoe, rb };
  const m = (x: number[]) => x.reduce((p, c) => p + c, 0) / x.length;
  console.log(d, m(qoe).toFixed(4), 'rb', m(rb).toFixed(2));
}
console.log(picks);
if (values.out) writeFileSync(values.out, JSON.stringify({ cf: out }));
