/**
 * Safe resolution of the part of a URL after `/media/`. Pure: no file access.
 * The file layer (origin/media-files.ts) additionally checks with realpath that symlinks stay inside the media dir.
 *
 * Policy: a whitelist. Every path segment, decoded exactly once, must be a plain file or folder name
 * of letters, digits, `_`, `-` and `.`, not starting with a dot. This refuses `..`, `.`, dotfiles,
 * empty segments, percent-encoded slashes/backslashes/dots used for traversal, double encoding
 * (a `%` left after one decode), NUL bytes and backslashes.
 */

export type SafePath =
  | { ok: true; segments: string[]; relPath: string }
  | { ok: false; status: 400 | 404 | 414; reason: string };

const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,254}$/;
export const MAX_MEDIA_PATH = 1024;

export function parseMediaPath(raw: string): SafePath {
  if (raw.length === 0) return { ok: false, status: 404, reason: 'no file named after /media/' };
  if (raw.length > MAX_MEDIA_PATH) return { ok: false, status: 414, reason: `path longer than ${MAX_MEDIA_PATH} characters` };
  if (raw.includes('\\')) return { ok: false, status: 400, reason: 'backslash in path' };
  const rawSegments = raw.split('/');
  const segments: string[] = [];
  for (const rawSeg of rawSegments) {
    if (rawSeg === '') return { ok: false, status: 400, reason: 'empty path segment' };
    let seg: string;
    try {
      seg = decodeURIComponent(rawSeg);
    } catch {
      return { ok: false, status: 400, reason: 'malformed percent-encoding in path' };
    }
    if (seg.includes('\0')) return { ok: false, status: 400, reason: 'NUL byte in path' };
    if (seg.includes('/') || seg.includes('\\')) return { ok: false, status: 400, reason: 'encoded path separator in path' };
    if (seg.includes('%')) return { ok: false, status: 400, reason: 'double percent-encoding in path' };
    if (seg === '.' || seg === '..') return { ok: false, status: 400, reason: 'relative path segment (. or ..)' };
    if (seg.startsWith('.')) return { ok: false, status: 404, reason: 'dotfiles are not served' };
    if (!SEGMENT.test(seg)) return { ok: false, status: 400, reason: 'path segment with characters outside [A-Za-z0-9_.-]' };
    segments.push(seg);
  }
  return { ok: true, segments, relPath: segments.join('/') };
}

/** Title ids as used in /api/titles/:id and /media/<id>/. */
export function isValidTitleId(id: string): boolean {
  return SEGMENT.test(id) && !id.startsWith('.');
}
