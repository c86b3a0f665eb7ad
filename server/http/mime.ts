/** Content-Type and Cache-Control per media file extension. Pure. */

const TYPES: Record<string, string> = {
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.mpd': 'application/dash+xml',
  '.m4s': 'video/iso.segment',
  '.mp4': 'video/mp4',
  '.m4a': 'audio/mp4',
  '.m4v': 'video/mp4',
  '.ts': 'video/mp2t',
  '.aac': 'audio/aac',
  '.vtt': 'text/vtt; charset=utf-8',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

export function extOf(path: string): string {
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  return dot > slash ? path.slice(dot).toLowerCase() : '';
}

export function contentTypeFor(path: string): string {
  return TYPES[extOf(path)] ?? 'application/octet-stream';
}

export type ObjectKind = 'segment' | 'manifest' | 'other';

export function kindOf(path: string): ObjectKind {
  const ext = extOf(path);
  if (ext === '.m3u8' || ext === '.mpd') return 'manifest';
  if (ext === '.m4s' || ext === '.mp4' || ext === '.m4a' || ext === '.m4v' || ext === '.ts' || ext === '.aac') return 'segment';
  return 'other';
}

/** Manifests are short-lived (a re-encode may replace them); segments and init are immutable. */
export const MANIFEST_MAX_AGE_SEC = 2;
export const OTHER_MAX_AGE_SEC = 60;
export const SEGMENT_MAX_AGE_SEC = 31536000;

export function cacheControlFor(path: string): { header: string; maxAgeSec: number } {
  switch (kindOf(path)) {
    case 'segment':
      return { header: `public, max-age=${SEGMENT_MAX_AGE_SEC}, immutable`, maxAgeSec: SEGMENT_MAX_AGE_SEC };
    case 'manifest':
      return { header: `public, max-age=${MANIFEST_MAX_AGE_SEC}`, maxAgeSec: MANIFEST_MAX_AGE_SEC };
    default:
      return { header: `public, max-age=${OTHER_MAX_AGE_SEC}`, maxAgeSec: OTHER_MAX_AGE_SEC };
  }
}
