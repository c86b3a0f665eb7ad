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
 * Pure: traces and chunk sizes come in as arrays.
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

/** One playback session of `video` over `trace`, from the trace start. */
export class PensieveEnv {
  private ptr = 1;
  private lastTime: number;
  private bufferMs = 0;
  private counter = 0;
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

  getVideoChunk(quality: number): ChunkResult {
    const { timeSec, mbps } = this.trace;
    const n = mbps.length;
    const sizes = this.video.chunkBytes[quality];
    if (!sizes) throw new Error(`no rung ${quality}`);
    const videoChunkSize = sizes[this.counter] as number;
    const portion = this.cfg.payloadPortion;

    let delay = 0.0; // s here, ms below (as in fixed_env)
    let sent = 0;
    for (;;) {
      const throughput = ((mbps[this.ptr] as number) * B_IN_MB) / BITS_IN_BYTE;
      const duration = (timeSec[this.ptr] as number) - this.lastTime;
      const packetPayload = throughput * duration * portion;
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
      }
    }
    delay *= MILLISECONDS_IN_SECOND;
    delay += this.cfg.linkRttMs;

    const rebuf = Math.max(delay - this.bufferMs, 0.0);
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
        }
      }
    }

    const returnBuffer = this.bufferMs;
    this.counter += 1;
    const remain = this.video.totalChunks - this.counter;
    const endOfVideo = this.counter >= this.video.totalChunks;
    const nextIdx = endOfVideo ? 0 : this.counter;
    return {
      delayMs: delay,
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
