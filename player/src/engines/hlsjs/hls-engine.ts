/**
 * hls.js behind our Engine interface. With abr = 'ours' the rule runs inside hls.js as its
 * `abrController`; with 'default' hls.js's stock ABR runs and we only observe it.
 */
import Hls, { type ErrorData, type HlsConfig } from 'hls.js';
import { EventBus } from '../event-bus.ts';
import type { Engine, EngineEvents, EngineRung, LoadOptions } from '../engine.ts';
import { createHlsAbrController, type HlsLike } from './abr-adapter.ts';

function header(details: unknown, name: string): string | null {
  const xhr = details as { getResponseHeader?: (n: string) => string | null } | null;
  try {
    return xhr?.getResponseHeader?.(name) ?? null;
  } catch {
    return null;
  }
}

export class HlsEngine implements Engine {
  readonly kind = 'hls' as const;
  readonly events = new EventBus<EngineEvents>();
  private hls: Hls | null = null;
  private options: LoadOptions | null = null;
  private mediaRecoveries = 0;

  static isSupported(): boolean {
    return Hls.isSupported();
  }

  async load(url: string, options: LoadOptions): Promise<void> {
    this.options = options;
    const ours = options.abr === 'ours' && options.rule;
    const config: Partial<HlsConfig> = {
      // hls.js defaults buffer up to 60 MB / 600 s: at low rungs that is minutes of video and hides
      // every ABR decision. Keep ~30 s ahead (60 s max) and a small byte cap.
      maxBufferLength: 30,
      maxMaxBufferLength: 60,
      maxBufferSize: 30 * 1000 * 1000,
      backBufferLength: 30,
      capLevelToPlayerSize: !!options.capToPlayerSize,
      startPosition: options.startTimeSec && options.startTimeSec > 0 ? options.startTimeSec : -1,
      // CMCD in query mode: the edges log session, bitrate, buffer and measured throughput.
      cmcd: { sessionId: options.sessionId, contentId: options.titleId, useHeaders: false },
      // Content steering: hls.js's ContentSteeringController is on by default; nothing to disable.
    };
    if (ours && options.rule) {
      const rule = options.rule;
      config.abrController = createHlsAbrController(rule, {
        onDecision: (d) => this.events.emit('abr-decision', d),
        onAbandon: (a) => this.events.emit('abandon', a),
        startEstimateBps: () => options.startEstimateBps,
      }) as unknown as HlsConfig['abrController'];
      // The stock "bitrate test" loads the first fragment at the lowest level (hls.js #2361); our rule picks the start.
      config.testBandwidth = false;
      config.startLevel = -1;
    }
    const hls = new Hls(config);
    this.hls = hls;
    this.wire(hls);

    const ready = new Promise<void>((resolve, reject) => {
      const onParsed = () => {
        hls.off(Hls.Events.ERROR, onErr);
        resolve();
      };
      const onErr = (_e: string, data: ErrorData) => {
        if (data.fatal) {
          hls.off(Hls.Events.MANIFEST_PARSED, onParsed);
          reject(new Error(describeError(data)));
        }
      };
      hls.once(Hls.Events.MANIFEST_PARSED, onParsed);
      hls.on(Hls.Events.ERROR, onErr);
    });
    hls.attachMedia(options.video);
    hls.loadSource(url);
    await ready;
    if (options.quality !== undefined && options.quality !== 'auto') this.setQuality(options.quality);
  }

