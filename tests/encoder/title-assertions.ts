/**
 * The acceptance checks every encoded title must pass, registered as `it` blocks inside
 * the caller's describe (one encode per describe, reused by every check).
 */
import { readFile, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { expect, it } from 'vitest';
import type { TitleJson } from '../../encoder/index.ts';
import { STANDARD_LADDER } from '../../encoder/index.ts';
import { parseM3u8, parseMpd } from '../fixtures/manifest-parsers.ts';
import { ffprobeJson, joinRendition, listFiles, videoPackets } from './helpers.ts';

export interface TitleExpectations {
  /** Display size of the source (after SAR/rotation). */
  displayWidth: number;
  displayHeight: number;
  hasAudio: boolean;
  /** Seconds of source that were encoded. */
  durationSec: number;
  maxHeight?: number;
}

export interface TitleContext {
  dir: string;
  title: TitleJson;
  expect: TitleExpectations;
}

export function registerTitleChecks(get: () => TitleContext): void {
  it('chooses every standard rung up to the source (no upscale), keeping the aspect ratio with even sizes', () => {
    const { title, expect: e } = get();
    const short = Math.min(e.displayWidth, e.displayHeight);
    const cap = Math.min(short, e.maxHeight ?? Infinity);
    const expected = STANDARD_LADDER.filter((r) => r.p <= cap).map((r) => `v${r.p}p`);
    expect(title.renditions.map((r) => r.id)).toEqual(expected.length > 0 ? expected : [title.renditions[0]?.id]);
    const aspect = e.displayWidth / e.displayHeight;
    for (const r of title.renditions) {
      expect(r.width % 2).toBe(0);
      expect(r.height % 2).toBe(0);
      expect(Math.min(r.width, r.height)).toBeLessThanOrEqual(short);
      // Within the rounding of one even step on either side.
      expect(Math.abs(r.width / r.height - aspect)).toBeLessThan((2.5 / Math.min(r.width, r.height)) * aspect + 0.01);
    }
    const bitrates = title.renditions.map((r) => r.targetBitrateBps);
    expect([...bitrates].sort((a, b) => a - b)).toEqual(bitrates);
  });

  it('puts a keyframe exactly at every segment boundary in every rung, and nowhere else (ffprobe)', async () => {
    const { dir, title } = get();
    let boundaries: number[] | null = null;
    for (const r of title.renditions) {
      const joined = await joinRendition(dir, r.init, r.segments.map((s) => s.file));
      const packets = await videoPackets(joined);
      const first = Math.min(...packets.map((p) => p.pts));
      const keys = packets.filter((p) => p.key).map((p) => p.pts - first).sort((a, b) => a - b);
      const starts: number[] = [];
      let t = 0;
      for (const s of r.segments) {
        starts.push(t);
        t += s.durationSec;
      }
      const halfFrame = 0.5 / r.frameRate;
      expect(keys.length, `${r.id}: keyframes ${keys.map((k) => k.toFixed(3))} vs segment starts ${starts.map((s) => s.toFixed(3))}`).toBe(starts.length);
      keys.forEach((k, i) => expect(Math.abs(k - starts[i]!)).toBeLessThan(halfFrame));
      // Aligned across rungs: same boundaries everywhere.
      if (boundaries) starts.forEach((s, i) => expect(Math.abs(s - boundaries![i]!)).toBeLessThan(halfFrame));
      else boundaries = starts;
    }
  });

  it('cuts segments of the chosen duration that add up to the source duration', () => {
    const { title, expect: e } = get();
    const D = title.segmentDurationSec;
    for (const r of title.renditions) {
      const frame = 1 / r.frameRate;
      r.segments.slice(0, -1).forEach((s) => expect(Math.abs(s.durationSec - D)).toBeLessThanOrEqual(frame + 1e-6));
      expect(r.segments.at(-1)!.durationSec).toBeLessThanOrEqual(D + frame);
      const total = r.segments.reduce((a, s) => a + s.durationSec, 0);
      expect(Math.abs(total - e.durationSec)).toBeLessThan(Math.max(frame * 2, 0.1));
    }
    expect(Math.abs(title.durationSec - e.durationSec)).toBeLessThan(0.2);
  });

  it('writes an HLS master + media playlists and a DASH MPD that parse and reference the same existing files', async () => {
    const { dir, title } = get();
    const master = parseM3u8(await readFile(join(dir, title.hls), 'utf8'));
    expect(master.version).toBe(7);
    expect(master.independentSegments).toBe(true);
    expect(master.playlists?.length).toBe(title.renditions.length);
    const hlsFiles = new Set<string>();
    const mediaPlaylists = [...(master.playlists ?? []).map((p) => p.uri)];
    const audioGroup = master.mediaGroups?.AUDIO ?? {};
    const audioUris = Object.values(audioGroup).flatMap((g) => Object.values(g).map((m) => m.uri!));
    mediaPlaylists.push(...audioUris);
    for (const uri of mediaPlaylists) {
      expect(uri.startsWith('/') || /^[a-z]+:/i.test(uri), `relative URI ${uri}`).toBe(false);
      const media = parseM3u8(await readFile(join(dir, uri), 'utf8'));
      expect(media.playlistType).toBe('VOD');
      expect(media.endList).toBe(true);
      const maxExtinf = Math.max(...(media.segments ?? []).map((s) => s.duration));
      expect(media.targetDuration).toBeGreaterThanOrEqual(Math.round(maxExtinf));
      for (const s of media.segments ?? []) {
        hlsFiles.add(posix.join(posix.dirname(uri), s.uri));
        if (s.map) hlsFiles.add(posix.join(posix.dirname(uri), s.map.uri));
      }
    }
    const base = 'http://example.test/t/';
    const mpd = parseMpd(await readFile(join(dir, title.dash), 'utf8'), `${base}${title.dash}`);
    const dashFiles = new Set<string>();
    const mpdPlaylists = [...mpd.playlists, ...Object.values(mpd.mediaGroups.AUDIO ?? {}).flatMap((g) => Object.values(g).flatMap((m) => m.playlists))];
    for (const p of mpdPlaylists) {
      for (const s of p.segments) {
        dashFiles.add(s.resolvedUri.slice(base.length));
        if (s.map) dashFiles.add(s.map.resolvedUri.slice(base.length));
      }
    }
    expect([...dashFiles].sort()).toEqual([...hlsFiles].sort());
    expect(mpd.playlists.length).toBe(title.renditions.length);
    expect(Math.abs(mpd.duration - title.durationSec)).toBeLessThan(0.01);
    // Every referenced file exists, and every media file on disk is referenced (one shared set).
    const onDisk = (await listFiles(dir)).filter((f) => f.endsWith('.m4s') || f.endsWith('init.mp4'));
    expect(onDisk.sort()).toEqual([...hlsFiles].sort());
  });

  it('declares BANDWIDTH ≥ the measured peak segment bitrate, exact CODECS and the audio group', async () => {
    const { dir, title, expect: e } = get();
    const master = parseM3u8(await readFile(join(dir, title.hls), 'utf8'));
    const peakOf = async (playlistUri: string): Promise<number> => {
      const media = parseM3u8(await readFile(join(dir, playlistUri), 'utf8'));
      let peak = 0;
      for (const s of media.segments ?? []) {
        const bytes = (await stat(join(dir, posix.dirname(playlistUri), s.uri))).size;
        peak = Math.max(peak, (bytes * 8) / s.duration);
      }
      return peak;
    };
    const audioUri = e.hasAudio ? Object.values(master.mediaGroups?.AUDIO?.aud ?? {})[0]?.uri : undefined;
    expect(Boolean(audioUri)).toBe(e.hasAudio);
    const audioPeak = audioUri ? await peakOf(audioUri) : 0;
    for (const p of master.playlists ?? []) {
      const videoPeak = await peakOf(p.uri);
      expect(Number(p.attributes.BANDWIDTH)).toBeGreaterThanOrEqual(Math.floor(videoPeak + audioPeak));
      expect(Number(p.attributes['AVERAGE-BANDWIDTH'])).toBeLessThanOrEqual(Number(p.attributes.BANDWIDTH));
      const rendition = title.renditions.find((r) => r.playlist === p.uri)!;
      expect(p.attributes.RESOLUTION).toEqual({ width: rendition.width, height: rendition.height });
      // avc1.PPCCLL of a High-profile stream: profile_idc 0x64; level from ffprobe must match LL.
      const codecs = String(p.attributes.CODECS).split(',');
      expect(codecs[0]).toMatch(/^avc1\.64[0-9a-f]{4}$/);
      const probe = await ffprobeJson(await joinRendition(dir, rendition.init, [rendition.segments[0]!.file]), ['-show_streams']);
      expect(probe.streams[0].profile).toBe('High');
      expect(parseInt(codecs[0]!.slice(-2), 16)).toBe(probe.streams[0].level);
      if (e.hasAudio) {
        expect(codecs[1]).toBe('mp4a.40.2');
        expect(p.attributes.AUDIO).toBe('aud');
      } else {
        expect(codecs.length).toBe(1);
        expect(p.attributes.AUDIO).toBeUndefined();
      }
    }
  });

  it('has AAC-LC stereo 48 kHz audio exactly when the source has audio', async () => {
    const { dir, title, expect: e } = get();
    expect(title.audio !== null).toBe(e.hasAudio);
    if (!title.audio) return;
    const joined = await joinRendition(dir, title.audio.init, title.audio.segments.map((s) => s.file));
    const probe = await ffprobeJson(joined, ['-show_streams', '-show_format']);
    const a = probe.streams[0];
    expect(a.codec_name).toBe('aac');
    expect(a.profile).toBe('LC');
    expect(a.channels).toBe(2);
    expect(Number(a.sample_rate)).toBe(48000);
    expect(Math.abs(Number(probe.format.duration) - e.durationSec)).toBeLessThan(0.3);
  });

  it('makes a poster and trick-play sprites with WebVTT #xywh cues inside the sprite bounds', async () => {
    const { dir, title, expect: e } = get();
    const poster = (await ffprobeJson(join(dir, title.poster), ['-show_streams'])).streams[0];
    expect(poster.codec_name).toBe('mjpeg');
    expect(poster.width).toBeGreaterThan(0);
    const thumbs = title.thumbnails!;
    expect(thumbs).not.toBeNull();
    const sizes = new Map<string, { w: number; h: number }>();
    for (const s of thumbs.sprites) {
      const st = (await ffprobeJson(join(dir, s), ['-show_streams'])).streams[0];
      sizes.set(s, { w: st.width, h: st.height });
    }
    const vtt = await readFile(join(dir, thumbs.vtt), 'utf8');
    expect(vtt.startsWith('WEBVTT')).toBe(true);
    const cues = [...vtt.matchAll(/(\d\d):(\d\d):(\d\d\.\d{3}) --> (\d\d):(\d\d):(\d\d\.\d{3})\n(\S+)#xywh=(\d+),(\d+),(\d+),(\d+)/g)];
    expect(cues.length).toBe(Math.ceil(title.durationSec / thumbs.intervalSec - 1e-6));
    let prevEnd = 0;
    for (const c of cues) {
      const start = Number(c[1]) * 3600 + Number(c[2]) * 60 + Number(c[3]);
      const end = Number(c[4]) * 3600 + Number(c[5]) * 60 + Number(c[6]);
      expect(Math.abs(start - prevEnd)).toBeLessThan(0.002);
      expect(end).toBeGreaterThan(start);
      prevEnd = end;
      const size = sizes.get(c[7]!);
      expect(size, `cue sprite ${c[7]} is listed in title.json`).toBeDefined();
      const [x, y, w, h] = [Number(c[8]), Number(c[9]), Number(c[10]), Number(c[11])];
      expect(x + w).toBeLessThanOrEqual(size!.w);
      expect(y + h).toBeLessThanOrEqual(size!.h);
    }
    expect(Math.abs(prevEnd - title.durationSec)).toBeLessThan(0.01);
  });

  it('writes a title.json that matches the published files', async () => {
    const { dir, title, expect: e } = get();
    const onDisk = JSON.parse(await readFile(join(dir, 'title.json'), 'utf8')) as TitleJson;
    expect(onDisk).toEqual(title);
    expect(title.hls).toBe('master.m3u8');
    expect(title.dash).toBe('manifest.mpd');
    expect(Number.isNaN(Date.parse(title.createdAt))).toBe(false);
    expect(title.source.file).not.toContain('/');
    expect(Math.abs(title.source.displayAspectRatio - e.displayWidth / e.displayHeight)).toBeLessThan(0.01);
    for (const r of [...title.renditions, ...(title.audio ? [title.audio] : [])]) {
      expect(r.bitratePeakBps).toBeGreaterThanOrEqual(r.bitrateAvgBps);
      for (const s of r.segments) expect((await stat(join(dir, s.file))).size).toBe(s.bytes);
    }
  });
}
