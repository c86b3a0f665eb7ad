/**
 * The playback state machine behind the stats view and `window.__player`.
 * Pure: fed with engine events and periodic media samples, no DOM or engine access,
 * so its rules (what counts as a stall, a switch, startup time) are unit-tested directly.
 */
import type { EngineEvents, EngineKind, AbrMode, EngineRung } from '../engines/engine.ts';

export type ProbeEventType =
  | 'startup'
  | 'abr-decision'
  | 'rung-shown'
  | 'segment'
  | 'abandon'
  | 'stall-start'
  | 'stall-end'
  | 'edge'
  | 'error'
  | 'seek';

export interface ProbeEvent {
  t: number;
  type: ProbeEventType;
  [k: string]: unknown;
}

export interface ProbeState {
  engine: EngineKind;
  abr: AbrMode;
  titleId: string;
  sessionId: string;
  ready: boolean;
  startupMs: number | null;
  rungs: Array<{ index: number; width: number; height: number; bandwidthBps: number }>;
  auto: boolean;
  selectedRung: number | null;
  currentRung: number | null;
  estimateBps: number;
  bufferSec: number;
  stalls: { count: number; totalMs: number };
  switches: number;
  droppedFrames: number;
  edge: string | null;
  events: ProbeEvent[];
}

/** One point per sample for the charts (times in s since load). */
export interface SeriesPoint {
  t: number;
  bufferSec: number;
  estimateBps: number;
  selectedBps: number | null;
}
export interface SegmentPoint {
  t: number;
  throughputBps: number;
  rung: number;
  bytes: number;
  ms: number;
  edge: string | null;
  cache: string | null;
}

export interface MediaSample {
  nowMs: number;
  bufferSec: number;
  droppedFrames: number;
  estimateBps: number;
  auto: boolean;
}

/** Keep the event log bounded: a long session must not grow memory without limit. */
export const MAX_EVENTS = 5000;
/**
 * A 'waiting' shorter than this is not counted as a stall: browsers fire waiting/playing pairs a few ms
 * apart at segment boundaries and on quality switches, invisible to a viewer but noise in comparisons.
 */
export const MIN_STALL_MS = 100;
/** Charts show the last few minutes. */
export const CHART_WINDOW_SEC = 300;

export class StatsCollector {
  readonly state: ProbeState;
  readonly series: SeriesPoint[] = [];
  readonly segments: SegmentPoint[] = [];
  /** X-Cache counts per edge, from response headers. */
  readonly cacheByEdge = new Map<string, { hits: number; total: number }>();
  private stallStart: number | null = null;
  /** Whether the stall in progress has lasted MIN_STALL_MS and so been counted. */
  private stallCounted = false;
  private seeking = false;
  private readonly loadStartMs: number;
  private lastSegmentAt = -Infinity;

  constructor(init: { engine: EngineKind; abr: AbrMode; titleId: string; sessionId: string; loadStartMs: number; auto?: boolean }) {
    this.loadStartMs = init.loadStartMs;
    this.state = {
      engine: init.engine,
      abr: init.abr,
      titleId: init.titleId,
      sessionId: init.sessionId,
      ready: false,
      startupMs: null,
      rungs: [],
      auto: init.auto ?? true,
      selectedRung: null,
      currentRung: null,
      estimateBps: 0,
      bufferSec: 0,
      stalls: { count: 0, totalMs: 0 },
      switches: 0,
      droppedFrames: 0,
      edge: null,
      events: [],
    };
  }

  private push(t: number, type: ProbeEventType, data: Record<string, unknown> = {}): void {
    const ev = { ...data, t, type } as ProbeEvent;
    const events = this.state.events;
    events.push(ev);
    if (events.length > MAX_EVENTS) events.splice(0, events.length - MAX_EVENTS);
  }

  /** Seconds since load, for chart x-axes. */
  private rel(nowMs: number): number {
    return (nowMs - this.loadStartMs) / 1000;
  }

  onRungs(rungs: EngineRung[]): void {
    this.state.rungs = rungs.map(({ index, width, height, bandwidthBps }) => ({ index, width, height, bandwidthBps }));
  }

  onDecision(nowMs: number, d: EngineEvents['abr-decision']): void {
    this.state.selectedRung = d.to;
    if (d.estimateBps > 0) this.state.estimateBps = d.estimateBps;
    this.push(nowMs, 'abr-decision', { from: d.from, to: d.to, estimateBps: d.estimateBps, reason: d.reason });
  }

  onRungShown(nowMs: number, r: EngineEvents['rung-shown']): void {
    const prev = this.state.currentRung;
    if (prev === r.rung) return;
    // A switch is a change of the rung on screen after the first frame: before it nothing is on screen
    // (shaka reports the size of an init segment it appended and then abandoned, for instance).
    if (prev !== null && this.state.ready) this.state.switches++;
    this.state.currentRung = r.rung;
    this.push(nowMs, 'rung-shown', { rung: r.rung, height: r.height, from: prev });
  }

