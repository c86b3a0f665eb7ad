/** Single-range `Range: bytes=…` parsing (RFC 9110 §14). Pure. */

export type RangeResult =
  | { type: 'full' }
  | { type: 'partial'; start: number; end: number }
  | { type: 'unsatisfiable' }
  | { type: 'malformed' };

const SPEC = /^bytes=(\d*)-(\d*)$/;

/**
 * - no header → full
 * - several ranges (`bytes=0-1,5-6`) → full: RFC 9110 lets a server ignore Range; we do not build multipart bodies
 * - syntax errors or a non-bytes unit → malformed (answered with 416, the issue asks for a 4xx)
 * - a range that starts at/after the end, or an empty suffix → unsatisfiable (416 with `Content-Range: bytes * /size`)
 */
export function parseRange(header: string | undefined, size: number): RangeResult {
  if (header === undefined) return { type: 'full' };
  const h = header.trim().replace(/\s+/g, '');
  if (h.length > 200) return { type: 'malformed' };
  if (h.startsWith('bytes=') && h.includes(',')) {
    const parts = h.slice(6).split(',');
    if (parts.every((p) => /^\d*-\d*$/.test(p) && p !== '-')) return { type: 'full' };
    return { type: 'malformed' };
  }
  const m = SPEC.exec(h);
  if (!m) return { type: 'malformed' };
  const a = m[1] ?? '';
  const b = m[2] ?? '';
  if (a === '' && b === '') return { type: 'malformed' };
  if (a.length > 15 || b.length > 15) return { type: 'unsatisfiable' };
  if (a === '') {
    const suffix = Number(b);
    if (suffix === 0 || size === 0) return { type: 'unsatisfiable' };
    return { type: 'partial', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(a);
  let end = b === '' ? size - 1 : Number(b);
  if (b !== '' && end < start) return { type: 'malformed' };
  if (start >= size) return { type: 'unsatisfiable' };
  if (end >= size) end = size - 1;
  return { type: 'partial', start, end };
}
