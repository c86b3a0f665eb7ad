/**
 * Pure: a static DASH MPD (isoff-live profile) from measured facts: one video and one
 * audio AdaptationSet, SegmentTemplate per Representation with a SegmentTimeline built
 * from each segment's measured decode time and duration (runs of equal durations are
 * folded with @r), so players never drift even when durations vary.
 */
import type { MeasuredTitle, MeasuredTrack } from '../model.ts';

export function isoDuration(seconds: number): string {
  return `PT${Math.max(0, seconds).toFixed(3)}S`;
}

/** DASH @frameRate as an integer or a ratio ("25", "30000/1001", "25/2"). */
export function frameRateAttr(fps: number): string {
  if (Math.abs(fps - Math.round(fps)) < 1e-3) return String(Math.round(fps));
  const ntsc = (fps * 1001) / 1000;
  if (Math.abs(ntsc - Math.round(ntsc)) < 1e-3) return `${Math.round(ntsc) * 1000}/1001`;
  for (const den of [2, 3, 4, 5, 8, 10, 100, 1000]) {
    const num = fps * den;
    if (Math.abs(num - Math.round(num)) < 1e-3) return `${Math.round(num)}/${den}`;
  }
  return String(Math.round(fps));
}

export function timelineEntries(track: MeasuredTrack): Array<{ t?: number; d: number; r?: number }> {
  const out: Array<{ t?: number; d: number; r?: number }> = [];
  let expected: number | null = null;
  for (const seg of track.segments) {
    const last = out[out.length - 1];
    const contiguous = expected !== null && seg.startTicks === expected;
    if (last && contiguous && last.d === seg.durationTicks) {
      last.r = (last.r ?? 0) + 1;
    } else {
      out.push(contiguous ? { d: seg.durationTicks } : { t: seg.startTicks, d: seg.durationTicks });
    }
    expected = seg.startTicks + seg.durationTicks;
  }
  return out;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** Template attribute relative to the MPD: "<folder>/<file pattern with $Number%05d$>". */
function templateAttrs(track: MeasuredTrack): string {
  const folder = track.init.split('/').slice(0, -1).join('/');
  const prefix = folder ? `${folder}/` : '';
  const media = track.segmentPattern.replace('%05d', '$Number%05d$');
  const initName = track.init.split('/').pop() ?? track.init;
  return `timescale="${track.timescale}" initialization="${esc(prefix + initName)}" media="${esc(prefix + media)}" startNumber="${track.startNumber}"`;
}

function segmentTemplate(track: MeasuredTrack, indent: string): string[] {
  const lines = [`${indent}<SegmentTemplate ${templateAttrs(track)}>`, `${indent}  <SegmentTimeline>`];
  for (const e of timelineEntries(track)) {
    const t = e.t !== undefined ? ` t="${e.t}"` : '';
    const r = e.r ? ` r="${e.r}"` : '';
    lines.push(`${indent}    <S${t} d="${e.d}"${r}/>`);
  }
  lines.push(`${indent}  </SegmentTimeline>`, `${indent}</SegmentTemplate>`);
  return lines;
}

export function writeMpd(title: MeasuredTitle): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" profiles="urn:mpeg:dash:profile:isoff-live:2011" type="static"' +
      ` mediaPresentationDuration="${isoDuration(title.durationSec)}" minBufferTime="${isoDuration(Math.max(2, title.segmentDurationSec * 2))}">`,
    `  <Period id="0" start="PT0S">`,
  ];
  const maxW = Math.max(...title.video.map((v) => v.width ?? 0));
  const maxH = Math.max(...title.video.map((v) => v.height ?? 0));
  const fr = title.video[0]?.frameRate;
  lines.push(
    `    <AdaptationSet id="0" contentType="video" mimeType="video/mp4" segmentAlignment="true" startWithSAP="1"` +
      ` maxWidth="${maxW}" maxHeight="${maxH}"${fr ? ` frameRate="${frameRateAttr(fr)}"` : ''}>`,
  );
  for (const v of title.video) {
    lines.push(
      `      <Representation id="${esc(v.id)}" codecs="${esc(v.codecs)}" bandwidth="${v.peakBps}" width="${v.width}" height="${v.height}"` +
        ` frameRate="${frameRateAttr(v.frameRate ?? 0)}" sar="1:1">`,
      ...segmentTemplate(v, '        '),
      '      </Representation>',
    );
  }
  lines.push('    </AdaptationSet>');
  const a = title.audio;
  if (a) {
    lines.push(
      `    <AdaptationSet id="1" contentType="audio" mimeType="audio/mp4" lang="und" segmentAlignment="true" startWithSAP="1">`,
      `      <Representation id="${esc(a.id)}" codecs="${esc(a.codecs)}" bandwidth="${a.peakBps}" audioSamplingRate="${a.sampleRate ?? 48000}">`,
      `        <AudioChannelConfiguration schemeIdUri="urn:mpeg:dash:23003:3:audio_channel_configuration:2011" value="${a.channels ?? 2}"/>`,
      ...segmentTemplate(a, '        '),
      '      </Representation>',
      '    </AdaptationSet>',
    );
  }
  lines.push('  </Period>', '</MPD>', '');
  return lines.join('\n');
}
