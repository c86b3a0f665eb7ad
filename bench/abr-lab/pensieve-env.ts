/**
 * Trace-driven chunk download simulator, a line-for-line port of Pensieve's
 * `test/fixed_env.py` (hongzimao/pensieve @ 1120bb17), so our figures are
 * comparable with the published ones. The arithmetic is kept in the same
 * order as the Python so results match to the last bit:
 * - trace line i's throughput applies between time[i-1] and time[i];
 *   the session starts at line 1 (mahimahi_ptr = 1) and loops back to it;
 * - only PACKET_PAYLOAD_PORTION (0.95) of the link carries video;
 * - LINK_RTT (80 ms) is added once per chunk;
 * - above BUFFER_THRESH (60 s) the player sleeps in 500 ms steps, the
 *   trace keeps running meanwhile.
 * Pure: traces and chunk sizes come in as arrays. `getVideoChunkAbandoning` is an
 * opt-in extension (a player giving up a download in flight); `getVideoChunk` is
 * fixed_env's, bit for bit.
 */

export const MILLISECONDS_IN_SECOND = 1000.0;
export const B_IN_MB = 1000000.0;
export const BITS_IN_BYTE = 8.0;
export const BUFFER_THRESH_MS = 60.0 * MILLISECONDS_IN_SECOND;
export const DRAIN_BUFFER_SLEEP_TIME_MS = 500.0;
export const PACKET_PAYLOAD_PORTION = 0.95;
export const LINK_RTT_MS = 80;

export interface Trace {
  name: string;
  /** Cumulative time of each line, s (starts at 0). */
  timeSec: number[];
  /** Throughput of each line, Mbit/s. */
  mbps: number[];
}

export interface Video {
  name: string;
  /** Declared bitrate of each rung, kbit/s, ascending. */
  bitratesKbps: number[];
  /** Chunk sizes in bytes, [rung][chunk]; at least totalChunks entries per rung. */
  chunkBytes: number[][];
  chunkDurationSec: number;
  /** Chunks simulated per session (Pensieve: 48). */
  totalChunks: number;
  /** Rung of the first chunk (Pensieve DEFAULT_QUALITY = 1). */
  startRung: number;
}

export interface EnvConfig {
  linkRttMs: number;
  bufferThreshMs: number;
  drainSleepMs: number;
  payloadPortion: number;
}

export const PENSIEVE_ENV: EnvConfig = {
  linkRttMs: LINK_RTT_MS,
  bufferThreshMs: BUFFER_THRESH_MS,
  drainSleepMs: DRAIN_BUFFER_SLEEP_TIME_MS,
  payloadPortion: PACKET_PAYLOAD_PORTION,
};

/** What fixed_env.get_video_chunk returns. */
export interface ChunkResult {
  /** Download time including the RTT, ms. */
  delayMs: number;
  /** Sleep after the download (as returned by fixed_env: what was left of it after the trace walk), ms. */
  sleepMs: number;
  /** Sleep actually taken, ms (the buffer was reduced by this). */
  sleepTakenMs: number;
  /** Buffer after the chunk (and the sleep), s. */
  bufferSec: number;
  rebufferSec: number;
  chunkBytes: number;
  /** Sizes of the next chunk per rung (what Pensieve's agents may read). */
  nextChunkBytes: number[];
  endOfVideo: boolean;
  chunksRemaining: number;
  /** Chunks downloaded in this session so far (1 after the first). */
  chunkCounter: number;
}

/** What the opt-in abandonment sees of a download in flight. */
export interface AbandonProgress {
  rung: number;
  bytesLoaded: number;
  bytesTotal: number;
  /** Since the request went out, RTT included, ms. */
  elapsedMs: number;
  /** Buffer left now, s. */
  bufferSec: number;
}

export interface AbandoningChunkResult extends ChunkResult {
  /** Rung delivered. */
  quality: number;
  /** Rungs given up for this chunk, in order. */
  abandoned: number[];
  /** The delivered attempt alone (RTT included), ms; delayMs also counts the time lost. */
  attemptDelayMs: number;
}

/** Numbers per state in `saveState` / `loadState`. */
export const ENV_STATE_SIZE = 5;

/** One playback session of `video` over `trace`, from the trace start. */
export class PensieveEnv {
  private ptr = 1;
  private lastTime: number;
  private bufferMs = 0;
  private counter = 0;
  private loops = 0;
  private readonly cfg: EnvConfig;

  constructor(
    readonly trace: Trace,
    readonly video: Video,
    cfg: Partial<EnvConfig> = {},
  ) {
    if (trace.timeSec.length < 2 || trace.timeSec.length !== trace.mbps.length) {
      throw new Error(`trace ${trace.name}: needs at least 2 lines of <time> <Mbit/s>`);
    }
    this.cfg = { ...PENSIEVE_ENV, ...cfg };
    this.lastTime = trace.timeSec[0] as number;
  }

