/**
 * Plugs our ABR rule into hls.js through its `abrController` config slot, i.e. a
 * class implementing hls.js's AbrComponentAPI (src/types/component-api.ts):
 *   firstAutoLevel / nextAutoLevel (getter + setter) / forcedAutoLevel / bwEstimator / resetEstimator / destroy.
 *
 * hls.js calls `nextAutoLevel` before every fragment (level-controller.nextLoadLevel), `firstAutoLevel`
 * for the start level, and sets `nextAutoLevel` itself after error recovery. We answer from the rule and
 * feed the rule from FRAG_LOADED (bytes, request→last byte, TTFB). During a download we poll the fragment's
 * loader stats every 100 ms and ask the rule whether to abandon; if so we abort the request ourselves and
 * force the lower level for the next fetch (the stock emergency switch is what hls.js #6079 is about).
 *
 * Only the structural part of hls.js we touch is typed here (HlsLike) so a fake engine can drive it in tests.
 */
import type { AbrRule, PlaybackState, Rung } from '../../abr/types.ts';
import { manifestHintBps } from '../manifest-hint.ts';
import { cancelInFlight, segmentsLeft } from '../rule-extras.ts';

/** hls.js event names we listen to (values of hls.js `Events`; literal so this file does not pull hls.js). */
export const HLS_EVENTS = {
  MANIFEST_LOADING: 'hlsManifestLoading',
  MANIFEST_LOADED: 'hlsManifestLoaded',
  MANIFEST_PARSED: 'hlsManifestParsed',
  LEVELS_UPDATED: 'hlsLevelsUpdated',
  FRAG_LOADING: 'hlsFragLoading',
  FRAG_LOADED: 'hlsFragLoaded',
  FRAG_LOAD_EMERGENCY_ABORTED: 'hlsFragLoadEmergencyAborted',
} as const;

export interface LoaderStatsLike {
  aborted: boolean;
  loaded: number;
  total: number;
  loading: { start: number; first: number; end: number };
}

export interface FragLike {
  type: string; // 'main' | 'audio' | 'subtitle'
  sn: number | 'initSegment';
  level: number;
  duration: number;
  stats: LoaderStatsLike;
  bitrateTest?: boolean;
  abortRequests(): void;
}

export interface LevelLike {
  bitrate: number;
  averageBitrate?: number;
  maxBitrate?: number;
  width: number;
  height: number;
}

export interface HlsLike {
  on(event: string, fn: (event: string, data: any) => void, ctx?: unknown): void;
  off(event: string, fn: (event: string, data: any) => void, ctx?: unknown): void;
  trigger(event: string, data: unknown): boolean | void;
  readonly levels: LevelLike[];
  readonly media: { playbackRate: number; paused: boolean; duration?: number; currentTime?: number } | null;
  readonly config?: { maxBufferLength?: number };
  readonly mainForwardBufferInfo: { len: number } | null;
  readonly minAutoLevel: number;
  readonly maxAutoLevel: number;
  readonly autoLevelEnabled: boolean;
  nextLoadLevel: number;
}

export interface HlsAbrHooks {
  onDecision?(d: { from: number | null; to: number; estimateBps: number; reason: string }): void;
  onSample?(s: { rung: number; bytes: number; ms: number; ttfbMs: number; durationSec: number; frag: FragLike; networkDetails: unknown }): void;
  onAbandon?(a: { rung: number; to: number; reason: string }): void;
  /** Monotonic clock (performance.now in the browser); injectable for tests. */
  now?(): number;
  /** Quick start estimate (e.g. last session's), bits/s. */
  startEstimateBps?(): number | undefined;
}

/** Interval of the in-flight check; hls.js's own abandon rule polls at the same rate. */
export const ABANDON_POLL_MS = 100;

