import { BrowserRouter, Link, Route, Routes } from 'react-router-dom';
import { CataloguePage } from '../pages/CataloguePage.tsx';
import { WatchPage } from '../pages/WatchPage.tsx';
import { NotFound } from '../pages/NotFound.tsx';
import { ErrorBoundary } from '../components/ErrorBoundary.tsx';

export function App() {
  return (
    <BrowserRouter>
      <header className="topbar">
        <Link to="/" className="brand">
          ▶ ABR Stack
        </Link>
      </header>
      <main className="content">
        <ErrorBoundary>
          <Routes>
            <Route path="/" element={<CataloguePage />} />
            <Route path="/watch/:id" element={<WatchPage />} />
            <Route path="*" element={<NotFound />} />
          </Routes>
        </ErrorBoundary>
      </main>
    </BrowserRouter>
  );
}
