import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumExecutable } from './tests/e2e/helpers/browser.ts';

/**
 * The throttled-network suite (issue 5): real Chromium, the real stack on 127.0.0.1, both engines.
 * One worker: the machine has 2 cores, and timing-sensitive ABR scenarios must not compete with each other.
 * `npx playwright test --project=hls -g drop` runs a single scenario.
 */
export default defineConfig<{ engine: 'hls' | 'shaka' }>({
  testDir: './tests/e2e',
  testMatch: '**/*.spec.ts',
  outputDir: './test-results/e2e',
  globalSetup: './tests/e2e/global-setup.ts',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['./tests/e2e/helpers/comparison-reporter.ts']],
  use: {
    headless: true,
    viewport: { width: 1280, height: 720 },
    screenshot: 'only-on-failure',
    trace: 'off',
    video: 'off',
    launchOptions: {
      executablePath: chromiumExecutable(),
      args: [...CHROMIUM_ARGS],
    },
  },
  projects: [
    { name: 'harness', testMatch: 'harness.spec.ts' },
    { name: 'hls', testIgnore: 'harness.spec.ts', use: { engine: 'hls' } },
    { name: 'shaka', testIgnore: 'harness.spec.ts', use: { engine: 'shaka' } },
  ],
});
