import { ErrorPanel } from '../components/ErrorPanel.tsx';

export function NotFound() {
  return <ErrorPanel title="Page not found" message={`Nothing lives at ${location.pathname}.`} backLink />;
}
