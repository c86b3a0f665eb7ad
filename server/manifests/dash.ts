/**
 * MPD rewriting for content steering and sessions. Pure (string-level, keeps the document otherwise intact).
 * Adds one `<BaseURL serviceLocation="edge-N">` per pathway and `<ContentSteering>` before the first Period,
 * replacing MPD-level BaseURL/ContentSteering elements, and appends `session=<sid>` to SegmentTemplate
 * media/initialization, SegmentURL media and Initialization sourceURL.
 */
import { appendQuery } from './attrs.ts';
import type { SteeringRewrite } from './hls.ts';

export function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function xmlUnescape(s: string): string {
  return s.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

export function rewriteMpd(xml: string, o: SteeringRewrite): string {
  const periodAt = xml.search(/<Period[\s>]/);
  if (periodAt < 0) throw new Error('MPD has no <Period>: not a manifest this edge can rewrite');
  let head = xml.slice(0, periodAt);
  let body = xml.slice(periodAt);
  head = head.replace(/[ \t]*<BaseURL\b[^>]*>[\s\S]*?<\/BaseURL>\s*/g, '').replace(/[ \t]*<BaseURL\b[^>]*\/>\s*/g, '');
  head = head.replace(/[ \t]*<ContentSteering\b[^>]*>[\s\S]*?<\/ContentSteering>\s*/g, '');
  const indent = /\n([ \t]*)$/.exec(head)?.[1] ?? '  ';
  const inserted: string[] = [];
  for (const p of o.pathways) {
    inserted.push(`<BaseURL serviceLocation="${xmlEscape(p.id)}">${xmlEscape(p.baseUrl)}</BaseURL>`);
  }
  inserted.push(
    `<ContentSteering defaultServiceLocation="${xmlEscape(o.defaultPathway)}" queryBeforeStart="false">${xmlEscape(o.steeringUri)}</ContentSteering>`,
  );
  const trimmed = head.replace(/[ \t]*$/, '');
  head = trimmed + (trimmed.endsWith('\n') ? indent : '') + inserted.join('\n' + indent) + '\n' + indent;
  if (o.query) {
    const add = (v: string) => xmlEscape(appendQuery(xmlUnescape(v), o.query));
    body = body.replace(/<(SegmentTemplate|SegmentURL|Initialization|RepresentationIndex)\b[^>]*>/g, (tag) =>
      tag.replace(/\s(media|initialization|sourceURL|index)="([^"]*)"/g, (_m, name: string, v: string) => ` ${name}="${add(v)}"`),
    );
  }
  return head + body;
}
