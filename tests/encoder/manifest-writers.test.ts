import { describe, expect, it } from 'vitest';
import { writeMasterPlaylist, writeMediaPlaylist } from '../../encoder/manifests/hls/hls-playlists.ts';
import { frameRateAttr, timelineEntries, writeMpd } from '../../encoder/manifests/dash/mpd.ts';
import { relativeTo, segmentBitrates, type MeasuredTitle, type MeasuredTrack } from '../../encoder/manifests/model.ts';
import { writeThumbnailVtt, thumbnailGeometry } from '../../encoder/thumbnails/thumbnail-plan.ts';
import { parseM3u8, parseMpd } from '../fixtures/manifest-parsers.ts';

function track(id: string, kind: 'video' | 'audio', durations: number[], bytes: number[], timescale: number, extra: Partial<MeasuredTrack> = {}): MeasuredTrack {
  let t = 0;
  const segments = durations.map((d, i) => {
    const ticks = Math.round(d * timescale);
    const s = { file: `${id}/seg-${String(i + 1).padStart(5, '0')}.m4s`, bytes: bytes[i]!, startTicks: t, durationTicks: ticks, durationSec: ticks / timescale };
    t += ticks;
    return s;
  });
  return {
    id, kind, codecs: kind === 'video' ? 'avc1.64001f' : 'mp4a.40.2', timescale, init: `${id}/init.mp4`, playlist: `${id}/playlist.m3u8`,
    segments, startNumber: 1, segmentPattern: 'seg-%05d.m4s', ...segmentBitrates(segments), ...extra,
  };
}

const v360 = track('v360p', 'video', [4, 4, 4, 1.5], [400_000, 500_000, 350_000, 100_000], 12800, { width: 640, height: 360, frameRate: 29.97 });
const v720 = track('v720p', 'video', [4, 4, 4, 1.5], [1_400_000, 1_600_000, 1_300_000, 300_000], 12800, { width: 1280, height: 720, frameRate: 29.97 });
const aud = track('audio', 'audio', [3.989, 4.011, 4.0, 1.5], [64_000, 64_500, 64_000, 24_000], 48000, { channels: 2, sampleRate: 48000 });
const title: MeasuredTitle = { durationSec: 13.5, segmentDurationSec: 4, video: [v360, v720], audio: aud };

describe('HLS writers (pure)', () => {
  it('master: version 7, peak BANDWIDTH = video peak + audio peak, exact CODECS, audio group', () => {
    const m = parseM3u8(writeMasterPlaylist(title));
    expect(m.version).toBe(7);
    expect(m.independentSegments).toBe(true);
    expect(m.playlists!.map((p) => p.uri)).toEqual(['v360p/playlist.m3u8', 'v720p/playlist.m3u8']);
    const p720 = m.playlists![1]!.attributes;
    expect(p720.BANDWIDTH).toBe(Math.ceil((1_600_000 * 8) / 4) + Math.ceil((64_500 * 8) / (Math.round(4.011 * 48000) / 48000)));
    expect(Number(p720['AVERAGE-BANDWIDTH'])).toBe(v720.avgBps + aud.avgBps);
    expect(p720.CODECS).toBe('avc1.64001f,mp4a.40.2');
    expect(p720.RESOLUTION).toEqual({ width: 1280, height: 720 });
    expect(p720['FRAME-RATE']).toBeCloseTo(29.97, 3);
    expect(p720.AUDIO).toBe('aud');
    expect(m.mediaGroups!.AUDIO!.aud!.Audio!.uri).toBe('audio/playlist.m3u8');
  });

  it('master without audio has no group and video-only CODECS', () => {
    const text = writeMasterPlaylist({ ...title, audio: null });
    expect(text).not.toContain('EXT-X-MEDIA');
    expect(parseM3u8(text).playlists![0]!.attributes.CODECS).toBe('avc1.64001f');
  });

  it('media playlist: VOD, EXT-X-MAP, target duration ≥ every rounded EXTINF, relative URIs', () => {
    const m = parseM3u8(writeMediaPlaylist(aud));
    expect(m.playlistType).toBe('VOD');
    expect(m.endList).toBe(true);
    expect(m.targetDuration).toBe(4);
    expect(m.segments!.map((s) => s.uri)).toEqual(['seg-00001.m4s', 'seg-00002.m4s', 'seg-00003.m4s', 'seg-00004.m4s']);
    expect(m.segments![0]!.map!.uri).toBe('init.mp4');
    expect(m.segments![1]!.duration).toBeCloseTo(4.011, 4);
  });

  it('relativeTo resolves paths between title-relative files', () => {
    expect(relativeTo('v1/playlist.m3u8', 'v1/seg-1.m4s')).toBe('seg-1.m4s');
    expect(relativeTo('master.m3u8', 'v1/playlist.m3u8')).toBe('v1/playlist.m3u8');
    expect(relativeTo('a/b.m3u8', 'c/d.mp4')).toBe('../c/d.mp4');
  });
});

