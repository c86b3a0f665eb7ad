/**
 * Global set-up of the e2e suite:
 *  1. snapshot the built player (or build it when dist/player is missing or stale) for the stack to serve;
 *  2. encode the test titles into .cache/e2e-media through the encoder fixture (cached across runs);
 *  3. write a deliberately broken title next to them;
 *  4. start the real stack (origin + 3 edges + steering) on ephemeral ports in a child process;
 *  5. hand URLs and title facts to the tests (state file + env vars). Returns the teardown.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FullConfig } from '@playwright/test';
import type { TitleJson } from '../../encoder/catalog/title-json.ts';
import {
  E2E_MEDIA_DIR,
  E2E_RUN_DIR,
  REPO_ROOT,
  SERVER_LOG,
  STATE_FILE,
  sharedDir,
  type E2EState,
  type TitleInfo,
} from './helpers/paths.ts';
import { startStackProcess } from './helpers/stack-process.ts';
import { suiteTrace } from './helpers/traces.ts';

export const CLIP_SAMPLE = 'tears_of_steel_battle_800x332_24fps_70s_vp8_vorbis.webm';
const SEGMENT_SEC = 2;

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * The player the stack serves during the run: a private snapshot in .cache/e2e-run/player, so a concurrent
 * `vite build` (which empties dist/player) cannot pull the page from under a running test. Copied from
 * dist/player when that is up to date (npm test builds first), else built straight into the snapshot.
 */
