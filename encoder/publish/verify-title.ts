/**
 * I/O edge: verify a staged title before it is published: every rendition complete,
 * durations add up to the source's within one segment, video rungs aligned, and both
 * manifests reference only files that exist (read back from the written text, not
 * from our model, so a writer bug cannot hide).
 */
import { readFile, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import type { TitleJson } from '../catalog/title-json.ts';

async function fileSize(path: string): Promise<number | null> {
  try {
    return (await stat(path)).size;
  } catch {
    return null;
  }
}

/** URIs an HLS playlist references (segment lines and URI="..." attributes), relative to the playlist. */
export function hlsReferences(text: string): string[] {
  const refs: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith('#')) {
      const m = /URI="([^"]+)"/.exec(line);
      if (m) refs.push(m[1]!);
    } else {
      refs.push(line);
    }
  }
  return refs;
}

/** Every file a static MPD with SegmentTemplate+SegmentTimeline references, relative to the MPD. */
export function mpdReferences(xml: string): string[] {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['Period', 'AdaptationSet', 'Representation', 'S'].includes(name) });
  const doc = parser.parse(xml) as Record<string, any>;
  const refs: string[] = [];
  for (const period of doc.MPD?.Period ?? []) {
    for (const set of period.AdaptationSet ?? []) {
      for (const rep of set.Representation ?? []) {
        const tpl = rep.SegmentTemplate ?? set.SegmentTemplate;
        if (!tpl) throw new Error(`MPD representation ${rep.id} has no SegmentTemplate`);
        const fill = (s: string, n?: number): string =>
          s
            .replace(/\$RepresentationID\$/g, String(rep.id))
            .replace(/\$Number%0(\d+)d\$/g, (_m: string, w: string) => String(n).padStart(Number(w), '0'))
            .replace(/\$Number\$/g, String(n));
        refs.push(fill(String(tpl.initialization)));
        let count = 0;
        for (const s of tpl.SegmentTimeline?.S ?? []) count += 1 + Number(s.r ?? 0);
        const start = Number(tpl.startNumber ?? 1);
        for (let i = 0; i < count; i++) refs.push(fill(String(tpl.media), start + i));
      }
    }
  }
  return refs;
}

export async function verifyTitle(titleDir: string, title: TitleJson, expectedDurationSec: number): Promise<void> {
  const problems: string[] = [];
  const tracks = [...title.renditions, ...(title.audio ? [title.audio] : [])];
  for (const t of tracks) {
    if (t.segments.length === 0) problems.push(`${t.id}: no segments`);
    if ((await fileSize(join(titleDir, t.init))) === null) problems.push(`${t.id}: missing ${t.init}`);
    for (const s of t.segments) {
      const size = await fileSize(join(titleDir, s.file));
      if (size === null) problems.push(`${t.id}: missing ${s.file}`);
      else if (size !== s.bytes || size === 0) problems.push(`${t.id}: ${s.file} is ${size} bytes, expected ${s.bytes}`);
    }
    const total = t.segments.reduce((a, s) => a + s.durationSec, 0);
    if (Math.abs(total - expectedDurationSec) > title.segmentDurationSec) {
      problems.push(`${t.id}: segments add up to ${total.toFixed(2)} s but the source has ${expectedDurationSec.toFixed(2)} s`);
    }
  }
  const counts = new Set(title.renditions.map((r) => r.segments.length));
  if (counts.size > 1) problems.push(`video renditions have different segment counts (${[...counts].join(', ')}): not aligned`);

  const master = await readFile(join(titleDir, title.hls), 'utf8');
  for (const ref of hlsReferences(master)) {
    const playlistPath = posix.join(posix.dirname(title.hls), ref);
    let text: string;
    try {
      text = await readFile(join(titleDir, playlistPath), 'utf8');
    } catch {
      problems.push(`${title.hls} references missing ${ref}`);
      continue;
    }
    for (const seg of hlsReferences(text)) {
      const p = posix.join(posix.dirname(playlistPath), seg);
      if ((await fileSize(join(titleDir, p))) === null) problems.push(`${playlistPath} references missing ${seg}`);
    }
  }
  const mpd = await readFile(join(titleDir, title.dash), 'utf8');
  for (const ref of mpdReferences(mpd)) {
    const p = posix.join(posix.dirname(title.dash), ref);
    if ((await fileSize(join(titleDir, p))) === null) problems.push(`${title.dash} references missing ${ref}`);
  }
  if ((await fileSize(join(titleDir, title.poster))) === null) problems.push(`missing ${title.poster}`);
  if (title.thumbnails) {
    for (const f of [title.thumbnails.vtt, ...title.thumbnails.sprites]) {
      if ((await fileSize(join(titleDir, f))) === null) problems.push(`missing ${f}`);
    }
  }
  if (problems.length > 0) {
    throw new Error(`verification failed: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? ` (+${problems.length - 5} more)` : ''}`);
  }
}