/** Minimal stand-in for hls.js's EwmaBandWidthEstimator: hls.bandwidthEstimate, CMCD `mtp` and ttfbEstimate read it. */
export class RuleBandwidthView {
  private ttfbMs = 100;
  constructor(
    private readonly rule: AbrRule,
    public defaultEstimate: number,
  ) {}
  getEstimate(): number {
    const e = this.rule.estimateBps();
    return e > 0 ? e : this.defaultEstimate;
  }
  getEstimateTTFB(): number {
    return this.ttfbMs;
  }
  canEstimate(): boolean {
    return this.rule.estimateBps() > 0;
  }
  sampleTTFB(ms: number): void {
    if (Number.isFinite(ms) && ms >= 0) this.ttfbMs = 0.7 * this.ttfbMs + 0.3 * ms;
  }
  // hls.js only samples through its own AbrController, which we replace; nothing to do.
  sample(): void {}
  update(): void {}
  get minWeight(): number {
    return 0;
  }
}

export function levelsToRungs(levels: readonly LevelLike[]): Rung[] {
  return levels.map((l) => ({
    bandwidthBps: l.maxBitrate || l.bitrate,
    averageBandwidthBps: l.averageBitrate || undefined,
    width: l.width,
    height: l.height,
  }));
}

/**
 * Returns a class for hls.js's `abrController` config. The rule is shared through the closure because
 * hls.js constructs the controller itself (`new abrController(hls)`).
 */
