import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

const here = fileURLToPath(new URL('.', import.meta.url));

// One config for the player app (Vite, root player/) and the unit tests (Vitest, root = repo).
export default defineConfig({
  root: `${here}player`,
  plugins: [react()],
  build: {
    outDir: `${here}dist/player`,
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 2048,
  },
  server: {
    // `npm run dev:player` proxies the API and media to a running `npm start`.
    proxy: {
      '/api': 'http://127.0.0.1:8080',
      '/media': 'http://127.0.0.1:8080',
    },
  },
  test: {
    root: here,
    include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'],
    exclude: ['tests/e2e/**', 'node_modules/**'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Encodes are CPU-bound and the machine has 2 cores: run test files one at a time per worker pair.
    maxWorkers: 2,
  },
});