  onSegment(nowMs: number, s: EngineEvents['segment']): void {
    this.lastSegmentAt = nowMs;
    const throughputBps = s.ms > 0 ? (s.bytes * 8 * 1000) / s.ms : 0;
    this.segments.push({ t: this.rel(nowMs), throughputBps, rung: s.rung, bytes: s.bytes, ms: s.ms, edge: s.edge, cache: s.cache });
    this.trim(this.segments, nowMs);
    if (s.edge) {
      if (s.edge !== this.state.edge) {
        this.push(nowMs, 'edge', { edge: s.edge, from: this.state.edge });
        this.state.edge = s.edge;
      }
      if (s.cache) {
        const c = this.cacheByEdge.get(s.edge) ?? { hits: 0, total: 0 };
        c.total++;
        if (/^hit/i.test(s.cache)) c.hits++;
        this.cacheByEdge.set(s.edge, c);
      }
    }
    this.push(nowMs, 'segment', { rung: s.rung, bytes: s.bytes, ms: s.ms, ttfbMs: s.ttfbMs, edge: s.edge, cache: s.cache });
  }

  onAbandon(nowMs: number, a: EngineEvents['abandon']): void {
    this.push(nowMs, 'abandon', { rung: a.rung, to: a.to, reason: a.reason });
  }

  onError(nowMs: number, e: { message: string; fatal: boolean }): void {
    this.push(nowMs, 'error', { message: e.message, fatal: e.fatal });
  }

  onEstimate(bps: number): void {
    if (bps > 0) this.state.estimateBps = bps;
  }

  /** First frame on screen. */
  onFirstFrame(nowMs: number): void {
    if (this.state.ready) return;
    this.state.ready = true;
    this.state.startupMs = Math.max(0, Math.round(nowMs - this.loadStartMs));
    this.push(nowMs, 'startup', { startupMs: this.state.startupMs });
  }

  onSeeking(nowMs: number, to: number): void {
    this.seeking = true;
    // A stall in progress ends with the seek: the wait after a seek is the seek, not a stall.
    this.endStall(nowMs);
    this.push(nowMs, 'seek', { to });
  }

  onSeeked(): void {
    this.seeking = false;
  }

  /** The media element is waiting for data. Before the first frame and during seeks this is not a stall. */
  onWaiting(nowMs: number): void {
    if (!this.state.ready || this.seeking || this.stallStart !== null) return;
    this.stallStart = nowMs;
    this.stallCounted = false;
  }

  /** Counts the stall in progress once it has lasted MIN_STALL_MS (event stamped with its real start). */
  private commitStall(nowMs: number): void {
    if (this.stallStart === null || this.stallCounted || nowMs - this.stallStart < MIN_STALL_MS) return;
    this.stallCounted = true;
    this.state.stalls.count++;
    this.push(this.stallStart, 'stall-start', { bufferSec: this.state.bufferSec });
  }

  /** Playback resumed (playing / enough data). */
  onPlaying(nowMs: number): void {
    this.endStall(nowMs);
  }

  private endStall(nowMs: number): void {
    if (this.stallStart === null) return;
    this.commitStall(nowMs);
    if (this.stallCounted) {
      const ms = Math.max(0, nowMs - this.stallStart);
      this.state.stalls.totalMs += ms;
      this.push(nowMs, 'stall-end', { ms });
    }
    this.stallStart = null;
    this.stallCounted = false;
  }

  /**
   * How long playback has made no progress: the current stall once playing; before the first frame,
   * the time since the last segment arrived (or since load). Drives the "connection problem" message.
   */
  noProgressMs(nowMs: number): number {
    if (this.state.ready) return this.stallInProgressMs(nowMs);
    return Math.max(0, nowMs - Math.max(this.loadStartMs, this.lastSegmentAt));
  }

  /** How long the current stall has lasted (0 when playing). */
  stallInProgressMs(nowMs: number): number {
    return this.stallStart !== null ? Math.max(0, nowMs - this.stallStart) : 0;
  }

  /** Stall time so far including a (counted) stall still in progress. */
  stallMsNow(nowMs: number): number {
    this.commitStall(nowMs);
    return this.state.stalls.totalMs + (this.stallStart !== null && this.stallCounted ? nowMs - this.stallStart : 0);
  }

  sample(s: MediaSample): void {
    this.commitStall(s.nowMs);
    this.state.bufferSec = Math.max(0, s.bufferSec);
    this.state.droppedFrames = s.droppedFrames;
    this.state.auto = s.auto;
    if (s.estimateBps > 0) this.state.estimateBps = s.estimateBps;
    const sel = this.state.selectedRung;
    const selectedBps = sel !== null ? (this.state.rungs[sel]?.bandwidthBps ?? null) : null;
    this.series.push({ t: this.rel(s.nowMs), bufferSec: this.state.bufferSec, estimateBps: this.state.estimateBps, selectedBps });
    this.trim(this.series, s.nowMs);
  }

  /** Pinned quality: the pin is the selection. */
  onPinned(index: number | 'auto'): void {
    this.state.auto = index === 'auto';
    if (index !== 'auto') this.state.selectedRung = index;
  }

  hitRatio(edge: string | null): number | null {
    if (!edge) return null;
    const c = this.cacheByEdge.get(edge);
    return c && c.total > 0 ? c.hits / c.total : null;
  }

  private trim(arr: Array<{ t: number }>, nowMs: number): void {
    const cutoff = this.rel(nowMs) - CHART_WINDOW_SEC;
    let drop = 0;
    while (drop < arr.length && arr[drop]!.t < cutoff) drop++;
    if (drop > 0) arr.splice(0, drop);
  }
}
