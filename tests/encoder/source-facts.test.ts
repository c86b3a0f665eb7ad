import { describe, expect, it } from 'vitest';
import { sourceFactsFromProbe, type ProbeJson } from '../../encoder/probe/source-facts.ts';

const video = (extra: Record<string, unknown> = {}) => ({ index: 0, codec_type: 'video', codec_name: 'h264', width: 1920, height: 1080, avg_frame_rate: '30000/1001', ...extra });
const audio = { index: 1, codec_type: 'audio', codec_name: 'aac', channels: 2, sample_rate: '48000' };
const fmt = { format_name: 'mov,mp4', duration: '10.5', bit_rate: '5000000' };

describe('sourceFactsFromProbe (pure)', () => {
  it('reads size, frame rate, audio and keeps only the file name', () => {
    const p = sourceFactsFromProbe({ streams: [video(), audio], format: fmt } as ProbeJson, '/home/me/films/a b.mp4');
    expect(p.facts).toMatchObject({ file: 'a b.mp4', width: 1920, height: 1080, frameRate: 29.97, durationSec: 10.5, audioCodec: 'aac', rotation: 0 });
    expect(p.hasAudio).toBe(true);
    expect(p.audioStreamIndex).toBe(1);
  });

  it('honours rotation (display matrix or rotate tag): 90° swaps the display size', () => {
    const side = sourceFactsFromProbe({ streams: [video({ side_data_list: [{ side_data_type: 'Display Matrix', rotation: -90 }] })], format: fmt } as ProbeJson, 'r.mp4');
    expect(side.facts.rotation).toBe(270);
    expect([side.displayWidth, side.displayHeight]).toEqual([1080, 1920]);
    const tag = sourceFactsFromProbe({ streams: [video({ tags: { rotate: '90' } })], format: fmt } as ProbeJson, 'r.mp4');
    expect(tag.facts.rotation).toBe(90);
    expect(tag.facts.displayAspectRatio).toBeCloseTo(1080 / 1920, 3);
  });

  it('honours the sample aspect ratio (anamorphic)', () => {
    const p = sourceFactsFromProbe({ streams: [video({ width: 720, height: 576, sample_aspect_ratio: '16:11' })], format: fmt } as ProbeJson, 'dv.mp4');
    expect(p.displayWidth).toBeCloseTo(1047.27, 1);
    expect(p.facts.displayAspectRatio).toBeCloseTo(1.8182, 3);
  });

  it('rejects audio-only, stream-less, zero-duration and cover-art-only files with the file named', () => {
    expect(() => sourceFactsFromProbe({ streams: [audio], format: fmt } as ProbeJson, 'song.m4a')).toThrow(/song\.m4a: audio-only/);
    expect(() => sourceFactsFromProbe({ streams: [], format: { format_name: 'mov' } } as ProbeJson, 'e.mp4')).toThrow(/e\.mp4: zero duration/);
    expect(() => sourceFactsFromProbe({ streams: [video()], format: { duration: '0' } } as ProbeJson, 'z.mp4')).toThrow(/z\.mp4: zero duration/);
    expect(() =>
      sourceFactsFromProbe({ streams: [audio, video({ index: 2, codec_name: 'mjpeg', disposition: { attached_pic: 1 } })], format: fmt } as ProbeJson, 'c.mp3'),
    ).toThrow(/audio-only/);
  });
});
