/**
 * Pure: HLS (RFC 8216, version 7) playlists from measured facts. fMP4 segments need
 * EXT-X-MAP (version ≥ 6 for it in media playlists of VOD without I-frames-only; we use 7).
 * BANDWIDTH is the peak segment bitrate of video + audio, as the spec requires.
 */
import { relativeTo, type MeasuredTitle, type MeasuredTrack } from '../model.ts';

export const AUDIO_GROUP_ID = 'aud';

export function targetDurationOf(track: MeasuredTrack): number {
  // EXTINF rounded to the nearest integer must not exceed the target duration.
  return Math.max(1, ...track.segments.map((s) => Math.round(s.durationSec)));
}

export function writeMediaPlaylist(track: MeasuredTrack): string {
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:7',
    `#EXT-X-TARGETDURATION:${targetDurationOf(track)}`,
    '#EXT-X-PLAYLIST-TYPE:VOD',
    '#EXT-X-MEDIA-SEQUENCE:0',
    '#EXT-X-INDEPENDENT-SEGMENTS',
    `#EXT-X-MAP:URI="${relativeTo(track.playlist, track.init)}"`,
  ];
  for (const seg of track.segments) {
    lines.push(`#EXTINF:${seg.durationSec.toFixed(5)},`, relativeTo(track.playlist, seg.file));
  }
  lines.push('#EXT-X-ENDLIST', '');
  return lines.join('\n');
}

export function writeMasterPlaylist(title: MeasuredTitle, masterFile = 'master.m3u8'): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-INDEPENDENT-SEGMENTS', ''];
  const audio = title.audio;
  if (audio) {
    lines.push(
      `#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="${AUDIO_GROUP_ID}",NAME="Audio",LANGUAGE="und",DEFAULT=YES,AUTOSELECT=YES,` +
        `CHANNELS="${audio.channels ?? 2}",URI="${relativeTo(masterFile, audio.playlist)}"`,
      '',
    );
  }
  for (const v of title.video) {
    const bandwidth = v.peakBps + (audio?.peakBps ?? 0);
    const average = v.avgBps + (audio?.avgBps ?? 0);
    const codecs = audio ? `${v.codecs},${audio.codecs}` : v.codecs;
    const attrs = [
      `BANDWIDTH=${bandwidth}`,
      `AVERAGE-BANDWIDTH=${average}`,
      `CODECS="${codecs}"`,
      `RESOLUTION=${v.width}x${v.height}`,
      `FRAME-RATE=${(v.frameRate ?? 0).toFixed(3)}`,
    ];
    if (audio) attrs.push(`AUDIO="${AUDIO_GROUP_ID}"`);
    lines.push(`#EXT-X-STREAM-INF:${attrs.join(',')}`, relativeTo(masterFile, v.playlist));
  }
  lines.push('');
  return lines.join('\n');
}
