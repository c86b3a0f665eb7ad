/**
 * One playback: session id, edge choice, engine + our rule, the stats collector and `window.__player`.
 * This is the I/O shell around the pure parts (urls, collector, rule); React only renders what it exposes.
 */
import type { TitleJson } from '../../../encoder/catalog/title-json.ts';
import { createAbr } from '../abr/index.ts';
import type { AbrRule } from '../abr/types.ts';
import { fetchTopology } from '../api/client.ts';
import { manifestUrl, pickBaseUrl, resolveQuality, type WatchParams } from '../api/urls.ts';
import type { Engine } from '../engines/engine.ts';
import { bufferAhead } from '../engines/shaka/abr-adapter.ts';
import { loadStartEstimate, saveStartEstimate } from '../engines/start-estimate.ts';
import { exportEstimate } from '../engines/rule-extras.ts';
import { newSessionId } from '../format.ts';
import { StatsCollector, type ProbeState } from '../stats/collector.ts';

export interface PlayerProbe extends ProbeState {
  setQuality(index: number | 'auto'): void;
  seek(t: number): void;
  play(): Promise<void>;
  pause(): void;
}

declare global {
  interface Window {
    __player?: PlayerProbe;
  }
}

/** How often buffer/estimate/dropped frames are sampled for the probe and the charts. */
const SAMPLE_MS = 250;
/** How often our estimate is written for the next session's start pick. */
const SAVE_EVERY_SAMPLES = 20;

export class PlaybackSession {
  readonly sessionId = newSessionId();
  readonly collector: StatsCollector;
  readonly probe: PlayerProbe;
  engine: Engine | null = null;
  private rule: AbrRule | undefined;
  private timer: ReturnType<typeof setInterval> | null = null;
  private disposers: Array<() => void> = [];
  private destroyed = false;
  private samples = 0;
  manifestUrl = '';

  constructor(
    private readonly video: HTMLVideoElement,
    private readonly title: TitleJson,
    private readonly params: WatchParams,
    private readonly pageParams: URLSearchParams,
    private readonly onFatal: (message: string) => void,
  ) {
    this.collector = new StatsCollector({
      engine: params.engine,
      abr: params.abr,
      titleId: title.id,
      sessionId: this.sessionId,
      loadStartMs: performance.now(),
      auto: params.quality === 'auto',
    });
    const c = this.collector;
    this.probe = Object.assign(c.state, {
      setQuality: (index: number | 'auto') => this.setQuality(index),
      seek: (t: number) => {
        this.video.currentTime = Math.max(0, t);
      },
      play: () => this.play(),
      pause: () => this.video.pause(),
    });
    window.__player = this.probe;
  }

  async start(): Promise<void> {
    const { params, video, title, collector } = this;
    this.listenToMedia();
    const topology = await fetchTopology();
    if (this.destroyed) return;
    const base = pickBaseUrl(topology);
    this.manifestUrl = manifestUrl({
      base: base.url,
      titleId: title.id,
      engine: params.engine,
      format: params.format,
      sessionId: this.sessionId,
      pageParams: this.pageParams,
    });
    this.rule = params.abr === 'ours' ? createAbr() : undefined;
    // Engines are loaded on demand: each is a large library and a page only needs one.
    const engine: Engine =
      params.engine === 'shaka'
        ? new (await import('../engines/shaka/shaka-engine.ts')).ShakaEngine()
        : new (await import('../engines/hlsjs/hls-engine.ts')).HlsEngine();
    if (this.destroyed) {
      await engine.destroy();
      return;
    }
    this.engine = engine;
    const now = () => performance.now();
    const ev = engine.events;
    this.disposers.push(
      ev.on('rungs', (r) => collector.onRungs(r.rungs)),
      ev.on('abr-decision', (d) => collector.onDecision(now(), d)),
      ev.on('rung-shown', (r) => collector.onRungShown(now(), r)),
      ev.on('segment', (s) => collector.onSegment(now(), s)),
      ev.on('abandon', (a) => collector.onAbandon(now(), a)),
      ev.on('estimate', (e) => collector.onEstimate(e.bps)),
      ev.on('error', (e) => {
        collector.onError(now(), e);
        if (e.fatal) this.onFatal(e.message);
      }),
    );
    try {
      await engine.load(this.manifestUrl, {
        video,
        startTimeSec: params.startSec,
        abr: params.abr,
        sessionId: this.sessionId,
        titleId: title.id,
        capToPlayerSize: params.cap,
        rule: this.rule,
        startEstimateBps: params.abr === 'ours' ? loadStartEstimate() : undefined,
      });
    } catch (err) {
      if (this.destroyed) return;
      const message = (err as Error).message || String(err);
      collector.onError(now(), { message, fatal: true });
      this.onFatal(message);
      return;
    }
    if (this.destroyed) return;
    collector.onRungs(engine.rungs());
    const q = resolveQuality(params.quality, engine.rungs());
    if (q !== 'auto') this.setQuality(q);
    this.timer = setInterval(() => this.sample(), SAMPLE_MS);
    void this.play();
  }

  /** Autoplay: browsers refuse unmuted autoplay without a gesture, so fall back to muted. */
  async play(): Promise<void> {
    try {
      await this.video.play();
    } catch (err) {
      if ((err as Error).name === 'NotAllowedError') {
        this.video.muted = true;
        await this.video.play().catch(() => undefined);
      }
    }
  }

  setQuality(index: number | 'auto'): void {
    const engine = this.engine;
    if (!engine) return;
    const n = engine.rungs().length;
    const i = index === 'auto' ? 'auto' : Math.max(0, Math.min(Math.round(index), n - 1));
    engine.setQuality(i);
    this.collector.onPinned(i);
  }

  private listenToMedia(): void {
    const v = this.video;
    const c = this.collector;
    const on = (type: string, fn: () => void) => {
      v.addEventListener(type, fn);
      this.disposers.push(() => v.removeEventListener(type, fn));
    };
    on('waiting', () => c.onWaiting(performance.now()));
    on('playing', () => {
      c.onPlaying(performance.now());
      if (!c.state.ready && !('requestVideoFrameCallback' in v)) c.onFirstFrame(performance.now());
    });
    on('seeking', () => c.onSeeking(performance.now(), v.currentTime));
    on('seeked', () => c.onSeeked());
    // First frame actually presented (not just decoded): requestVideoFrameCallback where available.
    if ('requestVideoFrameCallback' in v) {
      const id = v.requestVideoFrameCallback(() => c.onFirstFrame(performance.now()));
      this.disposers.push(() => v.cancelVideoFrameCallback(id));
    }
  }

  private sample(): void {
    const v = this.video;
    const engine = this.engine;
    const q = v.getVideoPlaybackQuality?.();
    this.collector.sample({
      nowMs: performance.now(),
      bufferSec: bufferAhead(v),
      droppedFrames: q ? q.droppedVideoFrames : 0,
      estimateBps: engine ? engine.estimateBps() : 0,
      auto: engine ? engine.isAuto() : true,
    });
    if (++this.samples % SAVE_EVERY_SAMPLES === 0) this.saveEstimate();
  }

  private saveEstimate(): void {
    saveStartEstimate(exportEstimate(this.rule));
  }

  async destroy(): Promise<void> {
    this.destroyed = true;
    this.saveEstimate();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const d of this.disposers.splice(0)) d();
    const engine = this.engine;
    this.engine = null;
    if (engine) await engine.destroy();
  }
}
