/**
 * Programmatic API of the encoder (used by the CLI, tests, fixtures and benchmarks).
 */
import { runFfmpeg } from './ffmpeg/run-ffmpeg.ts';
import { demoSourceCommand, type DemoSourceOptions } from './source/demo-source.ts';
import type { EncodeProgress } from './progress/progress-event.ts';

export { encodeTitle, DEFAULTS, type EncodeOptions } from './encode-title.ts';
export { EncodeError, isEncodeError } from './errors.ts';
export type { EncodeProgress } from './progress/progress-event.ts';
export type { TitleJson, VideoRendition, AudioRendition, SourceFacts } from './catalog/title-json.ts';
export { chooseLadder, STANDARD_LADDER } from './ladder/ladder.ts';
export { binaries } from './ffmpeg/binaries.ts';

/** Write a synthetic source (lavfi: moving picture + tone) to outFile, e.g. for `--demo` or tests. */
export async function makeDemoSource(
  outFile: string,
  options: DemoSourceOptions,
  extra: { onProgress?: (p: Pick<EncodeProgress, 'processedSec' | 'durationSec' | 'fps'>) => void; signal?: AbortSignal } = {},
): Promise<string> {
  await runFfmpeg(demoSourceCommand(outFile, options), {
    ...(extra.signal ? { signal: extra.signal } : {}),
    onProgress: (p) => extra.onProgress?.({ processedSec: p.processedSec, durationSec: options.durationSec, fps: p.fps }),
  });
  return outFile;
}
