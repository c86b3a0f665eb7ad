/**
 * The encode pipeline, one step per module:
 *   probe → ladder → one ffmpeg (decode once, split to all rungs, forced aligned keyframes,
 *   DASH muxer for one CMAF segment set, sprites, poster) → measure segments → write
 *   HLS + DASH from the measurements → title.json → verify → atomic publish.
 * Everything happens in a staging folder inside mediaDir; any failure or abort removes it.
 */
import { mkdir, rm, writeFile, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { TitleJson, VideoRendition, AudioRendition } from './catalog/title-json.ts';
import { EncodeError, isEncodeError } from './errors.ts';
import { probeSource } from './probe/probe.ts';
import { chooseLadder } from './ladder/ladder.ts';
import { buildEncodeCommand, type EncodePlan } from './ffmpeg/encode-command.ts';
import { runFfmpeg } from './ffmpeg/run-ffmpeg.ts';
import { measureAndPlaceTrack } from './analysis/measure-renditions.ts';
import type { MeasuredTitle, MeasuredTrack } from './manifests/model.ts';
import { writeMasterPlaylist, writeMediaPlaylist } from './manifests/hls/hls-playlists.ts';
import { writeMpd } from './manifests/dash/mpd.ts';
import { posterTime, spriteCount, thumbnailCount, thumbnailGeometry, writeThumbnailVtt } from './thumbnails/thumbnail-plan.ts';
import { cleanStaleStaging, createStaging, publishStaging, titleExists, validateTitleId } from './publish/staging.ts';
import { verifyTitle } from './publish/verify-title.ts';
import { encodeProgress, type EncodeProgress } from './progress/progress-event.ts';

export interface EncodeOptions {
  input: string;
  id: string;
  title?: string;
  /** Highest rung (short side), default 2160. */
  maxHeight?: number;
  /** Segment duration in seconds, default 4. */
  segmentDurationSec?: number;
  /** Folder holding titles, default "media". */
  mediaDir?: string;
  /** Replace an existing title of the same id (atomically). */
  force?: boolean;
  onProgress?: (p: EncodeProgress) => void;
  /** Non-fatal problems (e.g. a few undecodable frames). Default: one line on stderr. */
  onWarning?: (message: string) => void;
  /** Encode only the first N seconds of the source (tests, benchmarks). */
  durationLimitSec?: number;
  /** x264 preset, default "veryfast" (2-core friendly; "medium" for better quality). */
  preset?: string;
  audioBitrateBps?: number;
  /** Abort the encode (Ctrl-C): ffmpeg is killed and the staging folder removed. */
  signal?: AbortSignal;
}

export const DEFAULTS = { maxHeight: 2160, segmentDurationSec: 4, mediaDir: 'media', preset: 'veryfast', audioBitrateBps: 128_000 };

/** More undecodable frames than this share of the source means "corrupt", fewer means "warn and go on". */
const MAX_DECODE_ERROR_SHARE = 0.02;
const MIN_DECODE_ERRORS_TOLERATED = 10;

export async function encodeTitle(options: EncodeOptions): Promise<TitleJson> {
  const started = Date.now();
  const elapsed = (): number => (Date.now() - started) / 1000;
  const mediaDir = options.mediaDir ?? DEFAULTS.mediaDir;
  const segmentDurationSec = options.segmentDurationSec ?? DEFAULTS.segmentDurationSec;
  const maxHeight = options.maxHeight ?? DEFAULTS.maxHeight;
  const preset = options.preset ?? DEFAULTS.preset;
  const warn = options.onWarning ?? ((m: string) => process.stderr.write(`warning: ${m}\n`));
  // Packaging phases carry the encode's last speed/fps so a progress bar does not drop to zero.
  let lastEncode: EncodeProgress | null = null;
  const emit = (p: Partial<EncodeProgress> & Pick<EncodeProgress, 'phase' | 'percent'>, durationSec = 0): void =>
    options.onProgress?.({
      processedSec: lastEncode?.processedSec ?? 0,
      durationSec,
      speed: lastEncode?.speed ?? 0,
      fps: lastEncode?.fps ?? 0,
      etaSec: lastEncode ? 0 : null,
      elapsedSec: elapsed(),
      ...p,
    });

  validateTitleId(options.id);
  if (!(segmentDurationSec >= 1 && segmentDurationSec <= 20)) {
    throw new EncodeError(`--segment-duration ${segmentDurationSec}: use 1 to 20 seconds`, 'bad-option');
  }
  if (!(maxHeight >= 240)) throw new EncodeError(`--max-height ${maxHeight}: must be at least 240`, 'bad-option');
  if (options.signal?.aborted) throw new EncodeError('encode aborted', 'aborted');

  emit({ phase: 'probe', percent: 0 });
  const probed = await probeSource(options.input);
  if (!options.force && (await titleExists(mediaDir, options.id))) {
    throw new EncodeError(`${join(mediaDir, options.id)} already exists; pass --force to replace it`, 'exists');
  }
  await mkdir(mediaDir, { recursive: true });
  await cleanStaleStaging(mediaDir);

  const facts = probed.facts;
  const durationSec = Math.min(facts.durationSec, options.durationLimitSec ?? Infinity);
  const rungs = chooseLadder({ displayWidth: probed.displayWidth, displayHeight: probed.displayHeight, frameRate: facts.frameRate, maxHeight });
  const aspect = probed.displayWidth / probed.displayHeight;
  const thumbs = thumbnailGeometry(durationSec, aspect);
  const posterRung = [...rungs].reverse().find((r) => Math.min(r.width, r.height) <= 720) ?? rungs[0]!;

  const staging = await createStaging(mediaDir, options.id);
  // Last resort for a library caller whose process exits mid-encode; the CLI also handles signals.
  const exitHook = (): void => staging.discardSync();
  process.once('exit', exitHook);
  try {
    const rawDir = join(staging.dir, '.raw');
    await mkdir(rawDir);
    await mkdir(join(staging.dir, 'thumbs'));
    const plan: EncodePlan = {
      input: resolve(options.input), // absolute: "a:b.mp4" must not look like a protocol to ffmpeg
      videoStreamIndex: probed.videoStreamIndex,
      audioStreamIndex: probed.audioStreamIndex,
      ...(options.durationLimitSec !== undefined ? { durationLimitSec: options.durationLimitSec } : {}),
      rungs,
      frameRate: facts.frameRate,
      segmentDurationSec,
      preset,
      audioBitrateBps: options.audioBitrateBps ?? DEFAULTS.audioBitrateBps,
      audioSamples: Math.round(durationSec * 48000),
      rawDir,
      thumbnails: { ...thumbs, pattern: join(staging.dir, 'thumbs', 'sprite-%03d.jpg') },
      poster: { atSec: posterTime(durationSec), width: posterRung.width, height: posterRung.height, file: join(staging.dir, 'poster.jpg') },
    };
    const encodeStarted = Date.now();
    let result;
    try {
      result = await runFfmpeg(buildEncodeCommand(plan), {
        ...(options.signal ? { signal: options.signal } : {}),
        onProgress: (p) => {
          const encodeElapsed = (Date.now() - encodeStarted) / 1000;
          // ffmpeg's own fps field is rounded to whole numbers below 10 fps: derive it from the frame count.
          const fps = p.frames > 0 && encodeElapsed > 0 ? p.frames / encodeElapsed : p.fps;
          const ev = encodeProgress(p.processedSec, durationSec, encodeElapsed, fps);
          lastEncode = { ...ev, elapsedSec: elapsed() };
          options.onProgress?.(lastEncode);
        },
      });
    } catch (err) {
      if (options.signal?.aborted) throw new EncodeError(`encode of ${options.input} aborted; nothing was published`, 'aborted');
      const tail = ((err as { stderrTail?: string[] }).stderrTail ?? []).filter((l) => !/^\s*(frame=|size=)/.test(l));
      const reason = tail.filter((l) => /error|invalid|corrupt|failed/i.test(l)).pop() ?? tail.pop() ?? (err as Error).message;
      throw new EncodeError(`${options.input}: could not be decoded (${reason.trim()}); the file may be truncated or corrupt`, 'corrupt');
    }

    const expectedFrames = Math.max(1, durationSec * facts.frameRate);
    if (result.decodeErrors > Math.max(MIN_DECODE_ERRORS_TOLERATED, expectedFrames * MAX_DECODE_ERROR_SHARE)) {
      throw new EncodeError(
        `${options.input}: truncated or corrupt mid-way (${result.decodeErrors} decoding errors, e.g. "${result.decodeErrorSamples[0] ?? ''}")`,
        'corrupt',
      );
    }
    if (result.decodeErrors > 0) {
      warn(`${options.input}: ${result.decodeErrors} decoding error(s) (a few undecodable frames); encoded anyway`);
    }

    emit({ phase: 'package', percent: 98.5 }, durationSec);
    const video: MeasuredTrack[] = [];
    for (const [i, rung] of rungs.entries()) {
      video.push(await measureAndPlaceTrack(rawDir, staging.dir, { streamIndex: i, id: rung.id, frameRate: facts.frameRate }));
    }
    const audio = probed.audioStreamIndex !== null ? await measureAndPlaceTrack(rawDir, staging.dir, { streamIndex: rungs.length, id: 'audio' }) : null;
    await rm(rawDir, { recursive: true, force: true });

    const encodedSec = Math.max(...video.map((v) => v.segments.reduce((a, s) => a + s.durationSec, 0)));
    if (encodedSec < durationSec - Math.max(segmentDurationSec, 1)) {
      throw new EncodeError(
        `${options.input}: truncated or corrupt (only ${encodedSec.toFixed(1)} s of ${durationSec.toFixed(1)} s could be decoded)`,
        'truncated',
      );
    }

    const measured: MeasuredTitle = { durationSec: encodedSec, segmentDurationSec, video, audio };
    for (const track of [...video, ...(audio ? [audio] : [])]) {
      await writeFile(join(staging.dir, track.playlist), writeMediaPlaylist(track));
    }
    await writeFile(join(staging.dir, 'master.m3u8'), writeMasterPlaylist(measured));
    await writeFile(join(staging.dir, 'manifest.mpd'), writeMpd(measured));

    const sprites = (await readdir(join(staging.dir, 'thumbs'))).filter((f) => f.endsWith('.jpg')).sort().map((f) => `thumbs/${f}`);
    const expectedSprites = spriteCount(thumbnailCount(encodedSec, thumbs.intervalSec), thumbs);
    let thumbnails: TitleJson['thumbnails'] = null;
    if (sprites.length > 0) {
      if (sprites.length < expectedSprites) warn(`only ${sprites.length} of ${expectedSprites} thumbnail sprites were produced`);
      await writeFile(join(staging.dir, 'thumbnails.vtt'), writeThumbnailVtt(encodedSec, thumbs, sprites));
      thumbnails = { vtt: 'thumbnails.vtt', sprites, intervalSec: thumbs.intervalSec, width: thumbs.width, height: thumbs.height };
    } else {
      warn('no thumbnail sprites were produced; the title has no trick-play thumbnails');
    }

    const title: TitleJson = {
      id: options.id,
      title: options.title ?? options.id,
      durationSec: round3(encodedSec),
      source: facts,
      renditions: video.map((v, i) => toVideoRendition(v, rungs[i]!.targetBitrateBps)),
      audio: audio ? toAudioRendition(audio) : null,
      segmentDurationSec,
      hls: 'master.m3u8',
      dash: 'manifest.mpd',
      poster: 'poster.jpg',
      thumbnails,
      createdAt: new Date().toISOString(),
      encoder: {
        tool: 'abr-stack encoder',
        videoCodec: 'libx264',
        profile: 'high',
        preset,
        rateControl: 'capped VBR',
        audioCodec: audio ? 'aac' : null,
        audioBitrateBps: audio ? (options.audioBitrateBps ?? DEFAULTS.audioBitrateBps) : null,
        segmentDurationSec,
        maxHeight,
        keyframesEverySec: segmentDurationSec,
        durationLimitSec: options.durationLimitSec ?? null,
        ladder: rungs.map((r) => ({ id: r.id, width: r.width, height: r.height, targetBitrateBps: r.targetBitrateBps, maxrateBps: r.maxrateBps, bufsizeBits: r.bufsizeBits })),
        decodeErrors: result.decodeErrors,
        encodeWallSec: round3((Date.now() - encodeStarted) / 1000),
      },
    };
    await writeFile(join(staging.dir, 'title.json'), `${JSON.stringify(title, null, 2)}\n`);

    emit({ phase: 'verify', percent: 99 }, durationSec);
    try {
      await verifyTitle(staging.dir, title, durationSec);
    } catch (err) {
      throw new EncodeError(`${options.input}: encoded result is invalid, nothing published (${(err as Error).message})`, 'invalid-output');
    }
    if (options.signal?.aborted) throw new EncodeError(`encode of ${options.input} aborted; nothing was published`, 'aborted');
    emit({ phase: 'publish', percent: 99.5 }, durationSec);
    await publishStaging(staging.dir, mediaDir, options.id, options.force ?? false);
    emit({ phase: 'done', percent: 100, processedSec: durationSec }, durationSec);
    return title;
  } catch (err) {
    if (!isEncodeError(err) && options.signal?.aborted) throw new EncodeError(`encode of ${options.input} aborted; nothing was published`, 'aborted');
    throw err;
  } finally {
    process.removeListener('exit', exitHook);
    await staging.discard();
  }
}

const round3 = (n: number): number => Math.round(n * 1000) / 1000;

function toVideoRendition(v: MeasuredTrack, targetBitrateBps: number): VideoRendition {
  return {
    id: v.id,
    width: v.width ?? 0,
    height: v.height ?? 0,
    bitratePeakBps: v.peakBps,
    bitrateAvgBps: v.avgBps,
    targetBitrateBps,
    codecs: v.codecs,
    frameRate: v.frameRate ?? 0,
    playlist: v.playlist,
    init: v.init,
    segments: v.segments.map((s) => ({ file: s.file, durationSec: round6(s.durationSec), bytes: s.bytes })),
  };
}

function toAudioRendition(a: MeasuredTrack): AudioRendition {
  return {
    id: a.id,
    codecs: a.codecs,
    bitratePeakBps: a.peakBps,
    bitrateAvgBps: a.avgBps,
    channels: a.channels ?? 2,
    sampleRate: a.sampleRate ?? 48000,
    language: 'und',
    playlist: a.playlist,
    init: a.init,
    segments: a.segments.map((s) => ({ file: s.file, durationSec: round6(s.durationSec), bytes: s.bytes })),
  };
}

const round6 = (n: number): number => Math.round(n * 1e6) / 1e6;
