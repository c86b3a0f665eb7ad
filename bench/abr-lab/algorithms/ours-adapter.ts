/**
 * Drives the player's own ABR module (player/src/abr, imported, not copied)
 * the way the engine adapters do: setRungs from the declared ladder,
 * recordDownload after each segment (bytes, total time, TTFB = the link RTT,
 * which is what a player measures), chooseNext before each request with the
 * buffer level and the player's buffer goal. It never sees future chunk sizes.
 */

import { createAbr, type AbrConfig, type LookaheadAbr } from '../../../player/src/abr/index.ts';
import { BUFFER_THRESH_MS, LINK_RTT_MS, type AbandonProgress, type Video } from '../pensieve-env.ts';
import type { LabAlgorithm, Observation } from './lab-algorithm.ts';

export class OursAdapter implements LabAlgorithm {
  readonly name: string;
  private abr!: LookaheadAbr;
  private video!: Video;

  constructor(
    private readonly config: Partial<AbrConfig> = {},
    name = 'ours',
  ) {
    this.name = name;
  }

  startSession(video: Video): void {
    this.video = video;
    // A fresh player per session, as a new page load (no stored estimate).
    this.abr = createAbr(this.config);
    this.abr.setRungs(video.bitratesKbps.map((k) => ({ bandwidthBps: k * 1000 })));
    this.abr.chooseStartRung(); // the lab fixes the first chunk at video.startRung, as Pensieve does
  }

  next(obs: Observation): number {
    this.abr.recordDownload({
      rungIndex: obs.rung,
      bytes: obs.chunkBytes,
      totalMs: obs.attemptDelayMs ?? obs.delayMs,
      ttfbMs: obs.rttMs,
      segmentDurationSec: this.video.chunkDurationSec,
      atMs: obs.clockMs,
    });
    return this.abr.chooseNext({
      bufferSec: obs.bufferSec,
      nowMs: obs.clockMs,
      maxBufferSec: BUFFER_THRESH_MS / 1000,
      segmentDurationSec: this.video.chunkDurationSec,
      // A VoD player knows how many segments the playlist has left.
      segmentsLeft: obs.chunksRemaining,
    }).rungIndex;
  }

  /** With --abandon: the player's own abandonment rule (abandonment.ts via checkAbandon), on the progress a player sees. */
  abandon(p: AbandonProgress): number | null {
    const d = this.abr.checkAbandon(
      { rungIndex: p.rung, bytesLoaded: p.bytesLoaded, bytesTotal: p.bytesTotal, elapsedMs: p.elapsedMs, ttfbMs: LINK_RTT_MS, segmentDurationSec: this.video.chunkDurationSec },
      { bufferSec: p.bufferSec, nowMs: 0 },
    );
    return d.abandon && d.switchTo !== undefined ? d.switchTo : null;
  }
}
