/**
 * Trick-play thumbnails: parse a WebVTT file whose cues point at sprite crops
 * (`sprite-0.jpg#xywh=0,0,160,90`) and look up the cue for a time. Pure.
 */
export interface ThumbCue {
  startSec: number;
  endSec: number;
  /** Sprite URL resolved against the VTT URL (or as written when no base is given). */
  url: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** "hh:mm:ss.mmm" or "mm:ss.mmm" → seconds; NaN when malformed. */
export function parseTimestamp(s: string): number {
  const m = /^(?:(\d+):)?(\d{1,2}):(\d{1,2})(?:[.,](\d{1,3}))?$/.exec(s.trim());
  if (!m) return NaN;
  const [, h, mm, ss, ms] = m;
  return Number(h ?? 0) * 3600 + Number(mm) * 60 + Number(ss) + (ms ? Number(ms.padEnd(3, '0')) / 1000 : 0);
}

function resolve(ref: string, base?: string): string {
  if (!base) return ref;
  try {
    return new URL(ref, base).toString();
  } catch {
    return ref;
  }
}

export function parseThumbnailVtt(text: string, baseUrl?: string): ThumbCue[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (!/^WEBVTT/.test(lines[0] ?? '')) throw new Error('not a WebVTT file (missing WEBVTT header)');
  const cues: ThumbCue[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.includes('-->')) continue;
    const [a, bRaw] = line.split('-->');
    // Cue settings may follow the end time ("00:05.000 align:start"): keep only the timestamp.
    const b = (bRaw ?? '').trim().split(/\s+/)[0] ?? '';
    const startSec = parseTimestamp(a ?? '');
    const endSec = parseTimestamp(b);
    const payload = (lines[i + 1] ?? '').trim();
    if (!Number.isFinite(startSec) || !Number.isFinite(endSec) || !payload) continue;
    const hash = payload.indexOf('#xywh=');
    let ref = payload;
    let x = 0, y = 0, w = 0, h = 0;
    if (hash >= 0) {
      ref = payload.slice(0, hash);
      const nums = payload.slice(hash + 6).split(',').map(Number);
      if (nums.length !== 4 || nums.some((n) => !Number.isFinite(n))) continue;
      [x, y, w, h] = nums as [number, number, number, number];
    }
    cues.push({ startSec, endSec, url: resolve(ref, baseUrl), x, y, w, h });
    i++;
  }
  return cues.sort((p, q) => p.startSec - q.startSec);
}

/** The cue covering time t (binary search; cues sorted by start). Past the end → last cue. */
export function findThumbnail(cues: readonly ThumbCue[], t: number): ThumbCue | null {
  if (cues.length === 0 || !Number.isFinite(t)) return null;
  let lo = 0, hi = cues.length - 1;
  if (t < cues[0]!.startSec) return cues[0]!;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (cues[mid]!.startSec <= t) lo = mid;
    else hi = mid - 1;
  }
  return cues[lo]!;
}
