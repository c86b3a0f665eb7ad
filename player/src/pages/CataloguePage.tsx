import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import type { TitleJson } from '../../../encoder/catalog/title-json.ts';
import { fetchTitles } from '../api/client.ts';
import { mediaUrl } from '../api/urls.ts';
import { ErrorPanel } from '../components/ErrorPanel.tsx';
import { formatTime, qualityLabel } from '../format.ts';

type Load = { kind: 'loading' } | { kind: 'error'; message: string } | { kind: 'ok'; titles: TitleJson[] };

export function CataloguePage() {
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const retry = useCallback(() => setAttempt((n) => n + 1), []);

  useEffect(() => {
    const ac = new AbortController();
    setLoad({ kind: 'loading' });
    fetchTitles(ac.signal)
      .then((titles) => setLoad({ kind: 'ok', titles }))
      .catch((err: Error) => {
        if (err.name !== 'AbortError') setLoad({ kind: 'error', message: err.message });
      });
    return () => ac.abort();
  }, [attempt]);

  useEffect(() => {
    document.title = 'Catalogue · ABR Stack';
  }, []);

  if (load.kind === 'loading') return <p className="muted">Loading the catalogue…</p>;
  if (load.kind === 'error') return <ErrorPanel title="Could not load the catalogue" message={load.message} onRetry={retry} />;
  if (load.titles.length === 0) {
    return (
      <section className="empty" data-testid="catalogue-empty">
        <h2>No titles yet</h2>
        <p>Encode a video and it shows up here:</p>
        <pre>npm run encode -- path/to/video.mp4</pre>
        <p>or generate a synthetic demo title:</p>
        <pre>npm run encode -- --demo</pre>
        <p className="muted">Then reload this page.</p>
      </section>
    );
  }
  return (
    <section>
      <h1>Catalogue</h1>
      <ul className="grid">
        {load.titles.map((t) => {
          const top = t.renditions[t.renditions.length - 1];
          return (
            <li key={t.id}>
              <Link to={`/watch/${encodeURIComponent(t.id)}`} className="card" data-testid="title-card">
                <div className="poster">
                  {t.poster ? <img src={mediaUrl(t.id, t.poster)} alt="" loading="lazy" /> : null}
                  {top && <span className="badge">{qualityLabel(top.height, top.width)}</span>}
                  <span className="duration">{formatTime(t.durationSec)}</span>
                </div>
                <div className="card-title">{t.title || t.id}</div>
              </Link>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
