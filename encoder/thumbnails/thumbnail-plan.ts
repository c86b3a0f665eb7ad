/**
 * Pure: trick-play thumbnail geometry and the WebVTT that maps time ranges to
 * `sprite.jpg#xywh=x,y,w,h` tiles, plus the poster's time and size.
 */
export interface ThumbnailGeometry {
  intervalSec: number;
  width: number;
  height: number;
  columns: number;
  rows: number;
}

const even = (n: number): number => Math.max(2, 2 * Math.round(n / 2));

export function thumbnailGeometry(durationSec: number, displayAspect: number): ThumbnailGeometry {
  // One every 2 s for clips, every 5 s up to 10 min, then every 10 s: a few hundred tiles at most per sprite set.
  const intervalSec = durationSec <= 60 ? 2 : durationSec <= 600 ? 5 : 10;
  const landscape = displayAspect >= 1;
  const width = landscape ? 160 : even(160 * displayAspect);
  const height = landscape ? even(160 / displayAspect) : 160;
  return { intervalSec, width, height, columns: 5, rows: 5 };
}

export function thumbnailCount(durationSec: number, intervalSec: number): number {
  return Math.max(1, Math.ceil(durationSec / intervalSec - 1e-6));
}

export function spriteCount(thumbs: number, g: Pick<ThumbnailGeometry, 'columns' | 'rows'>): number {
  return Math.ceil(thumbs / (g.columns * g.rows));
}

function vttTime(sec: number): string {
  const ms = Math.round(sec * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const r = ms % 1000;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.${String(r).padStart(3, '0')}`;
}

/** sprites: file names relative to the VTT file, in order. */
export function writeThumbnailVtt(durationSec: number, g: ThumbnailGeometry, sprites: string[]): string {
  const perSprite = g.columns * g.rows;
  const count = Math.min(thumbnailCount(durationSec, g.intervalSec), sprites.length * perSprite);
  const lines = ['WEBVTT', ''];
  for (let i = 0; i < count; i++) {
    const start = i * g.intervalSec;
    const end = Math.min(durationSec, (i + 1) * g.intervalSec);
    const sprite = sprites[Math.floor(i / perSprite)]!;
    const k = i % perSprite;
    const x = (k % g.columns) * g.width;
    const y = Math.floor(k / g.columns) * g.height;
    lines.push(`${vttTime(start)} --> ${vttTime(end)}`, `${sprite}#xywh=${x},${y},${g.width},${g.height}`, '');
  }
  return lines.join('\n');
}

/** Poster: a frame a little way in (past fades from black), at the size of the best rung up to 720p. */
export function posterTime(durationSec: number): number {
  return Math.min(5, durationSec * 0.25);
}