  /** Current trace time, s (for charts). */
  traceTimeSec(): number {
    return this.lastTime;
  }

  /** Trace time counted across loops, s: where in the link's future the session stands. */
  absoluteTraceSec(): number {
    return this.loops * (this.trace.timeSec[this.trace.timeSec.length - 1] as number) + this.lastTime;
  }

  /**
   * For a search that branches from a state and tries each rung (`offline-optimum.ts`): everything that
   * changes during a session, as ENV_STATE_SIZE numbers at `out[at]` (flat, because the search keeps
   * millions). `loops` counts wraps of the trace, which fixed_env itself does not need.
   */
  saveState(out: Float64Array, at: number): void {
    out[at] = this.ptr;
    out[at + 1] = this.lastTime;
    out[at + 2] = this.bufferMs;
    out[at + 3] = this.counter;
    out[at + 4] = this.loops;
  }

  loadState(from: Float64Array, at: number): void {
    this.ptr = from[at] as number;
    this.lastTime = from[at + 1] as number;
    this.bufferMs = from[at + 2] as number;
    this.counter = from[at + 3] as number;
    this.loops = from[at + 4] as number;
  }

  getVideoChunk(quality: number): ChunkResult {
    const videoChunkSize = this.chunkSize(quality);
    const delay = this.transfer(videoChunkSize, 0, null).delaySec; // s here, ms below (as in fixed_env)
    return this.deliver(videoChunkSize, delay, 0, 0);
  }

  /**
   * Not in fixed_env (opt-in, `bench:abr -- --abandon`): the download can be given up, as a real player
   * does. Every `checkEveryMs` of transfer `decide` sees the progress and may name a lower rung; the time
   * spent is lost (the buffer drains, stalls count) and the same chunk is requested again at that rung,
   * with a new RTT. Returns the chunk as delivered, its rung, and the rungs given up on the way.
   */
  getVideoChunkAbandoning(quality: number, decide: (p: AbandonProgress) => number | null, checkEveryMs = 200): AbandoningChunkResult {
    let q = quality;
    const abandoned: number[] = [];
    let lostMs = 0;
    let lostRebufMs = 0;
    for (;;) {
      const size = this.chunkSize(q);
      const bufferAtStartMs = this.bufferMs;
      const t = this.transfer(size, checkEveryMs / MILLISECONDS_IN_SECOND, (sentBytes, transferSec) => {
        const elapsedMs = transferSec * MILLISECONDS_IN_SECOND + this.cfg.linkRttMs;
        const next = decide({ rung: q, bytesLoaded: sentBytes, bytesTotal: size, elapsedMs, bufferSec: Math.max(0, bufferAtStartMs - elapsedMs) / MILLISECONDS_IN_SECOND });
        return next !== null && next >= 0 && next < q ? next : null;
      });
      if (t.switchTo === null) {
        const r = this.deliver(size, t.delaySec, lostMs, lostRebufMs);
        return { ...r, quality: q, abandoned, attemptDelayMs: r.delayMs - lostMs };
      }
      // Given up: the transfer time and the RTT are spent, nothing is added to the buffer.
      const wasted = t.delaySec * MILLISECONDS_IN_SECOND + this.cfg.linkRttMs;
      lostRebufMs += Math.max(wasted - this.bufferMs, 0);
      this.bufferMs = Math.max(this.bufferMs - wasted, 0);
      lostMs += wasted;
      abandoned.push(q);
      q = t.switchTo;
    }
  }

  private chunkSize(quality: number): number {
    const sizes = this.video.chunkBytes[quality];
    if (!sizes) throw new Error(`no rung ${quality}`);
    return sizes[this.counter] as number;
  }

  /**
   * Walks the trace while `videoChunkSize` bytes arrive (fixed_env's loop, same arithmetic). With `check`,
   * it also stops every `checkSec` of transfer to ask whether to give up; a rung from `check` ends the
   * walk there (`switchTo`). Returns the transfer time, s.
   */
  private transfer(videoChunkSize: number, checkSec: number, check: ((sentBytes: number, transferSec: number) => number | null) | null): { delaySec: number; switchTo: number | null } {
    const { timeSec, mbps } = this.trace;
    const n = mbps.length;
    const portion = this.cfg.payloadPortion;
    let delay = 0.0;
    let sent = 0;
    let nextCheck = checkSec;
    for (;;) {
      const throughput = ((mbps[this.ptr] as number) * B_IN_MB) / BITS_IN_BYTE;
      const duration = (timeSec[this.ptr] as number) - this.lastTime;
      const packetPayload = throughput * duration * portion;
      if (check && delay + duration >= nextCheck) {
        const finishes = sent + packetPayload > videoChunkSize && (videoChunkSize - sent) / throughput / portion <= nextCheck - delay;
        if (!finishes) {
          const dt = nextCheck - delay;
          sent += throughput * dt * portion;
          delay = nextCheck;
          this.lastTime += dt;
          nextCheck += checkSec;
          const to = check(sent, delay);
          if (to !== null) return { delaySec: delay, switchTo: to };
          continue;
        }
      }
      if (sent + packetPayload > videoChunkSize) {
        const fractionalTime = (videoChunkSize - sent) / throughput / portion;
        delay += fractionalTime;
        this.lastTime += fractionalTime;
        break;
      }
      sent += packetPayload;
      delay += duration;
      this.lastTime = timeSec[this.ptr] as number;
      this.ptr += 1;
      if (this.ptr >= n) {
        this.ptr = 1;
        this.lastTime = 0;
        this.loops += 1;
      }
    }
    return { delaySec: delay, switchTo: null };
  }

