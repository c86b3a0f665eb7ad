/**
 * Our ABR rule as a shaka-player AbrManager (shaka.extern.AbrManager, handed to shaka via `abrFactory`).
 *
 * How shaka drives it:
 *  - setVariants(variants)        → rule.setRungs (one rung per video stream, ascending bandwidth)
 *  - chooseVariant()              → rule.chooseStartRung (first call) / rule.chooseNext
 *  - segmentDownloaded(ms, bytes, allowSwitch, request, context)
 *        shaka's NetworkingEngine reports every progress chunk of a segment (request.packetNumber set) or,
 *        when the fetch gave no progress, the whole response once. Chunks are summed per request and checked
 *        against rule.checkAbandon; the whole download goes to rule.recordDownload when the response
 *        arrives (`completeRequest`, called by the engine's response filter) or at once for single reports.
 *  - switchCallback(variant)      ← we call it when the rule's pick changes after a segment, and on abandon
 *        (shaka's StreamingEngine aborts the in-flight request when the lower segment can arrive in time).
 *  - getBandwidthEstimate()       → rule.estimateBps(); navigator.connection is never read (shaka #6381).
 *
 * The shaka types are described structurally so tests can drive this with a fake player.
 */
import type { AbrRule, PlaybackState, Rung } from '../../abr/types.ts';
import { cancelInFlight, segmentsLeft } from '../rule-extras.ts';

export interface StreamLike {
  id: number;
  bandwidth?: number;
  width?: number;
  height?: number;
}
export interface VariantLike {
  id: number;
  bandwidth: number;
  video: StreamLike | null;
  audio: StreamLike | null;
}
export interface RequestLike {
  uris: string[];
  requestStartTime?: number | null;
  timeToFirstByte?: number | null;
  packetNumber?: number | null;
  contentType?: string | null;
}
export interface SegmentRefLike {
  getStartTime(): number;
  getEndTime(): number;
  getSize?(): number | null;
}
export interface RequestContextLike {
  /** shaka.net.NetworkingEngine.AdvancedRequestType: 0 = init segment, 1 = media segment. */
  type?: number;
  stream?: StreamLike;
  segment?: SegmentRefLike;
}
export interface MediaLike {
  currentTime: number;
  duration?: number;
  playbackRate: number;
  buffered: { length: number; start(i: number): number; end(i: number): number };
  clientHeight?: number;
}
export interface AbrConfigLike {
  enabled?: boolean;
  defaultBandwidthEstimate?: number;
  restrictToElementSize?: boolean;
  restrictions?: { maxHeight?: number; maxWidth?: number; maxBandwidth?: number; minHeight?: number; minBandwidth?: number };
}

export interface ShakaAbrHooks {
  onDecision?(d: { from: number | null; to: number; estimateBps: number; reason: string }): void;
  onSample?(s: { rung: number; bytes: number; ms: number; ttfbMs: number; durationSec: number }): void;
  onAbandon?(a: { rung: number; to: number; reason: string }): void;
  /** Monotonic clock for the rule; injectable for tests. */
  now?(): number;
  /** Wall clock (shaka stamps requests with Date.now()). */
  wallNow?(): number;
  startEstimateBps?(): number | undefined;
  /** The engine's buffering goal (shaka streaming.bufferingGoal), s. */
  maxBufferSec?: number;
  /** shaka released this instance (it makes one per load / preload and releases old ones). */
  onRelease?(): void;
}

const INIT_SEGMENT = 0;

type SwitchCallback = (variant: VariantLike, clearBuffer?: boolean, safeMargin?: number) => unknown;

interface InFlight {
  rung: number;
  bytes: number;
  ms: number;
  durationSec: number;
  sizeBytes: number | undefined;
  abandoned: boolean;
}

/** Seconds of media buffered ahead of the playhead. */
export function bufferAhead(media: MediaLike | null): number {
  if (!media) return 0;
  const t = media.currentTime;
  const b = media.buffered;
  for (let i = 0; i < b.length; i++) {
    // Small tolerance: the playhead often sits a few ms before a range start after a seek.
    if (t >= b.start(i) - 0.1 && t <= b.end(i)) return Math.max(0, b.end(i) - t);
  }
  return 0;
}

