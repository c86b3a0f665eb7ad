/**
 * Runs algorithms over trace sets in the Pensieve simulator and aggregates
 * the QoE figures. One algorithm instance per trace set, sessions in trace
 * order (as Pensieve's test scripts run one process per scheme over the set).
 */

import { LINK_RTT_MS, PensieveEnv, type AbandoningChunkResult, type ChunkResult, type Trace, type Video } from './pensieve-env.ts';
import { summarizeQoe, type ChunkLog, type QoeSummary } from './qoe.ts';
import type { LabAlgorithm } from './algorithms/lab-algorithm.ts';

export interface ChunkRecord extends ChunkLog {
  index: number;
  delayMs: number;
  sleepMs: number;
  bufferSec: number;
  bytes: number;
  /** Session clock when the request went out / the chunk arrived, s. */
  startSec: number;
  endSec: number;
  /** Trace time when the download started / ended, s (the RTT does not advance the trace). */
  traceStartSec: number;
  traceEndSec: number;
  /** With --abandon: rungs given up for this chunk before the one delivered. */
  abandoned?: number[];
}

export interface SessionResult {
  trace: string;
  algo: string;
  chunks: ChunkRecord[];
  summary: QoeSummary;
}

export interface RunOptions {
  /**
   * Let algorithms that can (LabAlgorithm.abandon) give up a download in flight. Not in Pensieve's
   * fixed_env, so figures with it are not comparable with published ones; off by default.
   */
  abandon?: boolean;
}

export function runSession(trace: Trace, video: Video, algo: LabAlgorithm, opts: RunOptions = {}): SessionResult {
  const env = new PensieveEnv(trace, video);
  const abandon = opts.abandon && algo.abandon ? algo.abandon.bind(algo) : null;
  algo.seeWholeTrace?.(trace, video);
  algo.startSession(video);
  const chunks: ChunkRecord[] = [];
  let rung = video.startRung;
  let clockMs = 0;
  for (let i = 0; i < video.totalChunks; i++) {
    const traceStartSec = env.traceTimeSec();
    // Without --abandon the chunk arrives at the rung asked for, in one attempt.
    const r: AbandoningChunkResult = abandon ? env.getVideoChunkAbandoning(rung, abandon) : oneAttempt(env.getVideoChunk(rung), rung);
    const abandoned = r.abandoned;
    rung = r.quality;
    const startSec = clockMs / 1000;
    clockMs += r.delayMs;
    const endSec = clockMs / 1000;
    clockMs += r.sleepTakenMs;
    chunks.push({
      index: i,
      rung,
      bitrateKbps: video.bitratesKbps[rung] as number,
      rebufferSec: r.rebufferSec,
      delayMs: r.delayMs,
      sleepMs: r.sleepTakenMs,
      bufferSec: r.bufferSec,
      bytes: r.chunkBytes,
      startSec,
      endSec,
      traceStartSec,
      traceEndSec: env.traceTimeSec(),
      ...(abandoned.length > 0 ? { abandoned } : {}),
    });
    const next = algo.next({
      rung,
      delayMs: r.delayMs,
      sleepMs: r.sleepTakenMs,
      bufferSec: r.bufferSec,
      rebufferSec: r.rebufferSec,
      chunkBytes: r.chunkBytes,
      chunkCounter: r.chunkCounter,
      chunksRemaining: r.chunksRemaining,
      endOfVideo: r.endOfVideo,
      clockMs,
      rttMs: LINK_RTT_MS,
      ...(abandon ? { attemptDelayMs: r.attemptDelayMs } : {}),
    });
    if (r.endOfVideo) break;
    if (!Number.isInteger(next) || next < 0 || next >= video.bitratesKbps.length) {
      throw new Error(`${algo.name} chose rung ${next} on ${trace.name} chunk ${i + 1}`);
    }
    rung = next;
  }
  return { trace: trace.name, algo: algo.name, chunks, summary: summarizeQoe(chunks, video.bitratesKbps) };
}

export interface SetAggregate {
  qoe_lin: number;
  qoe_log: number;
  qoe_hd: number;
  bitrate_kbps: number;
  /** Mean per trace, s. */
  rebuffer_s: number;
  /** Mean per trace. */
  switches: number;
  /** Sum over traces, s. */
  rebuffer_total_s: number;
  traces: number;
}

export function aggregate(results: readonly SessionResult[]): SetAggregate {
  const n = Math.max(1, results.length);
  const mean = (f: (s: QoeSummary) => number) => results.reduce((a, r) => a + f(r.summary), 0) / n;
  return {
    qoe_lin: mean((s) => s.qoe_lin),
    qoe_log: mean((s) => s.qoe_log),
    qoe_hd: mean((s) => s.qoe_hd),
    bitrate_kbps: mean((s) => s.bitrate_kbps),
    rebuffer_s: mean((s) => s.rebuffer_s),
    switches: mean((s) => s.switches),
    rebuffer_total_s: results.reduce((a, r) => a + r.summary.rebuffer_s, 0),
    traces: results.length,
  };
}

function oneAttempt(c: ChunkResult, rung: number): AbandoningChunkResult {
  return { ...c, quality: rung, abandoned: [], attemptDelayMs: c.delayMs };
}

export function runSet(traces: readonly Trace[], video: Video, algo: LabAlgorithm, opts: RunOptions = {}): SessionResult[] {
  return traces.map((t) => runSession(t, video, algo, opts));
}
