import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** Everything the e2e run produces outside test-results/ (cleaned by Playwright): git-ignored. */
export const E2E_CACHE = path.join(REPO_ROOT, '.cache');
export const E2E_MEDIA_DIR = path.join(E2E_CACHE, 'e2e-media');
export const E2E_RUN_DIR = path.join(E2E_CACHE, 'e2e-run');
export const STATE_FILE = path.join(E2E_RUN_DIR, 'state.json');
export const SERVER_LOG = path.join(E2E_RUN_DIR, 'server.log');
export const RESULTS_JSON = path.join(REPO_ROOT, 'test-results', 'abr-comparison.json');

/** ../shared next to the checkout, or null on a fresh clone without it. */
export function sharedDir(): string | null {
  // E2E_NO_SHARED=1 rehearses a fresh clone without ../shared (fallback clip and trace).
  if (process.env.E2E_NO_SHARED === '1') return null;
  const dir = process.env.E2E_SHARED_DIR ?? path.resolve(REPO_ROOT, '..', 'shared');
  return existsSync(dir) ? dir : null;
}

export interface TitleInfo {
  id: string;
  /** Ladder as encoded (low → high). */
  rungs: Array<{ height: number; width: number; bandwidthBps: number; avgBps: number }>;
  segmentDurationSec: number;
  durationSec: number;
  source: string;
}

/** What the global set-up hands to the tests (also in env vars for the workers). */
export interface E2EState {
  originUrl: string;
  steeringUrl: string;
  edges: Array<{ id: string; url: string }>;
  mediaDir: string;
  serverLog: string;
  /** Title for plays/seek/edge/origin scenarios (real clip when available). */
  clip: TitleInfo;
  /** Title for the ABR drop/recovery/trace scenarios (enough rungs spanning ~0.3 → ≥1 Mbit/s). */
  abr: TitleInfo;
  /** A title whose HLS/DASH manifests are corrupted on purpose. */
  brokenId: string;
  trace: { name: string; source: string; fallback: boolean };
  fallbacks: string[];
}

export function readState(): E2EState {
  if (!existsSync(STATE_FILE)) throw new Error(`e2e state missing (${STATE_FILE}): did the global set-up run?`);
  return JSON.parse(readFileSync(STATE_FILE, 'utf8')) as E2EState;
}