describe('DASH writer (pure)', () => {
  it('folds equal durations with @r and restarts @t only on gaps', () => {
    expect(timelineEntries(v720)).toEqual([{ t: 0, d: 51200, r: 2 }, { d: 19200 }]);
    const gap = { ...v720, segments: v720.segments.map((s, i) => (i === 3 ? { ...s, startTicks: s.startTicks + 10 } : s)) };
    expect(timelineEntries(gap)).toEqual([{ t: 0, d: 51200, r: 2 }, { t: 153610, d: 19200 }]);
  });

  it('writes a static MPD that mpd-parser reads back with the same segment files and durations', () => {
    const xml = writeMpd(title);
    expect(xml).toContain('type="static"');
    const base = 'http://h/t/';
    const mpd = parseMpd(xml, `${base}manifest.mpd`);
    expect(mpd.duration).toBeCloseTo(13.5, 3);
    expect(mpd.playlists.map((p) => p.attributes.BANDWIDTH)).toEqual([v360.peakBps, v720.peakBps]);
    expect(mpd.playlists[1]!.attributes.CODECS).toBe('avc1.64001f');
    expect(mpd.playlists[1]!.attributes.RESOLUTION).toEqual({ width: 1280, height: 720 });
    const segs = mpd.playlists[1]!.segments;
    expect(segs.map((s) => s.resolvedUri.slice(base.length))).toEqual(v720.segments.map((s) => s.file));
    expect(segs.map((s) => s.duration)).toEqual(v720.segments.map((s) => s.durationSec));
    expect(segs[0]!.map!.resolvedUri).toBe(`${base}v720p/init.mp4`);
    const audioPl = Object.values(mpd.mediaGroups.AUDIO!).flatMap((g) => Object.values(g))[0]!.playlists[0]!;
    expect(audioPl.segments.map((s) => s.resolvedUri.slice(base.length))).toEqual(aud.segments.map((s) => s.file));
    expect(audioPl.attributes.CODECS).toBe('mp4a.40.2');
  });

  it('formats frame rates as DASH ratios', () => {
    expect(frameRateAttr(25)).toBe('25');
    expect(frameRateAttr(29.97)).toBe('30000/1001');
    expect(frameRateAttr(12.5)).toBe('25/2');
  });
});

describe('thumbnail VTT (pure)', () => {
  it('covers the whole duration with tiles inside each sprite, moving to the next sprite after 25 tiles', () => {
    const g = thumbnailGeometry(61, 16 / 9);
    expect(g).toMatchObject({ intervalSec: 5, width: 160, height: 90, columns: 5, rows: 5 });
    const vtt = writeThumbnailVtt(130, { ...g, intervalSec: 5 }, ['thumbs/s1.jpg', 'thumbs/s2.jpg']);
    const cues = [...vtt.matchAll(/--> (\S+)\n(\S+)#xywh=(\d+),(\d+),(\d+),(\d+)/g)];
    expect(cues).toHaveLength(26);
    expect(cues[24]![2]).toBe('thumbs/s1.jpg');
    expect(cues[24]!.slice(3).map(Number)).toEqual([640, 360, 160, 90]);
    expect(cues[25]![2]).toBe('thumbs/s2.jpg');
    expect(cues[25]![1]).toBe('00:02:10.000');
  });
});
