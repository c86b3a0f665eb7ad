import { describe, expect, it } from 'vitest';
import { findThumbnail, parseThumbnailVtt, parseTimestamp } from '../../player/src/thumbnails/vtt.ts';

const VTT = `WEBVTT

00:00:00.000 --> 00:00:05.000
sprite-0.jpg#xywh=0,0,160,90

1
00:00:05.000 --> 00:00:10.000 align:start
sprite-0.jpg#xywh=160,0,160,90

00:01:00.000 --> 00:01:05.500
sprites/sprite-1.jpg#xywh=0,90,160,90
`;

describe('thumbnail VTT parser', () => {
  it('parses timestamps with and without hours', () => {
    expect(parseTimestamp('00:01:05.500')).toBe(65.5);
    expect(parseTimestamp('01:05.25')).toBe(65.25);
    expect(parseTimestamp('1:00:00.000')).toBe(3600);
    expect(parseTimestamp('nope')).toBeNaN();
  });

  it('reads cues with sprite crops, ignoring ids and cue settings, resolving against the VTT URL', () => {
    const cues = parseThumbnailVtt(VTT, 'http://h/media/demo/thumbnails/thumbnails.vtt');
    expect(cues).toHaveLength(3);
    expect(cues[1]).toEqual({ startSec: 5, endSec: 10, url: 'http://h/media/demo/thumbnails/sprite-0.jpg', x: 160, y: 0, w: 160, h: 90 });
    expect(cues[2]!.url).toBe('http://h/media/demo/thumbnails/sprites/sprite-1.jpg');
    expect(cues[2]!.endSec).toBe(65.5);
  });

  it('rejects a file without the WEBVTT header and skips malformed cues', () => {
    expect(() => parseThumbnailVtt('00:00.000 --> 00:05.000\na.jpg')).toThrow(/WEBVTT/);
    const cues = parseThumbnailVtt('WEBVTT\n\nxx --> 00:05.000\na.jpg\n\n00:05.000 --> 00:10.000\nb.jpg#xywh=1,2,3\n\n00:10.000 --> 00:15.000\nc.jpg\n');
    expect(cues.map((c) => c.url)).toEqual(['c.jpg']);
  });

  it('finds the cue for a time (before start → first, after end → last)', () => {
    const cues = parseThumbnailVtt(VTT);
    expect(findThumbnail(cues, 7)?.x).toBe(160);
    expect(findThumbnail(cues, 5)?.x).toBe(160);
    expect(findThumbnail(cues, 4.99)?.x).toBe(0);
    expect(findThumbnail(cues, -1)?.x).toBe(0);
    expect(findThumbnail(cues, 500)?.url).toBe('sprites/sprite-1.jpg');
    expect(findThumbnail([], 3)).toBeNull();
  });
});
