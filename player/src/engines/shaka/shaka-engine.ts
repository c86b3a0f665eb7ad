/**
 * shaka-player behind our Engine interface. With abr = 'ours' the rule runs as shaka's AbrManager
 * (`abrFactory`); with 'default' shaka's SimpleAbrManager runs (network-information hints off) and we observe it.
 */
import shaka from 'shaka-player';
import { EventBus } from '../event-bus.ts';
import type { Engine, EngineEvents, EngineRung, LoadOptions } from '../engine.ts';
import { OurShakaAbrManager, type RequestLike } from './abr-adapter.ts';
import { manifestHintBps } from '../manifest-hint.ts';

/** Seconds fetched ahead (same as the hls.js engine's maxBufferLength, so the two compare). */
const BUFFERING_GOAL_SEC = 30;
const MANIFEST = 0; // shaka.net.NetworkingEngine.RequestType.MANIFEST
const SEGMENT = 1; // shaka.net.NetworkingEngine.RequestType.SEGMENT

interface TrackLike {
  id: number;
  active: boolean;
  bandwidth: number;
  width: number | null;
  height: number | null;
  videoId: number | null;
  videoBandwidth?: number | null;
}

interface ShakaErrorLike {
  code?: number;
  category?: number;
  severity?: number;
  message?: string;
  data?: unknown[];
}

let polyfilled = false;

export class ShakaEngine implements Engine {
  readonly kind = 'shaka' as const;
  readonly events = new EventBus<EngineEvents>();
  private player: shaka.Player | null = null;
  private ours = false;
  /** Live AbrManager instances shaka holds; the newest is the one driving playback. */
  private readonly managers = new Set<OurShakaAbrManager>();
  private get manager(): OurShakaAbrManager | null {
    let last: OurShakaAbrManager | null = null;
    for (const m of this.managers) last = m;
    return last;
  }
  private options: LoadOptions | null = null;
  private ladder: Array<EngineRung & { videoId: number | null; trackId: number }> = [];
  private auto = true;
  private lastActiveRung: number | null = null;
  private onResize: (() => void) | null = null;
  /** Throughput of the manifest download: the start hint when no earlier session left an estimate. */
  private manifestHintBps: number | undefined;

  static isSupported(): boolean {
    return shaka.Player.isBrowserSupported();
  }

  async load(url: string, options: LoadOptions): Promise<void> {
    if (!polyfilled) {
      shaka.polyfill.installAll();
      polyfilled = true;
    }
    this.options = options;
    const player = new shaka.Player();
    this.player = player;
    await player.attach(options.video);

    const ours = options.abr === 'ours' && !!options.rule;
    this.ours = ours;
    if (ours && options.rule) {
      const rule = options.rule;
      // shaka calls the factory for each load and for its preload manager, and releases instances it is
      // done with: hand out a fresh manager each time (all on the same rule) and track the live ones.
      const factory = () => {
        const manager: OurShakaAbrManager = new OurShakaAbrManager(rule, {
          onDecision: (d) => this.events.emit('abr-decision', d),
          onAbandon: (a) => this.events.emit('abandon', a),
          startEstimateBps: () => options.startEstimateBps ?? this.manifestHintBps,
          onRelease: () => this.managers.delete(manager),
          maxBufferSec: BUFFERING_GOAL_SEC,
        });
        this.managers.add(manager);
        return manager;
      };
      player.configure('abrFactory', factory as unknown as shaka.extern.AbrManager.Factory);
    }
    player.configure({
      abr: {
        enabled: true,
        // shaka otherwise trusts navigator.connection.downlink over what it measures (shaka #6381).
        useNetworkInformation: false,
        restrictToElementSize: !!options.capToPlayerSize,
        ...(options.startEstimateBps ? { defaultBandwidthEstimate: options.startEstimateBps } : {}),
      },
      streaming: {
        // Same buffer policy as the hls.js engine, so the two are comparable.
        bufferingGoal: BUFFERING_GOAL_SEC,
        rebufferingGoal: 2,
        bufferBehind: 30,
      },
      // CMCD in query mode (CMCD=... on each request), keyed by our session id.
      cmcd: { enabled: true, sessionId: options.sessionId, contentId: options.titleId, useHeaders: false },
      // Content steering needs no switch: shaka's DASH/HLS parsers follow ContentSteering / EXT-X-CONTENT-STEERING.
    });

    this.wire(player, options.video);
    try {
      await player.load(url, options.startTimeSec && options.startTimeSec > 0 ? options.startTimeSec : null);
    } catch (err) {
      throw new Error(describeShakaError(err as ShakaErrorLike));
    }
    this.buildLadder();
    this.events.emit('rungs', { rungs: this.rungs() });
    this.noteActive('stock');
    if (options.quality !== undefined && options.quality !== 'auto') this.setQuality(options.quality);
  }

