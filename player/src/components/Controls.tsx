import { useEffect, useState, type RefObject } from 'react';
import type { TitleJson } from '../../../encoder/catalog/title-json.ts';
import type { PlaybackSession } from '../app/playback-session.ts';
import type { EngineKind } from '../engines/engine.ts';
import { formatTime } from '../format.ts';
import { QualityMenu } from './QualityMenu.tsx';
import { SeekBar } from './SeekBar.tsx';
import { useTick } from './use-tick.ts';
import { FullscreenIcon, InfoIcon, MutedIcon, PauseIcon, PlayIcon, VolumeIcon } from './Icons.tsx';

/** Seconds per ←/→ press. */
const SEEK_STEP_SEC = 5;

export function Controls(props: {
  session: PlaybackSession;
  video: HTMLVideoElement;
  shell: RefObject<HTMLDivElement | null>;
  title: TitleJson;
  engine: EngineKind;
  onSwitchEngine: (e: EngineKind) => void;
  statsOpen: boolean;
  onToggleStats: () => void;
}) {
  const { session, video, shell, onToggleStats } = props;
  useTick(250);
  const [, force] = useState(0);

  useEffect(() => {
    const rerender = () => force((n) => n + 1);
    const types = ['play', 'pause', 'volumechange', 'durationchange', 'seeked'];
    types.forEach((t) => video.addEventListener(t, rerender));
    return () => types.forEach((t) => video.removeEventListener(t, rerender));
  }, [video]);

  const togglePlay = () => {
    if (video.paused) void session.play();
    else video.pause();
  };
  const toggleMute = () => {
    video.muted = !video.muted;
  };
  const toggleFullscreen = () => {
    const el = shell.current;
    if (!el) return;
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
    else void el.requestFullscreen?.().catch(() => undefined);
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      // Typing in a field (or using a select) must not trigger shortcuts.
      if (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName) && (target as HTMLInputElement).type !== 'range') return;
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      switch (e.key) {
        case ' ':
        case 'k':
          e.preventDefault();
          // A focused button would also "click" on the space keyup and undo the toggle.
          if (target?.tagName === 'BUTTON') target.blur();
          togglePlay();
          break;
        case 'ArrowLeft':
          e.preventDefault();
          video.currentTime = Math.max(0, video.currentTime - SEEK_STEP_SEC);
          break;
        case 'ArrowRight':
          e.preventDefault();
          video.currentTime = Math.min(video.duration || Infinity, video.currentTime + SEEK_STEP_SEC);
          break;
        case 'f':
          toggleFullscreen();
          break;
        case 'm':
          toggleMute();
          break;
        case 'i':
          onToggleStats();
          break;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const p = session.probe;
  const duration = Number.isFinite(video.duration) && video.duration > 0 ? video.duration : props.title.durationSec;
  const other: EngineKind = props.engine === 'hls' ? 'shaka' : 'hls';

  return (
    <div className="controls">
      <SeekBar video={video} duration={duration} title={props.title} />
      <div className="controls-row">
        <button type="button" data-testid="play-pause" onClick={togglePlay} aria-label={video.paused ? 'Play' : 'Pause'}>
          {video.paused ? <PlayIcon /> : <PauseIcon />}
        </button>
        <button type="button" data-testid="mute" onClick={toggleMute} aria-label={video.muted ? 'Unmute' : 'Mute'}>
          {video.muted || video.volume === 0 ? <MutedIcon /> : <VolumeIcon />}
        </button>
        <input
          type="range"
          className="volume"
          aria-label="Volume"
          min={0}
          max={1}
          step={0.05}
          value={video.muted ? 0 : video.volume}
          onChange={(e) => {
            video.volume = Number(e.target.value);
            video.muted = video.volume === 0;
          }}
        />
        <span className="time">
          {formatTime(video.currentTime)} / {formatTime(duration)}
        </span>
        <span className="spacer" />
        <QualityMenu
          rungs={p.rungs}
          auto={p.auto}
          currentRung={p.currentRung}
          onSelect={(q) => session.setQuality(q)}
        />
        <button
          type="button"
          data-testid="engine-switch"
          onClick={() => props.onSwitchEngine(other)}
          title={`Switch to ${other === 'hls' ? 'hls.js' : 'shaka-player'}`}
        >
          {props.engine === 'hls' ? 'hls.js' : 'shaka'} ⇄
        </button>
        <button type="button" data-testid="stats-toggle" aria-pressed={props.statsOpen} onClick={onToggleStats} title="Stats (i)">
          <InfoIcon />
        </button>
        <button type="button" data-testid="fullscreen" onClick={toggleFullscreen} aria-label="Fullscreen">
          <FullscreenIcon />
        </button>
      </div>
    </div>
  );
}