export class OurShakaAbrManager {
  private switchCb: SwitchCallback | null = null;
  private enabled = false;
  private config: AbrConfigLike = {};
  private media: MediaLike | null = null;
  private variants: VariantLike[] = [];
  /** One variant per rung, ascending. */
  private rungVariants: VariantLike[] = [];
  private rungByVideoId = new Map<number, number>();
  private chosen: number | null = null;
  private loadedAny = false;
  private playbackRate = 1;
  private inFlight = new Map<RequestLike, InFlight>();
  /** Duration of the last video segment seen: the size of the next one, for the rule. */
  private lastSegmentSec = 0;
  private readonly now: () => number;
  private readonly wallNow: () => number;

  constructor(
    private readonly rule: AbrRule,
    private readonly hooks: ShakaAbrHooks = {},
  ) {
    this.now = hooks.now ?? (() => performance.now());
    this.wallNow = hooks.wallNow ?? (() => Date.now());
  }

  init(switchCallback: SwitchCallback, _disableStreamCallback?: unknown): void {
    this.switchCb = switchCallback;
  }
  stop(): void {
    this.switchCb = null;
    this.enabled = false;
    this.inFlight.clear();
  }
  release(): void {
    this.stop();
    this.media = null;
    this.hooks.onRelease?.();
  }
  configure(config: AbrConfigLike): void {
    this.config = config ?? {};
  }
  enable(): void {
    this.enabled = true;
  }
  disable(): void {
    this.enabled = false;
  }
  isEnabled(): boolean {
    return this.enabled;
  }
  setMediaElement(media: MediaLike | null): void {
    this.media = media;
  }
  setCmsdManager(): void {}
  playbackRateChanged(rate: number): void {
    this.playbackRate = rate > 0 ? rate : 1;
  }

  getBandwidthEstimate(): number {
    const e = this.rule.estimateBps();
    if (e > 0) return e;
    return this.hooks.startEstimateBps?.() ?? this.config.defaultBandwidthEstimate ?? 1_000_000;
  }

  setVariants(variants: VariantLike[], _isLowLatency?: boolean): boolean {
    const sameIds =
      variants.length === this.variants.length && variants.every((v, i) => v.id === this.variants[i]?.id);
    this.variants = variants;
    // One rung per video stream; the cheapest variant carrying it (audio rarely differs per rung here).
    const byVideo = new Map<number, VariantLike>();
    for (const v of variants) {
      const key = v.video ? v.video.id : -v.id;
      const prev = byVideo.get(key);
      if (!prev || v.bandwidth < prev.bandwidth) byVideo.set(key, v);
    }
    this.rungVariants = [...byVideo.values()].sort((a, b) => a.bandwidth - b.bandwidth);
    this.rungByVideoId.clear();
    this.rungVariants.forEach((v, i) => {
      if (v.video) this.rungByVideoId.set(v.video.id, i);
    });
    this.rule.setRungs(this.rungs());
    return !sameIds;
  }

  rungs(): Rung[] {
    return this.rungVariants.map((v) => ({
      bandwidthBps: v.bandwidth,
      width: v.video?.width,
      height: v.video?.height,
    }));
  }

  variantForRung(index: number): VariantLike | undefined {
    return this.rungVariants[index];
  }

  rungOfVariant(v: VariantLike | null | undefined): number | null {
    if (!v) return null;
    if (v.video) {
      const r = this.rungByVideoId.get(v.video.id);
      if (r !== undefined) return r;
    }
    const i = this.rungVariants.findIndex((x) => x.id === v.id);
    return i >= 0 ? i : null;
  }

