import { createRoot } from 'react-dom/client';
import { App } from './app/App.tsx';
import './app/app.css';

const root = document.getElementById('root');
if (!root) throw new Error('#root missing from index.html');
// No StrictMode: its double-mounted effects would start every playback twice and skew startup times.
createRoot(root).render(<App />);