export function createHlsAbrController(rule: AbrRule, hooks: HlsAbrHooks = {}) {
  const now = hooks.now ?? (() => performance.now());

  return class OurHlsAbrController {
    private hls: HlsLike | null;
    /** Level imposed from outside (hls.js error recovery, our abandon); wins until a fragment of it loads. */
    private forced = -1;
    /** Our last answer, to tell our own value coming back through the setter from a real override. */
    private lastDecision: number | null = null;
    private lastDecisionInfo: { estimateBps: number; reason: string } = { estimateBps: 0, reason: 'startup' };
    /** Level of the last main fragment requested: decisions are reported when hls.js acts on them. */
    private lastRequested: number | null = null;
    private loadedAny = false;
    private startHintBps: number | undefined;
    private timer: ReturnType<typeof setInterval> | null = null;
    private fragCurrent: FragLike | null = null;
    /** Duration of the last main fragment seen: the size of the next one, for the rule. */
    private lastFragDurationSec = 0;
    readonly bwEstimator: RuleBandwidthView;

    constructor(hls: HlsLike) {
      this.hls = hls;
      this.bwEstimator = new RuleBandwidthView(rule, 500_000);
      hls.on(HLS_EVENTS.MANIFEST_LOADING, this.onManifestLoading, this);
      hls.on(HLS_EVENTS.MANIFEST_LOADED, this.onManifestLoaded, this);
      hls.on(HLS_EVENTS.MANIFEST_PARSED, this.onLevelsUpdated, this);
      hls.on(HLS_EVENTS.LEVELS_UPDATED, this.onLevelsUpdated, this);
      hls.on(HLS_EVENTS.FRAG_LOADING, this.onFragLoading, this);
      hls.on(HLS_EVENTS.FRAG_LOADED, this.onFragLoaded, this);
    }

    destroy(): void {
      const hls = this.hls;
      this.clearTimer();
      if (!hls) return;
      hls.off(HLS_EVENTS.MANIFEST_LOADING, this.onManifestLoading, this);
      hls.off(HLS_EVENTS.MANIFEST_LOADED, this.onManifestLoaded, this);
      hls.off(HLS_EVENTS.MANIFEST_PARSED, this.onLevelsUpdated, this);
      hls.off(HLS_EVENTS.LEVELS_UPDATED, this.onLevelsUpdated, this);
      hls.off(HLS_EVENTS.FRAG_LOADING, this.onFragLoading, this);
      hls.off(HLS_EVENTS.FRAG_LOADED, this.onFragLoaded, this);
      this.hls = null;
    }

    /** hls.bandwidthEstimate = x lands here: keep it as the start hint. */
    resetEstimator(abrEwmaDefaultEstimate?: number): void {
      if (abrEwmaDefaultEstimate && abrEwmaDefaultEstimate > 0) {
        this.startHintBps = abrEwmaDefaultEstimate;
        this.bwEstimator.defaultEstimate = abrEwmaDefaultEstimate;
      }
      this.forced = -1;
    }

    get firstAutoLevel(): number {
      const hls = this.hls;
      if (!hls || hls.levels.length === 0) return 0;
      const hint = hooks.startEstimateBps?.() ?? this.startHintBps;
      const d = rule.chooseStartRung(hint && hint > 0 ? { estimateBps: hint } : undefined);
      const level = this.clamp(d.rungIndex);
      this.report(level, d.estimateBps, d.reason);
      return level;
    }

    get forcedAutoLevel(): number {
      return this.forced;
    }

    get nextAutoLevel(): number {
      const hls = this.hls;
      if (!hls) return -1;
      if (this.forced > -1) return this.forced;
      if (!this.loadedAny) return this.firstAutoLevel;
      const d = rule.chooseNext(this.playbackState());
      const level = this.clamp(d.rungIndex);
      this.report(level, d.estimateBps, d.reason);
      return level;
    }

    set nextAutoLevel(level: number) {
      // hls.js's stream-controller writes back the value it just read from us (hls.nextLoadLevel = level);
      // only a different value is a real override (error recovery moving off a failing level).
      if (level === this.lastDecision || level < 0) return;
      this.forced = this.clamp(level);
    }

    private clamp(level: number): number {
      const hls = this.hls;
      if (!hls) return level;
      const max = hls.maxAutoLevel >= 0 ? hls.maxAutoLevel : hls.levels.length - 1;
      return Math.min(Math.max(level, hls.minAutoLevel, 0), Math.max(max, 0));
    }

    private playbackState(): PlaybackState {
      const hls = this.hls!;
      const media = hls.media;
      const rate = media && media.playbackRate ? Math.abs(media.playbackRate) : 1;
      const bufferSec = hls.mainForwardBufferInfo?.len ?? 0;
      const seg = this.lastFragDurationSec;
      return {
        bufferSec,
        nowMs: now(),
        playbackRate: rate,
        maxRungIndex: hls.maxAutoLevel >= 0 ? hls.maxAutoLevel : undefined,
        segmentDurationSec: seg > 0 ? seg : undefined,
        maxBufferSec: hls.config?.maxBufferLength,
        segmentsLeft: segmentsLeft(media?.duration, media?.currentTime ?? 0, bufferSec, seg),
      };
    }

    /**
     * hls.js reads nextAutoLevel on every tick, not only when it requests a fragment; the answer is kept
     * here and reported (onDecision) when a fragment of a new level is actually requested, so the
     * decision log shows what was fetched rather than every intermediate answer.
     */
    private report(level: number, estimateBps: number, reason: string): void {
      this.lastDecision = level;
      this.lastDecisionInfo = { estimateBps, reason };
    }

    private noteRequested(level: number, forcedReason?: string): void {
      if (level === this.lastRequested) return;
      const from = this.lastRequested;
      this.lastRequested = level;
      const ours = level === this.lastDecision;
      hooks.onDecision?.({
        from,
        to: level,
        estimateBps: ours ? this.lastDecisionInfo.estimateBps : rule.estimateBps(),
        reason: forcedReason ?? (ours ? this.lastDecisionInfo.reason : this.hls?.autoLevelEnabled === false ? 'pinned' : 'engine'),
      });
    }

    private onManifestLoading(): void {
      this.forced = -1;
      this.lastDecision = null;
      this.lastRequested = null;
      this.loadedAny = false;
      this.fragCurrent = null;
      this.clearTimer();
    }

    /** The manifest download is our first throughput sample when no earlier session left one. */
    private onManifestLoaded(_e: string, data: { stats?: LoaderStatsLike }): void {
      const s = data?.stats;
      if (!s || this.startHintBps) return;
      const hint = manifestHintBps(s.loaded, s.loading.end - s.loading.start);
      if (hint !== undefined) this.startHintBps = hint;
    }

    private onLevelsUpdated(): void {
      const hls = this.hls;
      if (!hls || hls.levels.length === 0) return;
      rule.setRungs(levelsToRungs(hls.levels));
    }

    private isMainMedia(frag: FragLike): boolean {
      return frag.type === 'main' && frag.sn !== 'initSegment';
    }

    private onFragLoading(_e: string, data: { frag: FragLike }): void {
      const frag = data.frag;
      if (!this.isMainMedia(frag)) return;
      this.noteRequested(frag.level);
      if (frag.duration > 0) this.lastFragDurationSec = frag.duration;
      // The previous fragment neither finished nor was abandoned by us (a seek or flush aborted it):
      // its partial progress must not weigh on the next pick.
      if (this.fragCurrent && this.fragCurrent !== frag) cancelInFlight(rule);
      this.fragCurrent = frag;
      this.clearTimer();
      this.timer = setInterval(() => this.checkAbandon(), ABANDON_POLL_MS);
    }

    private onFragLoaded(_e: string, data: { frag: FragLike; networkDetails?: unknown }): void {
      const frag = data.frag;
      const stats = frag.stats;
      if (frag.type === 'main') this.bwEstimator.sampleTTFB(stats.loading.first - stats.loading.start);
      if (!this.isMainMedia(frag)) return;
      if (frag === this.fragCurrent) {
        this.clearTimer();
        this.fragCurrent = null;
      }
      const totalMs = Math.max(0, stats.loading.end - stats.loading.start);
      const ttfbMs = stats.loading.first > 0 ? Math.max(0, stats.loading.first - stats.loading.start) : 0;
      rule.recordDownload({
        rungIndex: frag.level,
        bytes: stats.loaded,
        totalMs,
        ttfbMs,
        segmentDurationSec: frag.duration,
        atMs: now(),
      });
      this.loadedAny = true;
      if (frag.level === this.forced) this.forced = -1;
      hooks.onSample?.({
        rung: frag.level,
        bytes: stats.loaded,
        ms: totalMs,
        ttfbMs,
        durationSec: frag.duration,
        frag,
        networkDetails: data.networkDetails,
      });
    }

    /** Runs every ABANDON_POLL_MS while a main fragment downloads; exposed for tests. */
    checkAbandon(): void {
      const hls = this.hls;
      const frag = this.fragCurrent;
      if (!hls || !frag) return this.clearTimer();
      const stats = frag.stats;
      if (stats.aborted || (stats.total > 0 && stats.loaded >= stats.total)) return this.clearTimer();
      // Pinned quality or already at the floor: nothing lower to go to.
      if (!hls.autoLevelEnabled || frag.level <= Math.max(0, hls.minAutoLevel)) return;
      const t = now();
      const elapsedMs = t - stats.loading.start;
      const ttfbMs = stats.loading.first > 0 ? stats.loading.first - stats.loading.start : undefined;
      const verdict = rule.checkAbandon(
        {
          rungIndex: frag.level,
          bytesLoaded: stats.loaded,
          bytesTotal: stats.total > 0 ? stats.total : undefined,
          elapsedMs,
          ttfbMs,
          segmentDurationSec: frag.duration,
        },
        this.playbackState(),
      );
      if (!verdict.abandon) {
        this.announceDropDecision(frag.level);
        return;
      }
      const to = this.clamp(verdict.switchTo ?? frag.level - 1);
      if (to >= frag.level) return;
      this.clearTimer();
      this.fragCurrent = null;
      // Force the lower level before aborting so the stream controller's next tick requests it.
      this.forced = to;
      this.report(to, rule.estimateBps(), `abandon:${verdict.reason}`);
      // An abandon is acted on at once: report it now rather than at the next request.
      this.noteRequested(to, `abandon:${verdict.reason}`);
      hls.nextLoadLevel = to;
      frag.abortRequests();
      hls.trigger(HLS_EVENTS.FRAG_LOAD_EMERGENCY_ABORTED, { frag, part: null, stats });
      hooks.onAbandon?.({ rung: frag.level, to, reason: verdict.reason });
    }

    /**
     * The download in flight is kept (the buffer covers it), but the progress just fed to the rule may
     * already say the next fragment must come from a lower rung. hls.js will only ask when this one ends,
     * a whole (slow) segment later; the decision is taken now, so it is reported now.
     */
    private announceDropDecision(inFlightLevel: number): void {
      const d = rule.chooseNext(this.playbackState());
      const level = this.clamp(d.rungIndex);
      if (level >= inFlightLevel || level === this.lastRequested) return;
      this.report(level, d.estimateBps, d.reason);
      this.noteRequested(level);
    }

    private clearTimer(): void {
      if (this.timer !== null) {
        clearInterval(this.timer);
        this.timer = null;
      }
    }
  };
}
