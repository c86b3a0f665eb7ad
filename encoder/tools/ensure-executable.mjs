// Runs at `npm install` (postinstall). npm 11 does not run the postinstall scripts of
// dependencies unless they are approved, and @ffprobe-installer ships its binary as 0744,
// so a non-root user could not execute it. Make both binaries 0755 here.
import { chmodSync, existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
for (const pkg of ['@ffmpeg-installer/ffmpeg', '@ffprobe-installer/ffprobe']) {
  try {
    const { path } = require(pkg);
    if (path && existsSync(path) && (statSync(path).mode & 0o111) !== 0o111) {
      chmodSync(path, 0o755);
      console.log(`[postinstall] made ${path} executable`);
    }
  } catch (err) {
    // Not fatal: FFMPEG_PATH / FFPROBE_PATH may point at system binaries instead.
    console.warn(`[postinstall] could not prepare ${pkg}: ${err instanceof Error ? err.message : err}`);
  }
}
