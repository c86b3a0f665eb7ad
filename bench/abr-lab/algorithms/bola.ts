/**
 * BOLA as in dash.js `src/streaming/rules/abr/BolaRule.js` (v4): log
 * utilities normalised to 1 at the lowest rung, Vp and gp chosen so the lowest
 * rung is preferred at MINIMUM_BUFFER_S (10 s) and the top one at
 * max(stableBufferTime 12 s, 10 + 2 s × rungs); STARTUP state picks by safe
 * throughput (average of the last 4 samples × 0.9, latency-adjusted as in
 * AbrController.getQualityForBitrate) and sets the placeholder buffer; STEADY
 * uses the BOLA score on buffer + placeholder, with BOLA-O (no upswitch above
 * the sustainable rung) and the placeholder decay. Time the player spends not
 * downloading (the simulator's sleeps) grows the placeholder, as the wall-clock
 * delay does in dash.js; a stall resets it (onBufferEmpty). The simulator cannot
 * delay a request, so BOLA's "wait" is not modelled (the buffer cap does it).
 */

import type { Video } from '../pensieve-env.ts';
import type { LabAlgorithm, Observation } from './lab-algorithm.ts';

const MINIMUM_BUFFER_S = 10;
const MINIMUM_BUFFER_PER_BITRATE_LEVEL_S = 2;
const PLACEHOLDER_BUFFER_DECAY = 0.99;
const STABLE_BUFFER_TIME_S = 12;
const BANDWIDTH_SAFETY_FACTOR = 0.9;
const THROUGHPUT_SAMPLES_VOD = 4;

export class Bola implements LabAlgorithm {
  readonly name = 'bola';
  private bitrates: number[] = [];
  private utilities: number[] = [];
  private Vp = 0;
  private gp = 0;
  private state: 'startup' | 'steady' = 'startup';
  private placeholder = 0;
  private lastQuality = 0;
  private throughputs: number[] = [];
  private latencies: number[] = [];
  private segDur = 4;

  startSession(video: Video): void {
    this.bitrates = video.bitratesKbps.map((k) => k * 1000);
    const logs = this.bitrates.map((b) => Math.log(b));
    const u0 = logs[0] as number;
    this.utilities = logs.map((u) => u - u0 + 1);
    const bufferTime = Math.max(STABLE_BUFFER_TIME_S, MINIMUM_BUFFER_S + MINIMUM_BUFFER_PER_BITRATE_LEVEL_S * this.bitrates.length);
    this.gp = ((this.utilities[this.utilities.length - 1] as number) - 1) / (bufferTime / MINIMUM_BUFFER_S - 1);
    this.Vp = MINIMUM_BUFFER_S / this.gp;
    this.state = 'startup';
    this.placeholder = 0;
    this.lastQuality = video.startRung;
    this.throughputs = [];
    this.latencies = [];
    this.segDur = video.chunkDurationSec;
  }

  private qualityFromBuffer(level: number): number {
    let quality = 0;
    let score = NaN;
    for (let i = 0; i < this.bitrates.length; i++) {
      const s = (this.Vp * ((this.utilities[i] as number) + this.gp) - level) / (this.bitrates[i] as number);
      if (Number.isNaN(score) || s >= score) {
        score = s;
        quality = i;
      }
    }
    return quality;
  }

  private maxBufferLevelForQuality(q: number): number {
    return this.Vp * ((this.utilities[q] as number) + this.gp);
  }

  private minBufferLevelForQuality(q: number): number {
    const qb = this.bitrates[q] as number;
    const qu = this.utilities[q] as number;
    let min = 0;
    for (let i = q - 1; i >= 0; i--) {
      const iu = this.utilities[i] as number;
      if (iu < qu) {
        const ib = this.bitrates[i] as number;
        min = Math.max(min, this.Vp * (this.gp + (qb * iu - ib * qu) / (qb - ib)));
      }
    }
    return min;
  }

  /** AbrController.getQualityForBitrate: throughput (bits/s) reduced by the latency's share of a segment. */
  private qualityForThroughput(bps: number, latencyMs: number): number {
    const latency = latencyMs / 1000;
    if (latency >= this.segDur) return 0;
    const bitrate = bps * (1 - latency / this.segDur);
    let q = 0;
    for (let i = 0; i < this.bitrates.length; i++) if ((this.bitrates[i] as number) <= bitrate) q = i;
    return q;
  }

  next(obs: Observation): number {
    // ThroughputHistory: download time excludes the latency (tfinish − tresponse).
    const transferMs = Math.max(1, obs.delayMs - obs.rttMs);
    this.throughputs.push((obs.chunkBytes * 8 * 1000) / transferMs);
    this.latencies.push(obs.rttMs);
    if (this.throughputs.length > THROUGHPUT_SAMPLES_VOD) this.throughputs.shift();
    if (this.latencies.length > THROUGHPUT_SAMPLES_VOD) this.latencies.shift();
    const avg = this.throughputs.reduce((a, b) => a + b, 0) / this.throughputs.length;
    const safe = avg * BANDWIDTH_SAFETY_FACTOR;
    const latency = this.latencies.reduce((a, b) => a + b, 0) / this.latencies.length;
    const buffer = obs.bufferSec;

    // checkNewSegment: decay, and cap the placeholder by the last segment's max effective buffer.
    this.placeholder *= PLACEHOLDER_BUFFER_DECAY;
    const bufferAtRequest = buffer + obs.delayMs / 1000;
    this.placeholder = Math.min(Math.max(0, this.maxBufferLevelForQuality(obs.rung) - bufferAtRequest), this.placeholder);
    this.lastQuality = obs.rung;
    if (obs.rebufferSec > 0 && this.state === 'steady') this.placeholder = 0; // onBufferEmpty

    if (this.state === 'startup') {
      const q = this.qualityForThroughput(safe, latency);
      this.placeholder = Math.max(0, this.minBufferLevelForQuality(q) - buffer);
      this.lastQuality = q;
      if (buffer >= this.segDur) this.state = 'steady';
      return q;
    }
    // updatePlaceholderBuffer: time since the last download finished (the sleep).
    this.placeholder += Math.max(0, obs.sleepMs / 1000);
    let quality = this.qualityFromBuffer(buffer + this.placeholder);
    const qThroughput = this.qualityForThroughput(safe, latency);
    if (quality > this.lastQuality && quality > qThroughput) quality = Math.max(qThroughput, this.lastQuality);
    const delayS = Math.max(0, buffer + this.placeholder - this.maxBufferLevelForQuality(quality));
    if (delayS <= this.placeholder) this.placeholder -= delayS;
    else this.placeholder = 0;
    this.lastQuality = quality;
    return quality;
  }
}