  private wire(player: shaka.Player, video: HTMLVideoElement): void {
    const net = player.getNetworkingEngine();
    net?.registerResponseFilter((type, response, context) => {
      if (type === MANIFEST && this.manifestHintBps === undefined) {
        const ms = response.timeMs ?? 0;
        const bytes = (response.data as ArrayBuffer).byteLength ?? 0;
        this.manifestHintBps = manifestHintBps(bytes, ms);
        return;
      }
      if (type !== SEGMENT) return;
      // Init segments (AdvancedRequestType 0) are not media downloads.
      if ((context as { type?: number } | undefined)?.type === 0) return;
      const req = response.originalRequest as unknown as RequestLike | undefined;
      if (req && req.contentType && req.contentType !== 'video') return;
      const bytes = (response.data as ArrayBuffer).byteLength ?? 0;
      const ms = response.timeMs ?? 0;
      if (req) for (const m of this.managers) m.completeRequest(req, bytes, ms);
      const streamId = (context as { stream?: { id: number } } | undefined)?.stream?.id;
      const rung = this.ladder.findIndex((r) => r.videoId === streamId);
      const h = response.headers ?? {};
      this.events.emit('segment', {
        rung: rung >= 0 ? rung : (this.lastActiveRung ?? 0),
        bytes,
        ms,
        ttfbMs: req?.timeToFirstByte ?? 0,
        durationSec: segmentDuration(context),
        edge: h['x-edge'] ?? null,
        cache: h['x-cache'] ?? null,
      });
      this.events.emit('estimate', { bps: this.estimateBps() });
    });
    player.addEventListener('adaptation', () => {
      if (!this.ours) this.noteActive('stock');
    });
    player.addEventListener('variantchanged', () => {
      if (!this.ours) this.noteActive('stock');
    });
    player.addEventListener('trackschanged', () => {
      this.buildLadder();
      this.events.emit('rungs', { rungs: this.rungs() });
    });
    player.addEventListener('error', (ev) => {
      const detail = (ev as unknown as { detail: ShakaErrorLike }).detail;
      this.events.emit('error', { message: describeShakaError(detail), fatal: detail?.severity === 2, detail: String(detail?.code ?? '') });
    });
    // shaka has no "rendered quality" event: the decoded picture size changing is the rung change on screen.
    this.onResize = () => {
      const h = video.videoHeight;
      if (!h) return;
      const candidates = this.ladder.filter((r) => r.height === h);
      const pick =
        candidates.find((r) => r.index === this.lastActiveRung) ??
        candidates[0] ??
        [...this.ladder].sort((a, b) => Math.abs(a.height - h) - Math.abs(b.height - h))[0];
      if (pick) this.events.emit('rung-shown', { rung: pick.index, height: h });
    };
    video.addEventListener('resize', this.onResize);
  }

  /** Stock ABR: its switches (adaptation events) are its decisions. */
  private noteActive(reason: string): void {
    const track = (this.player?.getVariantTracks() as TrackLike[] | undefined)?.find((t) => t.active);
    if (!track) return;
    const rung = this.ladder.findIndex((r) => r.videoId === track.videoId);
    if (rung < 0 || rung === this.lastActiveRung) return;
    const from = this.lastActiveRung;
    this.lastActiveRung = rung;
    if (!this.ours && this.auto) this.events.emit('abr-decision', { from, to: rung, estimateBps: this.estimateBps(), reason });
  }

