/**
 * shaka-player's stock SimpleAbrManager (lib/abr/simple_abr_manager.js) with
 * `useNetworkInformation: false`: EWMA bandwidth estimator (fast 2 s / slow
 * 5 s half-life, samples under 16 kB ignored, default 1 Mb/s until 128 kB
 * were sampled), request time including latency as shaka measures it; choose
 * the highest variant with estimate ≥ bandwidth / 0.95 (downgrade target),
 * keeping it while estimate ≤ next bandwidth / 0.85 (upgrade target); no new
 * choice within 8 s (switchInterval) of the previous one after startup.
 */

import { Ewma } from '../../../player/src/abr/ewma.ts';
import type { Video } from '../pensieve-env.ts';
import type { LabAlgorithm, Observation } from './lab-algorithm.ts';

export class ShakaDefault implements LabAlgorithm {
  readonly name = 'shaka';
  private fast = new Ewma(2);
  private slow = new Ewma(5);
  private bytesSampled = 0;
  private video!: Video;
  private current = 1;
  private lastChosenMs: number | null = null;
  private startupComplete = false;

  startSession(video: Video): void {
    this.video = video;
    this.fast = new Ewma(2);
    this.slow = new Ewma(5);
    this.bytesSampled = 0;
    this.current = video.startRung;
    this.lastChosenMs = null;
    this.startupComplete = false;
  }

  private estimate(): number {
    if (this.bytesSampled < 128e3) return 1e6;
    return Math.min(this.fast.getEstimate(), this.slow.getEstimate());
  }

  next(obs: Observation): number {
    if (obs.chunkBytes >= 16e3) {
      const bw = (8000 * obs.chunkBytes) / obs.delayMs;
      this.bytesSampled += obs.chunkBytes;
      this.fast.sample(obs.delayMs / 1000, bw);
      this.slow.sample(obs.delayMs / 1000, bw);
    }
    const now = obs.clockMs;
    if (!this.startupComplete) {
      if (this.bytesSampled < 128e3) return this.current;
      this.startupComplete = true;
    } else if (this.lastChosenMs !== null && now - this.lastChosenMs < 8000) {
      return this.current;
    }
    this.current = this.chooseVariant();
    this.lastChosenMs = now;
    return this.current;
  }

  private chooseVariant(): number {
    const est = this.estimate();
    const b = this.video.bitratesKbps.map((k) => k * 1000);
    let chosen = 0;
    for (let i = 0; i < b.length; i++) {
      const minBandwidth = (b[i] as number) / 0.95;
      const next = i + 1 < b.length ? (b[i + 1] as number) : Infinity;
      const maxBandwidth = next / 0.85;
      if (est >= minBandwidth && est <= maxBandwidth) chosen = i;
    }
    return chosen;
  }
}