function preparePlayer(): string {
  const dist = path.join(REPO_ROOT, 'dist/player');
  // Not under .cache/: express's sendFile refuses paths with a dot-directory (SPA fallback would 404).
  const snap = path.join(REPO_ROOT, 'test-results', 'e2e-player');
  const index = path.join(dist, 'index.html');
  const src = path.join(REPO_ROOT, 'player');
  rmSync(snap, { recursive: true, force: true });
  if (existsSync(index) && statSync(index).mtimeMs >= newestMtime(src)) {
    cpSync(dist, snap, { recursive: true });
    return snap;
  }
  console.log('[e2e] dist/player missing or older than player/: building the player for this run');
  execFileSync(
    process.execPath,
    [path.join(REPO_ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn', '--outDir', snap, '--emptyOutDir'],
    { cwd: REPO_ROOT, stdio: 'inherit' },
  );
  return snap;
}

function info(t: TitleJson, source: string): TitleInfo {
  return {
    id: t.id,
    rungs: t.renditions.map((r) => ({ height: r.height, width: r.width, bandwidthBps: r.bitratePeakBps, avgBps: r.bitrateAvgBps })),
    segmentDurationSec: t.segmentDurationSec,
    durationSec: t.durationSec,
    source,
  };
}

/** Enough of a ladder for drop (≤ ~0.8 Mbit/s) and recovery (≥ 1 Mbit/s) to mean something. */
function ladderFitsAbrScenarios(t: TitleJson): boolean {
  const r = t.renditions;
  if (r.length < 3) return false;
  return r[0]!.bitratePeakBps <= 700_000 && r[r.length - 1]!.bitratePeakBps >= 1_000_000;
}

/**
 * A full copy of a title (so the catalogue accepts it) whose manifests are garbage: the player must say so
 * clearly. Rewritten every run (cheap: the clip is a few MB).
 */
function writeBrokenTitle(from: TitleJson, id: string): void {
  const src = path.join(E2E_MEDIA_DIR, from.id);
  const dir = path.join(E2E_MEDIA_DIR, id);
  rmSync(dir, { recursive: true, force: true });
  cpSync(src, dir, { recursive: true });
  const title = { ...from, id, title: 'Broken manifest (e2e)' };
  writeFileSync(path.join(dir, 'title.json'), JSON.stringify(title, null, 2));
  writeFileSync(path.join(dir, from.hls), '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=oops,RESOLUTION=??\n\u0000\u0001garbage\n');
  writeFileSync(path.join(dir, from.dash), '<?xml version="1.0"?><MPD><Period><AdaptationSet><Representation');
}

export default async function globalSetup(_config: FullConfig): Promise<(() => Promise<void>) | undefined> {
  if (process.env.E2E_SETUP === 'none') {
    // Harness self-test only (`E2E_SETUP=none npx playwright test --project=harness`): no encode, no stack.
    console.log('[e2e] E2E_SETUP=none: skipping encode and stack start');
    return undefined;
  }
  const t0 = Date.now();
  const { ensureEncodedTitle, sharedSamplePath } = await import('../fixtures/encoded-title.ts');
  mkdirSync(E2E_RUN_DIR, { recursive: true });
  mkdirSync(E2E_MEDIA_DIR, { recursive: true });
  rmSync(SERVER_LOG, { force: true });
  const fallbacks: string[] = [];

  const playerDir = preparePlayer();

  // Titles. The real clip gives audio and motion; its ladder is low (source is 332p).
  const samplePath = process.env.E2E_NO_SHARED === '1' ? null : sharedSamplePath(CLIP_SAMPLE);
  let clip: TitleJson;
  let clipSource: string;
  if (samplePath) {
    clip = await ensureEncodedTitle({ mediaDir: E2E_MEDIA_DIR, id: 'e2e-clip', source: samplePath, durationSec: 40, segmentDurationSec: SEGMENT_SEC });
    clipSource = CLIP_SAMPLE;
  } else {
    const msg = `../shared/media-samples/${CLIP_SAMPLE} not found: using a generated (lavfi) clip instead`;
    console.log(`[e2e] ${msg}`);
    fallbacks.push(msg);
    clip = await ensureEncodedTitle({ mediaDir: E2E_MEDIA_DIR, id: 'e2e-clip', durationSec: 60, segmentDurationSec: SEGMENT_SEC });
    clipSource = 'lavfi';
  }
  let abr = clip;
  let abrSource = clipSource;
  if (!ladderFitsAbrScenarios(clip)) {
    console.log(
      `[e2e] ${clip.id} ladder ${clip.renditions.map((r) => `${r.height}p@${Math.round(r.bitratePeakBps / 1000)}k`).join(', ')}` +
        ' does not span ~0.3 → ≥1 Mbit/s in ≥3 rungs: also encoding a synthetic (lavfi) 480p title for the ABR scenarios',
    );
    // 60 s: the players keep 30 s ahead, and a drop must still find segments to fetch and a rung to show.
    abr = await ensureEncodedTitle({ mediaDir: E2E_MEDIA_DIR, id: 'e2e-abr', durationSec: 60, segmentDurationSec: SEGMENT_SEC });
    abrSource = 'lavfi 854x480';
  }
  writeBrokenTitle(clip, 'e2e-broken');

  // Trace for scenario 4: real HSDPA trace from ../shared, or a generated one.
  const shared = sharedDir();
  const { trace, fallback } = suiteTrace(shared);
  if (fallback) {
    const msg = '../shared/traces not found: trace replay uses a generated trace';
    console.log(`[e2e] ${msg}`);
    fallbacks.push(msg);
  }

  // Without ../shared the server's trace replay must fall back too (it looks in ../shared/traces/pensieve).
  if (fallback) process.env.TRACES_DIR = path.join(E2E_RUN_DIR, 'no-shared-traces');
  const stack = await startStackProcess(
    { mediaDir: E2E_MEDIA_DIR, host: '127.0.0.1', port: 0, edges: 3, servePlayer: true, playerDir, logLevel: 'info' },
    SERVER_LOG, // the stack logs (pino) to stdout; the child's stdout/stderr go here
  );

  const state: E2EState = {
    originUrl: stack.originUrl,
    steeringUrl: stack.steeringUrl,
    edges: stack.edges,
    mediaDir: E2E_MEDIA_DIR,
    serverLog: SERVER_LOG,
    clip: info(clip, clipSource),
    abr: info(abr, abrSource),
    brokenId: 'e2e-broken',
    trace: { name: trace.name, source: trace.source, fallback },
    fallbacks,
  };
  writeFileSync(STATE_FILE, JSON.stringify(state, null, 2));
  process.env.E2E_STATE_FILE = STATE_FILE;
  process.env.E2E_ORIGIN_URL = stack.originUrl;
  console.log(
    `[e2e] ready in ${((Date.now() - t0) / 1000).toFixed(1)} s: origin ${stack.originUrl}, ${stack.edges.length} edges; ` +
      `clip ${clip.id} (${state.clip.rungs.map((r) => r.height + 'p').join('/')}), abr ${abr.id} ` +
      `(${state.abr.rungs.map((r) => `${r.height}p@${Math.round(r.bandwidthBps / 1000)}k`).join('/')}), trace ${trace.name}`,
  );

  return async () => {
    await stack.stop();
  };
}
