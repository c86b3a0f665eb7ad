/**
 * HLS rewriting for content steering and sessions. Pure.
 * - Multivariant: adds `#EXT-X-CONTENT-STEERING`, duplicates every variant (and its rendition groups, with
 *   GROUP-IDs suffixed per pathway so hls.js can tell which pathway an audio error belongs to) once per
 *   pathway with `PATHWAY-ID` and absolute URIs to that pathway's edge.
 * - Media playlists: keep relative URIs, optionally appending `session=<sid>`.
 */
import { appendQuery, getAttr, parseAttrList, serializeAttrList, setAttr } from './attrs.ts';

export interface Pathway {
  id: string;
  /** Absolute URL of the title folder on that edge, ending in `/` (e.g. http://127.0.0.1:8081/media/demo/). */
  baseUrl: string;
}

export interface SteeringRewrite {
  pathways: Pathway[];
  defaultPathway: string;
  steeringUri: string;
  /** Extra query (no leading ?) appended to every URI, e.g. `session=abc`. */
  query: string;
}

export function isMultivariant(text: string): boolean {
  return text.includes('#EXT-X-STREAM-INF');
}

function absolutize(uri: string, base: string): string {
  try {
    return new URL(uri, base).toString();
  } catch {
    return uri;
  }
}

const GROUP_ATTRS: Array<[string, string]> = [
  ['AUDIO', 'AUDIO'],
  ['SUBTITLES', 'SUBTITLES'],
  ['VIDEO', 'VIDEO'],
  ['CLOSED-CAPTIONS', 'CLOSED-CAPTIONS'],
];

export function rewriteMultivariant(text: string, o: SteeringRewrite): string {
  const lines = text.split(/\r?\n/);
  const header: string[] = [];
  const media: string[] = []; // attribute strings of EXT-X-MEDIA
  const variants: Array<{ attrs: string; uri: string }> = [];
  const iframes: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '') continue;
    if (line.startsWith('#EXT-X-CONTENT-STEERING')) continue;
    if (line.startsWith('#EXT-X-MEDIA:')) {
      media.push(line.slice('#EXT-X-MEDIA:'.length));
    } else if (line.startsWith('#EXT-X-STREAM-INF:')) {
      let j = i + 1;
      while (j < lines.length && ((lines[j] ?? '').trim() === '' || (lines[j] ?? '').trim().startsWith('#'))) j++;
      const uri = (lines[j] ?? '').trim();
      if (uri) variants.push({ attrs: line.slice('#EXT-X-STREAM-INF:'.length), uri });
      i = j;
    } else if (line.startsWith('#EXT-X-I-FRAME-STREAM-INF:')) {
      iframes.push(line.slice('#EXT-X-I-FRAME-STREAM-INF:'.length));
    } else if (line.startsWith('#')) {
      header.push(line);
    }
  }
  const out: string[] = [];
  for (const h of header) out.push(h);
  if (!out.some((h) => h.startsWith('#EXTM3U'))) out.unshift('#EXTM3U');
  out.push(`#EXT-X-CONTENT-STEERING:SERVER-URI="${o.steeringUri}",PATHWAY-ID="${o.defaultPathway}"`);
  const multi = o.pathways.length > 1;
  const suffix = (group: string, p: Pathway) => (multi ? `${group}-${p.id}` : group);
  for (const p of o.pathways) {
    out.push('');
    for (const m of media) {
      const a = parseAttrList(m);
      const g = getAttr(a, 'GROUP-ID');
      if (g !== undefined) setAttr(a, 'GROUP-ID', suffix(g, p));
      const uri = getAttr(a, 'URI');
      if (uri !== undefined) setAttr(a, 'URI', appendQuery(absolutize(uri, p.baseUrl), o.query));
      if (getAttr(a, 'STABLE-RENDITION-ID') === undefined && getAttr(a, 'NAME') !== undefined) {
        setAttr(a, 'STABLE-RENDITION-ID', (getAttr(a, 'NAME') ?? '').replace(/[^A-Za-z0-9+/=.\-_]/g, '_'));
      }
      out.push(`#EXT-X-MEDIA:${serializeAttrList(a)}`);
    }
    variants.forEach((v, idx) => {
      const a = parseAttrList(v.attrs);
      for (const [attr] of GROUP_ATTRS) {
        const g = getAttr(a, attr);
        if (g !== undefined && g !== 'NONE') setAttr(a, attr, suffix(g, p));
      }
      setAttr(a, 'PATHWAY-ID', p.id);
      if (getAttr(a, 'STABLE-VARIANT-ID') === undefined) setAttr(a, 'STABLE-VARIANT-ID', `v${idx}`);
      out.push(`#EXT-X-STREAM-INF:${serializeAttrList(a)}`);
      out.push(appendQuery(absolutize(v.uri, p.baseUrl), o.query));
    });
    for (const f of iframes) {
      const a = parseAttrList(f);
      const uri = getAttr(a, 'URI');
      if (uri !== undefined) setAttr(a, 'URI', appendQuery(absolutize(uri, p.baseUrl), o.query));
      setAttr(a, 'PATHWAY-ID', p.id);
      out.push(`#EXT-X-I-FRAME-STREAM-INF:${serializeAttrList(a)}`);
    }
  }
  return out.join('\n') + '\n';
}

/** Appends `query` to every URI of a media playlist (segment lines and URI="…" attributes); keeps them relative. */
export function rewriteMediaPlaylist(text: string, query: string): string {
  if (!query) return text;
  return text
    .split(/\r?\n/)
    .map((line) => {
      const t = line.trim();
      if (t === '') return line;
      if (!t.startsWith('#')) return appendQuery(t, query);
      return line.replace(/URI="([^"]*)"/g, (_m, u: string) => `URI="${appendQuery(u, query)}"`);
    })
    .join('\n');
}
