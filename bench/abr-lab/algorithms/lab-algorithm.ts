/**
 * What an ABR algorithm sees in the lab: after every chunk, what Pensieve's
 * agents see (fixed_env's return values), and it answers with the rung of the
 * next chunk. Baselines may read everything Pensieve's own code reads (e.g.
 * RobustMPC reads future chunk sizes); the `ours` adapter reads only what a
 * player knows.
 */

import type { AbandonProgress, Trace, Video } from '../pensieve-env.ts';

export interface Observation {
  /** Rung of the chunk just downloaded. */
  rung: number;
  delayMs: number;
  sleepMs: number;
  /** Buffer after the chunk, s. */
  bufferSec: number;
  rebufferSec: number;
  chunkBytes: number;
  /** Chunks downloaded in this session (1..totalChunks). */
  chunkCounter: number;
  chunksRemaining: number;
  endOfVideo: boolean;
  /** Session clock (sum of delays and sleeps), ms. */
  clockMs: number;
  /** Link RTT of the simulator, ms (what a player measures as time to first byte). */
  rttMs: number;
  /** With --abandon: the delivered download alone (RTT included), ms; delayMs also counts attempts given up. */
  attemptDelayMs?: number;
}

export interface LabAlgorithm {
  readonly name: string;
  /**
   * True when a session's decisions depend on earlier sessions of the same instance (Pensieve's RobustMPC
   * keeps its error history across traces): the lab then runs the set in order on one instance, never in
   * slices on several threads (lab-pool.ts). Every other algorithm must start each session afresh.
   */
  readonly carriesStateAcrossSessions?: boolean;
  /** A new session (trace) starts; the first chunk is fetched at video.startRung. */
  startSession(video: Video): void;
  /**
   * Only for the offline optimum (`optimal`), which is not an ABR algorithm but the ceiling they are
   * measured against: it is shown the whole trace before the session, which no player can know.
   */
  seeWholeTrace?(trace: Trace, video: Video): void;
  /** After each chunk (also the last one, whose answer is unused, as in Pensieve's loops). */
  next(obs: Observation): number;
  /**
   * Only with `bench:abr -- --abandon` (not in Pensieve's model): called during a download; a lower rung
   * gives it up and fetches the chunk again at that rung, null carries on.
   */
  abandon?(progress: AbandonProgress): number | null;
}

/** Highest rung whose declared bitrate (bits/s) is at most `bps`; 0 if none. */
export function highestRungWithin(bitratesKbps: readonly number[], bps: number): number {
  let q = 0;
  for (let i = 0; i < bitratesKbps.length; i++) {
    if ((bitratesKbps[i] as number) * 1000 <= bps) q = i;
  }
  return q;
}