  /** Highest rung allowed by the configured restrictions and, optionally, the element size. */
  private maxRung(): number | undefined {
    const r = this.config.restrictions ?? {};
    let limitH = r.maxHeight ?? Infinity;
    if (this.config.restrictToElementSize && this.media?.clientHeight) {
      const dpr = typeof devicePixelRatio === 'number' ? devicePixelRatio : 1;
      limitH = Math.min(limitH, this.media.clientHeight * dpr);
    }
    const maxW = r.maxWidth ?? Infinity;
    const maxB = r.maxBandwidth ?? Infinity;
    let max = -1;
    this.rungVariants.forEach((v, i) => {
      const h = v.video?.height ?? 0;
      const w = v.video?.width ?? 0;
      if (h <= limitH && w <= maxW && v.bandwidth <= maxB) max = i;
    });
    if (max === -1) return this.rungVariants.length ? 0 : undefined;
    return max === this.rungVariants.length - 1 ? undefined : max;
  }

  private state(): PlaybackState {
    const bufferSec = bufferAhead(this.media);
    const seg = this.lastSegmentSec;
    return {
      bufferSec,
      nowMs: this.now(),
      playbackRate: this.playbackRate,
      maxRungIndex: this.maxRung(),
      segmentDurationSec: seg > 0 ? seg : undefined,
      maxBufferSec: this.hooks.maxBufferSec,
      segmentsLeft: segmentsLeft(this.media?.duration, this.media?.currentTime ?? 0, bufferSec, seg),
    };
  }

  private clamp(i: number): number {
    const max = this.maxRung() ?? this.rungVariants.length - 1;
    return Math.max(0, Math.min(i, max));
  }

  private decide(): { rung: number; estimateBps: number; reason: string } {
    if (!this.loadedAny) {
      const hint = this.hooks.startEstimateBps?.();
      const d = this.rule.chooseStartRung(hint && hint > 0 ? { estimateBps: hint } : undefined);
      return { rung: this.clamp(d.rungIndex), estimateBps: d.estimateBps, reason: d.reason };
    }
    const d = this.rule.chooseNext(this.state());
    return { rung: this.clamp(d.rungIndex), estimateBps: d.estimateBps, reason: d.reason };
  }

  private note(rung: number, estimateBps: number, reason: string): void {
    if (rung === this.chosen) return;
    const from = this.chosen;
    this.chosen = rung;
    this.hooks.onDecision?.({ from, to: rung, estimateBps, reason });
  }

  chooseVariant(_preferFastSwitching?: boolean): VariantLike {
    const d = this.decide();
    this.note(d.rung, d.estimateBps, d.reason);
    const v = this.rungVariants[d.rung] ?? this.variants[0];
    if (!v) throw new Error('no variants to choose from');
    return v;
  }

  /**
   * Manual quality: switch to the rung now, flushing what was buffered at the old one (the rule has been
   * pinned, so later picks agree). Going through our own switchCallback keeps shaka's ABR enabled: shaka's
   * selectVariantTrack() would also narrow its adaptation set to that rung's codec string, leaving Auto
   * with a one-rung ladder afterwards.
   */
  switchNow(rung: number, reason = 'pinned'): void {
    const v = this.rungVariants[rung];
    if (!v) return;
    this.note(rung, this.rule.estimateBps(), reason);
    this.switchCb?.(v, true);
  }

  trySuggestStreams(): void {
    if (this.enabled) this.suggest();
  }

  private suggest(): void {
    if (!this.switchCb || this.rungVariants.length === 0) return;
    const d = this.decide();
    if (d.rung === this.chosen) return;
    this.note(d.rung, d.estimateBps, d.reason);
    const v = this.rungVariants[d.rung];
    if (v) this.switchCb(v, false);
  }

  private rungOfContext(context?: RequestContextLike): number {
    const id = context?.stream?.id;
    if (id !== undefined) {
      const r = this.rungByVideoId.get(id);
      if (r !== undefined) return r;
    }
    return this.chosen ?? 0;
  }

  private isVideo(request?: RequestLike, context?: RequestContextLike): boolean {
    // Init segments are tiny and all latency: they say nothing about throughput.
    if (context?.type === INIT_SEGMENT) return false;
    if (request?.contentType) return request.contentType === 'video';
    const id = context?.stream?.id;
    if (id !== undefined) return this.rungByVideoId.has(id);
    return true;
  }

