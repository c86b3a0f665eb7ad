import { existsSync } from 'node:fs';

/**
 * Which Chromium to drive. Playwright cannot download browsers on every machine we run on, so:
 * CHROMIUM_PATH, else Debian's /usr/bin/chromium when present, else undefined (= Playwright's own build).
 */
export function chromiumExecutable(): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return fromEnv;
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  return undefined;
}

export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Muted autoplay must start without a user gesture, headless or not.
  '--autoplay-policy=no-user-gesture-required',
  // Timers and media keep running even when the (headless) window is considered hidden.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];