  /**
   * The search's step (`offline-optimum.ts`): the chunk at `quality` with fixed_env's arithmetic, without
   * building a result (it runs millions of times). Returns the stall, s; `bufferSec()` gives the buffer.
   */
  stepChunk(quality: number): number {
    this.settle(this.transfer(this.chunkSize(quality), 0, null).delaySec, 0);
    this.counter += 1;
    return this.settledRebufMs / MILLISECONDS_IN_SECOND;
  }

  /** Buffer now, s. */
  bufferSec(): number {
    return this.bufferMs / MILLISECONDS_IN_SECOND;
  }

  // What `settle` worked out, in fields rather than an object (see `stepChunk`).
  private settledDelayMs = 0;
  private settledRebufMs = 0;
  private settledSleepMs = 0;
  private settledSleepTakenMs = 0;

  /** After the download: delay with the RTT, stall, buffer, sleep above the cap (fixed_env's order). */
  private settle(transferSec: number, lostRebufMs: number): void {
    const { timeSec } = this.trace;
    const n = timeSec.length;
    let delay = transferSec;
    delay *= MILLISECONDS_IN_SECOND;
    delay += this.cfg.linkRttMs;

    const rebuf = Math.max(delay - this.bufferMs, 0.0) + lostRebufMs;
    this.bufferMs = Math.max(this.bufferMs - delay, 0.0);
    this.bufferMs += this.video.chunkDurationSec * MILLISECONDS_IN_SECOND;

    let sleepTime = 0;
    let sleepTaken = 0;
    if (this.bufferMs > this.cfg.bufferThreshMs) {
      const drain = this.bufferMs - this.cfg.bufferThreshMs;
      sleepTime = Math.ceil(drain / this.cfg.drainSleepMs) * this.cfg.drainSleepMs;
      sleepTaken = sleepTime;
      this.bufferMs -= sleepTime;
      for (;;) {
        const duration = (timeSec[this.ptr] as number) - this.lastTime;
        if (duration > sleepTime / MILLISECONDS_IN_SECOND) {
          this.lastTime += sleepTime / MILLISECONDS_IN_SECOND;
          break;
        }
        sleepTime -= duration * MILLISECONDS_IN_SECOND;
        this.lastTime = timeSec[this.ptr] as number;
        this.ptr += 1;
        if (this.ptr >= n) {
          this.ptr = 1;
          this.lastTime = 0;
          this.loops += 1;
        }
      }
    }
    this.settledDelayMs = delay;
    this.settledRebufMs = rebuf;
    this.settledSleepMs = sleepTime;
    this.settledSleepTakenMs = sleepTaken;
  }

  /** The rest of fixed_env.get_video_chunk after the download: buffer, stall, sleep, counters. */
  private deliver(videoChunkSize: number, transferSec: number, lostMs: number, lostRebufMs: number): ChunkResult {
    this.settle(transferSec, lostRebufMs);
    const delay = this.settledDelayMs;
    const rebuf = this.settledRebufMs;
    const sleepTime = this.settledSleepMs;
    const sleepTaken = this.settledSleepTakenMs;
    const returnBuffer = this.bufferMs;
    this.counter += 1;
    const remain = this.video.totalChunks - this.counter;
    const endOfVideo = this.counter >= this.video.totalChunks;
    const nextIdx = endOfVideo ? 0 : this.counter;
    return {
      delayMs: delay + lostMs,
      sleepMs: sleepTime,
      sleepTakenMs: sleepTaken,
      bufferSec: returnBuffer / MILLISECONDS_IN_SECOND,
      rebufferSec: rebuf / MILLISECONDS_IN_SECOND,
      chunkBytes: videoChunkSize,
      nextChunkBytes: this.video.chunkBytes.map((s) => s[nextIdx] ?? 0),
      endOfVideo,
      chunksRemaining: remain,
      chunkCounter: this.counter,
    };
  }
}