  private wire(hls: Hls): void {
    const ours = this.options?.abr === 'ours';
    hls.on(Hls.Events.MANIFEST_PARSED, () => {
      this.events.emit('rungs', { rungs: this.rungs() });
    });
    hls.on(Hls.Events.LEVEL_SWITCHING, (_e, data) => {
      // Stock ABR: its level switches are its decisions (ours reports through the adapter hook).
      if (!ours && hls.autoLevelEnabled && data.level !== this.lastStockLevel) {
        this.events.emit('abr-decision', {
          from: this.lastStockLevel,
          to: data.level,
          estimateBps: this.estimateBps(),
          reason: 'stock',
        });
        this.lastStockLevel = data.level;
      }
    });
    hls.on(Hls.Events.LEVEL_SWITCHED, (_e, data) => {
      const level = hls.levels[data.level];
      this.events.emit('rung-shown', { rung: data.level, height: level?.height ?? 0 });
    });
    hls.on(Hls.Events.FRAG_LOADED, (_e, data) => {
      const frag = data.frag;
      if (frag.type !== 'main' || frag.sn === 'initSegment') return;
      const s = frag.stats;
      this.events.emit('segment', {
        rung: frag.level,
        bytes: s.loaded,
        ms: Math.max(0, s.loading.end - s.loading.start),
        ttfbMs: s.loading.first > 0 ? Math.max(0, s.loading.first - s.loading.start) : 0,
        durationSec: frag.duration,
        edge: header(data.networkDetails, 'X-Edge'),
        cache: header(data.networkDetails, 'X-Cache'),
      });
      this.events.emit('estimate', { bps: this.estimateBps() });
    });
    hls.on(Hls.Events.FRAG_LOAD_EMERGENCY_ABORTED, (_e, data) => {
      // Ours emits 'abandon' itself (with its reason); this is the stock rule's emergency switch.
      if (!ours) this.events.emit('abandon', { rung: data.frag.level, to: hls.nextLoadLevel, reason: 'stock' });
    });
    hls.on(Hls.Events.ERROR, (_e, data) => {
      if (!data.fatal) {
        // Our own (or the stock rule's) abort of an in-flight fragment surfaces as 'aborted': not an error.
        if (data.details === Hls.ErrorDetails.INTERNAL_ABORTED) return;
        this.events.emit('error', { message: describeError(data), fatal: false, detail: data.details });
        return;
      }
      if (data.type === Hls.ErrorTypes.MEDIA_ERROR && this.mediaRecoveries < 2) {
        this.mediaRecoveries++;
        hls.recoverMediaError();
        this.events.emit('error', { message: describeError(data), fatal: false, detail: data.details });
        return;
      }
      this.events.emit('error', { message: describeError(data), fatal: true, detail: data.details });
    });
  }

  private lastStockLevel: number | null = null;

  rungs(): EngineRung[] {
    // hls.js keeps levels sorted by bitrate, ascending.
    return (this.hls?.levels ?? []).map((l, index) => ({
      index,
      width: l.width,
      height: l.height,
      bandwidthBps: l.maxBitrate || l.bitrate,
      averageBandwidthBps: l.averageBitrate || undefined,
    }));
  }

  setQuality(index: number | 'auto'): void {
    const hls = this.hls;
    if (!hls) return;
    const rule = this.options?.rule;
    if (index === 'auto') {
      rule?.pin(null);
      // -1 = automatic; the next fragment is chosen by the ABR again.
      hls.nextLevel = -1;
      return;
    }
    const i = Math.max(0, Math.min(index, hls.levels.length - 1));
    rule?.pin(i);
    // nextLevel: switch at the next fragment and flush what was buffered ahead at the old quality.
    hls.nextLevel = i;
  }

  isAuto(): boolean {
    return this.hls ? this.hls.autoLevelEnabled : true;
  }

  estimateBps(): number {
    const hls = this.hls;
    if (!hls) return 0;
    if (this.options?.abr === 'ours' && this.options.rule) return this.options.rule.estimateBps();
    const e = hls.bandwidthEstimate;
    return Number.isFinite(e) ? e : 0;
  }

  /** For the adapter type check: hls.js satisfies the structural HlsLike. */
  asHlsLike(): HlsLike | null {
    return this.hls as unknown as HlsLike | null;
  }

  async destroy(): Promise<void> {
    this.hls?.destroy();
    this.hls = null;
    this.events.clear();
  }
}

function describeError(data: ErrorData): string {
  const status = (data.response as { code?: number } | undefined)?.code;
  if (data.details === 'manifestLoadError' || data.details === 'manifestParsingError') {
    return `Could not load the manifest${status ? ` (HTTP ${status})` : ''}: ${data.details}`;
  }
  if (data.details === 'fragLoadError' || data.details === 'fragLoadTimeOut') {
    return `Could not download the video${status ? ` (HTTP ${status})` : ''}: the edges and origin did not answer (${data.details})`;
  }
  if (data.details === 'levelLoadError' || data.details === 'levelLoadTimeOut') {
    return `Could not load a playlist${status ? ` (HTTP ${status})` : ''} (${data.details})`;
  }
  if (data.type === 'networkError') return `Network error${status ? ` (HTTP ${status})` : ''}: ${data.details}`;
  if (data.type === 'mediaError') return `Media error: ${data.details}`;
  return `${data.type}: ${data.details}${data.error?.message ? ` — ${data.error.message}` : ''}`;
}
