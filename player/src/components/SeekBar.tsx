import { useEffect, useRef, useState } from 'react';
import type { TitleJson } from '../../../encoder/catalog/title-json.ts';
import { mediaUrl } from '../api/urls.ts';
import { formatTime } from '../format.ts';
import { findThumbnail, parseThumbnailVtt, type ThumbCue } from '../thumbnails/vtt.ts';

/** Fetches and parses the title's thumbnails.vtt once; no thumbnails → plain time tooltip. */
function useThumbnails(title: TitleJson): ThumbCue[] {
  const [cues, setCues] = useState<ThumbCue[]>([]);
  useEffect(() => {
    const vtt = title.thumbnails?.vtt;
    if (!vtt) return;
    const ac = new AbortController();
    const url = new URL(mediaUrl(title.id, vtt), location.href).toString();
    fetch(url, { signal: ac.signal })
      .then((r) => (r.ok ? r.text() : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then((text) => setCues(parseThumbnailVtt(text, url)))
      .catch(() => setCues([]));
    return () => ac.abort();
  }, [title]);
  return cues;
}

export function SeekBar(props: { video: HTMLVideoElement; duration: number; title: TitleJson }) {
  const { video, duration } = props;
  const cues = useThumbnails(props.title);
  const barRef = useRef<HTMLDivElement>(null);
  const [hover, setHover] = useState<{ x: number; t: number } | null>(null);

  const timeAt = (clientX: number): { x: number; t: number } | null => {
    const el = barRef.current;
    if (!el || !(duration > 0)) return null;
    const rect = el.getBoundingClientRect();
    const x = Math.min(Math.max(clientX - rect.left, 0), rect.width);
    return { x, t: (x / Math.max(1, rect.width)) * duration };
  };

  const played = duration > 0 ? Math.min(1, video.currentTime / duration) : 0;
  let bufferedEnd = 0;
  for (let i = 0; i < video.buffered.length; i++) {
    if (video.buffered.start(i) <= video.currentTime + 0.5) bufferedEnd = Math.max(bufferedEnd, video.buffered.end(i));
  }
  const cue = hover ? findThumbnail(cues, hover.t) : null;
  const thumbW = cue?.w || 160;

  return (
    <div
      className="seekbar"
      data-testid="seek-bar"
      ref={barRef}
      role="slider"
      tabIndex={0}
      aria-label="Seek"
      aria-valuemin={0}
      aria-valuemax={Math.round(duration)}
      aria-valuenow={Math.round(video.currentTime)}
      aria-valuetext={formatTime(video.currentTime)}
      onMouseMove={(e) => setHover(timeAt(e.clientX))}
      onMouseLeave={() => setHover(null)}
      onClick={(e) => {
        const at = timeAt(e.clientX);
        if (at) video.currentTime = at.t;
      }}
    >
      <div className="seek-track">
        <div className="seek-buffered" style={{ width: `${duration > 0 ? (100 * bufferedEnd) / duration : 0}%` }} />
        <div className="seek-played" style={{ width: `${100 * played}%` }} />
      </div>
      {hover && (
        <div className="seek-hover" style={{ left: `${hover.x}px` }}>
          {cue && (
            <div
              className="thumb"
              data-testid="thumb-preview"
              style={{
                width: `${cue.w}px`,
                height: `${cue.h}px`,
                backgroundImage: `url("${cue.url}")`,
                backgroundPosition: `-${cue.x}px -${cue.y}px`,
                marginLeft: `-${thumbW / 2}px`,
              }}
            />
          )}
          <span className="seek-time">{formatTime(hover.t)}</span>
        </div>
      )}
    </div>
  );
}
