/**
 * Where the player fetches from: pure URL building (no fetch, no DOM).
 */
import type { EngineKind } from '../engines/engine.ts';

export interface Topology {
  origin: { url: string };
  edges: Array<{ id: string; url: string; healthy: boolean }>;
  steering?: { url: string };
}

/** Page query params handed to the edge unchanged (network shaping / trace replay). */
export const PASSTHROUGH_PARAMS = ['shape_kbps', 'latency_ms', 'trace', 'trace_speed'] as const;

/** First healthy edge; none healthy → the origin; no topology → same origin (''). */
export function pickBaseUrl(topology: Topology | null): { url: string; edge: string | null } {
  if (!topology) return { url: '', edge: null };
  const edge = topology.edges.find((e) => e.healthy);
  if (edge) return { url: trimSlash(edge.url), edge: edge.id };
  return { url: trimSlash(topology.origin?.url ?? ''), edge: null };
}

function trimSlash(u: string): string {
  return u.replace(/\/+$/, '');
}

export function manifestUrl(opts: {
  base: string;
  titleId: string;
  engine: EngineKind;
  /** shaka may read the HLS master instead of the MPD (?format=hls). */
  format?: 'hls' | 'dash';
  sessionId: string;
  pageParams: URLSearchParams;
}): string {
  const format = opts.format ?? (opts.engine === 'hls' ? 'hls' : 'dash');
  const file = format === 'hls' ? 'master.m3u8' : 'manifest.mpd';
  const q = new URLSearchParams();
  q.set('session', opts.sessionId);
  for (const k of PASSTHROUGH_PARAMS) {
    const v = opts.pageParams.get(k);
    if (v !== null) q.set(k, v);
  }
  return `${opts.base}/media/${encodeURIComponent(opts.titleId)}/${file}?${q.toString()}`;
}

/** Media file URL for posters/thumbnails (same origin). */
export function mediaUrl(titleId: string, file: string): string {
  return `/media/${encodeURIComponent(titleId)}/${file.split('/').map(encodeURIComponent).join('/')}`;
}

export interface WatchParams {
  engine: EngineKind;
  abr: 'ours' | 'default';
  startSec: number;
  quality: number | 'auto' | { height: number };
  format: 'hls' | 'dash' | undefined;
  cap: boolean;
}

/** Deep-link parsing: ?engine=hls|shaka, ?abr=default, ?t=90 | 1m30s | 1:30, ?quality=auto|2|720p, ?format=hls, ?cap=1. */
export function parseWatchParams(q: URLSearchParams): WatchParams {
  const engine: EngineKind = q.get('engine') === 'shaka' ? 'shaka' : 'hls';
  const abr = q.get('abr') === 'default' ? 'default' : 'ours';
  const f = q.get('format');
  const format = f === 'hls' || f === 'dash' ? f : undefined;
  return { engine, abr, startSec: parseStartTime(q.get('t')), quality: parseQuality(q.get('quality')), format, cap: q.get('cap') === '1' };
}

export function parseStartTime(v: string | null): number {
  if (!v) return 0;
  const s = v.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s);
  const hms = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?$/.exec(s);
  if (hms && s !== '') return Number(hms[1] ?? 0) * 3600 + Number(hms[2] ?? 0) * 60 + Number(hms[3] ?? 0);
  const parts = s.split(':').map(Number);
  if (parts.length >= 2 && parts.length <= 3 && parts.every((n) => Number.isFinite(n) && n >= 0)) {
    return parts.reduce((acc, n) => acc * 60 + n, 0);
  }
  return 0;
}

export function parseQuality(v: string | null): WatchParams['quality'] {
  if (!v || v === 'auto') return 'auto';
  const p = /^(\d+)p$/i.exec(v);
  if (p) return { height: Number(p[1]) };
  if (/^\d+$/.test(v)) return Number(v);
  return 'auto';
}

/** Resolve a ?quality= value against the ladder: index as is, "720p" → the rung of that height (or nearest below). */
export function resolveQuality(q: WatchParams['quality'], rungs: ReadonlyArray<{ index: number; height: number }>): number | 'auto' {
  if (q === 'auto' || rungs.length === 0) return 'auto';
  if (typeof q === 'number') return Math.min(Math.max(0, q), rungs.length - 1);
  const below = rungs.filter((r) => r.height <= q.height);
  return below.length ? below[below.length - 1]!.index : 0;
}