  segmentDownloaded(
    deltaTimeMs: number,
    numBytes: number,
    allowSwitch: boolean,
    request?: RequestLike,
    context?: RequestContextLike,
  ): void {
    if (!this.isVideo(request, context)) return;
    const rung = this.rungOfContext(context);
    const seg = context?.segment;
    const durationSec = seg ? Math.max(0, seg.getEndTime() - seg.getStartTime()) : 0;
    if (durationSec > 0) this.lastSegmentSec = durationSec;
    const ttfbMs = request?.timeToFirstByte ?? 0;

    // Whole response reported at once (no progress events): that is the completed download.
    if (!request || request.packetNumber == null) {
      this.finish(rung, numBytes, deltaTimeMs, ttfbMs, durationSec, allowSwitch);
      return;
    }

    let f = this.inFlight.get(request);
    if (!f) {
      // Video downloads are sequential: an older one still open was cancelled (seek, switch), not finished.
      if (this.inFlight.size > 0) {
        this.inFlight.clear();
        cancelInFlight(this.rule);
      }
      f = { rung, bytes: 0, ms: 0, durationSec, sizeBytes: seg?.getSize?.() ?? undefined, abandoned: false };
      this.inFlight.set(request, f);
    }
    f.bytes += numBytes;
    f.ms = request.requestStartTime ? this.wallNow() - request.requestStartTime : f.ms + deltaTimeMs;
    if (allowSwitch && this.enabled && !f.abandoned) this.maybeAbandon(f, request);
  }

  /** The engine's response filter calls this when a segment response is complete. */
  completeRequest(request: RequestLike, totalBytes?: number, timeMs?: number): void {
    let key: RequestLike | undefined = this.inFlight.has(request) ? request : undefined;
    // Should shaka ever hand the filter a copy of the request, match it by URI instead.
    if (!key) for (const k of this.inFlight.keys()) if (k.uris[0] !== undefined && k.uris[0] === request.uris[0]) key = k;
    const f = key ? this.inFlight.get(key) : undefined;
    if (!key || !f) return;
    this.inFlight.delete(key);
    if (f.abandoned) return;
    const ttfb = request.timeToFirstByte ?? 0;
    this.finish(f.rung, totalBytes ?? f.bytes, timeMs ?? f.ms, ttfb, f.durationSec, true);
  }

  private finish(rung: number, bytes: number, ms: number, ttfbMs: number, durationSec: number, allowSwitch: boolean): void {
    this.rule.recordDownload({
      rungIndex: rung,
      bytes,
      totalMs: ms,
      ttfbMs,
      segmentDurationSec: durationSec,
      atMs: this.now(),
    });
    this.loadedAny = true;
    this.hooks.onSample?.({ rung, bytes, ms, ttfbMs, durationSec });
    if (allowSwitch && this.enabled) this.suggest();
  }

  private maybeAbandon(f: InFlight, request: RequestLike): void {
    if (f.rung <= 0) return;
    const verdict = this.rule.checkAbandon(
      {
        rungIndex: f.rung,
        bytesLoaded: f.bytes,
        bytesTotal: f.sizeBytes ?? undefined,
        elapsedMs: f.ms,
        ttfbMs: request.timeToFirstByte ?? undefined,
        segmentDurationSec: f.durationSec,
      },
      this.state(),
    );
    if (!verdict.abandon) {
      // Kept (the buffer covers it), but the progress just fed to the rule may already say the next
      // segments must come from a lower rung: switch now rather than after this slow download.
      if (this.enabled) {
        const d = this.decide();
        if (d.rung < f.rung) this.suggest();
      }
      return;
    }
    const to = this.clamp(verdict.switchTo ?? f.rung - 1);
    if (to >= f.rung) return;
    f.abandoned = true;
    this.note(to, this.rule.estimateBps(), `abandon:${verdict.reason}`);
    this.hooks.onAbandon?.({ rung: f.rung, to, reason: verdict.reason });
    const v = this.rungVariants[to];
    // shaka's StreamingEngine aborts the current request on a switch when the new segment fits in the buffer.
    if (v && this.switchCb) this.switchCb(v, false);
  }
}
