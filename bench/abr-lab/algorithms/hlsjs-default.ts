/**
 * hls.js's stock ABR (src/controller/abr-controller.ts, v1.5): bandwidth from
 * two EWMAs weighted by download time (fast 3 s / slow 9 s half-life for VoD,
 * estimate = min of both, 500 kb/s before any sample), TTFB estimated and
 * subtracted; `findBestLevel` picks the highest level whose fetch time
 * (TTFB + bits / adjusted bandwidth) fits in the buffer, the bandwidth being
 * ×0.95 for the current level and below and ×0.7 for upswitches; if none fits
 * without starving, it allows up to maxStarvationDelay (4 s, ≤ segment) of
 * stall. The emergency abandon rule is not modelled (the simulator never
 * cancels a download), nor is it for any other algorithm.
 */

import { Ewma } from '../../../player/src/abr/ewma.ts';
import type { Video } from '../pensieve-env.ts';
import type { LabAlgorithm, Observation } from './lab-algorithm.ts';

export class HlsJsDefault implements LabAlgorithm {
  readonly name = 'hlsjs';
  private fast = new Ewma(3);
  private slow = new Ewma(9);
  private ttfb = new Ewma(4);
  private video!: Video;
  private readonly defaultEstimate = 500_000;
  private readonly minDelayMs = 50;
  private readonly bwFactor = 0.95;
  private readonly bwUpFactor = 0.7;
  private readonly maxStarvationDelay = 4;

  startSession(video: Video): void {
    this.video = video;
    this.fast = new Ewma(3);
    this.slow = new Ewma(9);
    this.ttfb = new Ewma(4);
  }

  private estimate(): number {
    if (this.fast.getTotalWeight() < 0.001) return this.defaultEstimate;
    return Math.min(this.fast.getEstimate(), this.slow.getEstimate());
  }

  private ttfbEstimateMs(): number {
    return this.ttfb.getTotalWeight() > 0 ? this.ttfb.getEstimate() : 100;
  }

  next(obs: Observation): number {
    // onFragBuffered: processing time minus min(TTFB, TTFB estimate).
    const ttfbEst = this.ttfbEstimateMs();
    this.ttfb.sample(1, obs.rttMs);
    const durationMs = Math.max(obs.delayMs - Math.min(obs.rttMs, ttfbEst), this.minDelayMs);
    const bw = (8000 * obs.chunkBytes) / durationMs;
    this.fast.sample(durationMs / 1000, bw);
    this.slow.sample(durationMs / 1000, bw);

    const avgbw = this.estimate();
    const starvation = obs.bufferSec;
    const fragDur = this.video.chunkDurationSec;
    let best = -1;
    if (starvation > 0) best = this.findBestLevel(avgbw, starvation, 0, obs.rung);
    if (best >= 0) return best;
    const maxStarvation = Math.min(fragDur, this.maxStarvationDelay);
    best = this.findBestLevel(avgbw, starvation, maxStarvation, obs.rung);
    return best >= 0 ? best : 0;
  }

  private findBestLevel(bw: number, starvation: number, maxStarvation: number, lastLevel: number): number {
    const maxFetch = starvation + maxStarvation;
    const ttfbSec = this.ttfbEstimateMs() / 1000;
    const rates = this.video.bitratesKbps;
    for (let i = rates.length - 1; i >= 0; i--) {
      const adjusted = i <= lastLevel ? this.bwFactor * bw : this.bwUpFactor * bw;
      const bitrate = (rates[i] as number) * 1000;
      const fetch = ttfbSec + (bitrate * this.video.chunkDurationSec) / adjusted;
      if (adjusted >= bitrate && (fetch <= ttfbSec || fetch < maxFetch)) return i;
    }
    return -1;
  }
}
