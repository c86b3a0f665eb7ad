import { Link } from 'react-router-dom';

export function ErrorPanel(props: { title: string; message: string; onRetry?: () => void; backLink?: boolean }) {
  return (
    <div className="error-panel" data-testid="player-error" role="alert">
      <h2>{props.title}</h2>
      <p className="error-message">{props.message}</p>
      <div className="error-actions">
        {props.onRetry && (
          <button type="button" data-testid="player-retry" onClick={props.onRetry}>
            Retry
          </button>
        )}
        {props.backLink && <Link to="/">Back to the catalogue</Link>}
      </div>
    </div>
  );
}
