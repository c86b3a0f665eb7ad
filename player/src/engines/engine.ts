/**
 * The one small interface every playback engine (hls.js, shaka) implements.
 * The rest of the app (pages, stats, window.__player) only talks to this.
 */
import type { AbrRule, Rung } from '../abr/types.ts';
import type { EventBus } from './event-bus.ts';

export type EngineKind = 'hls' | 'shaka';
export type AbrMode = 'ours' | 'default';

export interface EngineRung extends Rung {
  index: number;
  width: number;
  height: number;
  bandwidthBps: number;
}

/** Everything an engine reports; also what the stats collector consumes. */
export interface EngineEvents {
  /** The ladder is known (ascending by bandwidth). */
  rungs: { rungs: EngineRung[] };
  /** The ABR picked the rung for the next fetch (ours, or the engine's stock ABR). */
  'abr-decision': { from: number | null; to: number; estimateBps: number; reason: string };
  /** The rung on screen changed. */
  'rung-shown': { rung: number; height: number };
  /** A media segment finished downloading. */
  segment: {
    rung: number;
    bytes: number;
    ms: number;
    ttfbMs: number;
    durationSec: number;
    edge: string | null;
    cache: string | null;
  };
  /** An in-flight segment was given up for a lower rung. */
  abandon: { rung: number; to: number; reason: string };
  /** The ABR estimate changed (bits/s). */
  estimate: { bps: number };
  /** An error; fatal ones stop playback until retried. */
  error: { message: string; fatal: boolean; detail?: string };
}

export interface LoadOptions {
  video: HTMLVideoElement;
  /** Start position, s. */
  startTimeSec?: number;
  /** Pinned rung index, or 'auto'. Applied once the ladder is known. */
  quality?: number | 'auto';
  abr: AbrMode;
  sessionId: string;
  titleId: string;
  /** Don't fetch rungs larger than the element (hls.js capLevelToPlayerSize; shaka restrictToElementSize). */
  capToPlayerSize?: boolean;
  /** Our rule (only when abr = 'ours'). */
  rule?: AbrRule;
  /** Quick estimate for the first pick (last session's estimate), bits/s. */
  startEstimateBps?: number;
}

export interface Engine {
  readonly kind: EngineKind;
  readonly events: EventBus<EngineEvents>;
  load(url: string, options: LoadOptions): Promise<void>;
  destroy(): Promise<void>;
  rungs(): EngineRung[];
  /** Pin a rung or go back to adaptation. */
  setQuality(index: number | 'auto'): void;
  /** True while adaptation is on (no pin). */
  isAuto(): boolean;
  /** The ABR's current throughput estimate, bits/s (ours or the engine's). */
  estimateBps(): number;
}
