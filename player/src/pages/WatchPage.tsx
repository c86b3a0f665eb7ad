import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useParams, useSearchParams } from 'react-router-dom';
import type { TitleJson } from '../../../encoder/catalog/title-json.ts';
import { ApiError, fetchTitle } from '../api/client.ts';
import { parseWatchParams } from '../api/urls.ts';
import { PlaybackSession } from '../app/playback-session.ts';
import { Controls } from '../components/Controls.tsx';
import { ErrorPanel } from '../components/ErrorPanel.tsx';
import { StatsPanel } from '../stats/StatsPanel.tsx';
import type { EngineKind } from '../engines/engine.ts';
import { useTick } from '../components/use-tick.ts';

/** A stall this long means the network is gone rather than slow: say so and offer a retry. */
const NETWORK_LOSS_STALL_MS = 8000;
/** Before the first frame, allow more (a slow first segment on a shaped link is not a loss). */
const NETWORK_LOSS_STARTUP_MS = 20000;

type TitleLoad = { kind: 'loading' } | { kind: 'error'; title: string; message: string } | { kind: 'ok'; title: TitleJson };

export function WatchPage() {
  const { id = '' } = useParams();
  const [search, setSearch] = useSearchParams();
  const [load, setLoad] = useState<TitleLoad>({ kind: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const retry = useCallback(() => setAttempt((n) => n + 1), []);

  useEffect(() => {
    const ac = new AbortController();
    setLoad({ kind: 'loading' });
    fetchTitle(id, ac.signal)
      .then((title) => {
        setLoad({ kind: 'ok', title });
        document.title = `${title.title || title.id} · ABR Stack`;
      })
      .catch((err: Error) => {
        if (err.name === 'AbortError') return;
        if (err instanceof ApiError && err.status === 404) {
          setLoad({ kind: 'error', title: 'Title not found', message: `There is no title "${id}" in the catalogue.` });
        } else {
          setLoad({ kind: 'error', title: 'Could not load the title', message: err.message });
        }
      });
    return () => ac.abort();
  }, [id, attempt]);

  // Engine switch keeps the position: it reloads with ?engine= and ?t= set.
  const switchEngine = useCallback(
    (engine: EngineKind, atSec: number, quality: number | 'auto') => {
      const next = new URLSearchParams(search);
      next.set('engine', engine);
      if (atSec > 0) next.set('t', atSec.toFixed(1));
      // Carry the current pin (or Auto) over, not the quality the page was first opened with.
      if (quality === 'auto') next.delete('quality');
      else next.set('quality', String(quality));
      setSearch(next);
    },
    [search, setSearch],
  );

  if (load.kind === 'loading') return <p className="muted">Loading…</p>;
  if (load.kind === 'error') return <ErrorPanel title={load.title} message={load.message} onRetry={retry} backLink />;
  return <Player key={`${id}|${search.toString()}|${attempt}`} title={load.title} search={search} onSwitchEngine={switchEngine} />;
}

function Player(props: {
  title: TitleJson;
  search: URLSearchParams;
  onSwitchEngine: (e: EngineKind, at: number, quality: number | 'auto') => void;
}) {
  const { title, search } = props;
  const params = useMemo(() => parseWatchParams(search), [search]);
  const videoRef = useRef<HTMLVideoElement>(null);
  const shellRef = useRef<HTMLDivElement>(null);
  const [session, setSession] = useState<PlaybackSession | null>(null);
  const [fatal, setFatal] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [showStats, setShowStats] = useState(search.get('stats') === '1');
  const [offline, setOffline] = useState(typeof navigator !== 'undefined' && navigator.onLine === false);

  useEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    setFatal(null);
    const s = new PlaybackSession(video, title, params, search, (msg) => setFatal(msg));
    setSession(s);
    s.start().catch((err: Error) => setFatal(err.message));
    return () => {
      void s.destroy();
    };
  }, [title, params, search, attempt]);

  useEffect(() => {
    const off = () => setOffline(true);
    const on = () => setOffline(false);
    window.addEventListener('offline', off);
    window.addEventListener('online', on);
    return () => {
      window.removeEventListener('offline', off);
      window.removeEventListener('online', on);
    };
  }, []);

  useTick(500);
  const started = !!session?.collector.state.ready;
  const stalledMs = session ? session.collector.noProgressMs(performance.now()) : 0;
  const networkLost = !fatal && (offline || stalledMs >= (started ? NETWORK_LOSS_STALL_MS : NETWORK_LOSS_STARTUP_MS));

  const retry = useCallback(() => {
    // Resume where playback stopped.
    const t = videoRef.current?.currentTime ?? 0;
    if (t > 0) params.startSec = t;
    setAttempt((n) => n + 1);
  }, [params]);

  return (
    <section className="watch">
      <h1 className="watch-title">{title.title || title.id}</h1>
      <div className="player-shell" ref={shellRef}>
        <video
          ref={videoRef}
          data-testid="video"
          playsInline
          poster={`/media/${encodeURIComponent(title.id)}/${title.poster}`}
          onClick={() => {
            const v = videoRef.current;
            if (v) (v.paused ? v.play() : (v.pause(), Promise.resolve())).catch(() => undefined);
          }}
        />
        {networkLost && (
          <div className="overlay">
            <ErrorPanel
              title="Connection problem"
              message={
                offline
                  ? 'You are offline. Playback resumes when the network is back.'
                  : `No video data for ${Math.round(stalledMs / 1000)} s: the network or the server looks unreachable. Still retrying…`
              }
              onRetry={retry}
            />
          </div>
        )}
        {started && stalledMs > 300 && !networkLost && !fatal && <div className="spinner" aria-label="Buffering" />}
        {fatal && (
          <div className="overlay">
            <ErrorPanel title="Playback failed" message={fatal} onRetry={retry} />
          </div>
        )}
        {session && videoRef.current && (
          <Controls
            session={session}
            video={videoRef.current}
            shell={shellRef}
            title={title}
            engine={params.engine}
            onSwitchEngine={(e) => {
              const st = session.collector.state;
              props.onSwitchEngine(e, videoRef.current?.currentTime ?? 0, st.auto ? 'auto' : (st.selectedRung ?? 'auto'));
            }}
            statsOpen={showStats}
            onToggleStats={() => setShowStats((v) => !v)}
          />
        )}
      </div>
      {showStats && session && <StatsPanel session={session} />}
    </section>
  );
}