  private buildLadder(): void {
    const tracks = (this.player?.getVariantTracks() ?? []) as TrackLike[];
    const byVideo = new Map<number | string, TrackLike>();
    for (const t of tracks) {
      const key = t.videoId ?? `t${t.id}`;
      const prev = byVideo.get(key);
      if (!prev || t.bandwidth < prev.bandwidth) byVideo.set(key, t);
    }
    this.ladder = [...byVideo.values()]
      .sort((a, b) => a.bandwidth - b.bandwidth)
      .map((t, index) => ({
        index,
        width: t.width ?? 0,
        height: t.height ?? 0,
        bandwidthBps: t.bandwidth,
        videoId: t.videoId,
        trackId: t.id,
      }));
  }

  rungs(): EngineRung[] {
    return this.ladder.map(({ index, width, height, bandwidthBps }) => ({ index, width, height, bandwidthBps }));
  }

  setQuality(index: number | 'auto'): void {
    const player = this.player;
    if (!player) return;
    const rule = this.options?.rule;
    if (this.ours && rule) {
      // Ours: the pin lives in the rule and shaka's ABR slot stays enabled (see OurShakaAbrManager.switchNow).
      if (index === 'auto') {
        this.auto = true;
        rule.pin(null);
        // Resume adaptation now rather than at the next segment.
        for (const m of this.managers) m.trySuggestStreams();
        return;
      }
      const i = Math.max(0, Math.min(index, this.ladder.length - 1));
      this.auto = false;
      rule.pin(i);
      for (const m of this.managers) m.switchNow(i);
      return;
    }
    // Stock ABR: shaka's own manual selection.
    if (index === 'auto') {
      this.auto = true;
      // selectVariantTrack() narrowed shaka's adaptation set to the pinned track's codec; a changed
      // preferredVideo resets it (and re-chooses), then ABR takes over again.
      player.configure({ abr: { enabled: true }, preferredVideo: [{ label: '', role: '', codec: '', hdrLevel: '', layout: '' }] } as never);
      return;
    }
    const rung = this.ladder[Math.max(0, Math.min(index, this.ladder.length - 1))];
    if (!rung) return;
    this.auto = false;
    player.configure({ abr: { enabled: false } });
    const track = (player.getVariantTracks() as TrackLike[]).find((t) => t.id === rung.trackId);
    if (track) player.selectVariantTrack(track as unknown as shaka.extern.Track, true);
    this.noteActive('pinned');
  }

  isAuto(): boolean {
    return this.auto;
  }

  estimateBps(): number {
    if (this.ours) return this.manager?.getBandwidthEstimate() ?? this.options?.rule?.estimateBps() ?? 0;
    const e = this.player?.getStats().estimatedBandwidth;
    return e && Number.isFinite(e) ? e : 0;
  }

  async destroy(): Promise<void> {
    const video = this.options?.video;
    if (video && this.onResize) video.removeEventListener('resize', this.onResize);
    this.events.clear();
    const p = this.player;
    this.player = null;
    this.managers.clear();
    if (p) await p.destroy().catch(() => undefined);
  }
}

function segmentDuration(context: unknown): number {
  const seg = (context as { segment?: { getStartTime(): number; getEndTime(): number } } | undefined)?.segment;
  return seg ? Math.max(0, seg.getEndTime() - seg.getStartTime()) : 0;
}

/** shaka errors are numeric codes; turn the common ones into words a user understands. */
export function describeShakaError(e: ShakaErrorLike | undefined): string {
  if (!e) return 'Unknown playback error';
  const code = e.code ?? 0;
  const status = Array.isArray(e.data) && typeof e.data[1] === 'number' ? e.data[1] : undefined;
  if (code === 1001) {
    const path = shortPath(String(e.data?.[0] ?? ''));
    const what = /\.(mpd|m3u8)$/.test(path) ? 'the manifest' : path || 'a resource';
    return `Could not load ${what}${status ? ` (HTTP ${status})` : ''}${what === 'the manifest' ? `: ${path}` : ''}`;
  }
  if (code === 1002) return 'Network error: the server could not be reached';
  if (code === 1003) return 'Network error: a request timed out';
  if (code >= 4000 && code < 5000) return `Could not parse the manifest (shaka error ${code})`;
  if (code >= 3000 && code < 4000) return `Media error (shaka error ${code})`;
  return e.message || `Playback error (shaka error ${code})`;
}

/** URL without host and query (session ids and CMCD make messages unreadable). */
function shortPath(u: string): string {
  try {
    return new URL(u, 'http://x').pathname;
  } catch {
    return u.split('?')[0] ?? u;
  }
}
