import { describe, expect, it } from 'vitest';
import { buildEncodeCommand, commandToArgv, gopFrames, type EncodePlan } from '../../encoder/ffmpeg/encode-command.ts';
import { chooseLadder } from '../../encoder/ladder/ladder.ts';

const rungs = chooseLadder({ displayWidth: 1920, displayHeight: 1080, frameRate: 30 });
const plan: EncodePlan = {
  input: 'in.mp4', videoStreamIndex: 0, audioStreamIndex: 1, rungs, frameRate: 30, segmentDurationSec: 4, preset: 'veryfast',
  audioBitrateBps: 128000, audioSamples: 480000, rawDir: 'stage/.raw',
  thumbnails: { intervalSec: 2, width: 160, height: 90, columns: 5, rows: 5, pattern: 'stage/thumbs/sprite-%03d.jpg' },
  poster: { atSec: 2.5, width: 1280, height: 720, file: 'stage/poster.jpg' },
};

describe('buildEncodeCommand (pure)', () => {
  const cmd = buildEncodeCommand(plan);
  const argv = commandToArgv(cmd);
  const after = (flag: string): string | undefined => argv[argv.indexOf(flag) + 1];

  it('decodes once: one input split to the top rung, sprites and poster; lower rungs scaled in a cascade', () => {
    expect(cmd.inputs).toHaveLength(1);
    expect(argv.filter((a) => a === '-i')).toHaveLength(1);
    expect(cmd.filterComplex).toMatch(/^\[0:0\]split=3\[s0\]\[s1\]\[s2\]/);
    const chains = cmd.filterComplex.split(';');
    const byHeight = rungs.map((r, i) => ({ r, i })).sort((a, b) => b.r.height - a.r.height);
    byHeight.forEach(({ r, i }, k) => {
      // Each rung is scaled exactly once, the top one from the source, every other from the rung above.
      const own = chains.filter((c) => c.includes(`scale=${r.width}:${r.height}:`));
      expect(own).toHaveLength(1);
      const from = k === 0 ? '[s0]' : `[c${byHeight[k - 1]!.i}]`;
      expect(own[0]!.startsWith(from)).toBe(true);
      expect(own[0]).toContain(`[v${i}]`);
    });
    expect(cmd.filterComplex).toContain('tile=5x5[thumbs]');
    expect(cmd.filterComplex).toContain("gte(t\\,2.500)");
  });

  it('forces aligned keyframes at segment boundaries with closed GOPs and no scene-cut keyframes', () => {
    expect(after('-force_key_frames')).toBe('expr:gte(t,n_forced*4)');
    expect(after('-sc_threshold')).toBe('0');
    expect(after('-flags')).toBe('+cgop');
    expect(after('-g')).toBe(String(gopFrames(30, 4)));
    expect(after('-profile:v')).toBe('high');
  });

  it('sets capped VBR per rung and AAC-LC stereo 48 kHz fitted to the picture length', () => {
    rungs.forEach((r, i) => {
      expect(after(`-b:v:${i}`)).toBe(String(r.targetBitrateBps));
      expect(after(`-maxrate:v:${i}`)).toBe(String(r.maxrateBps));
      expect(after(`-bufsize:v:${i}`)).toBe(String(r.bufsizeBits));
    });
    expect(after('-c:a')).toBe('aac');
    expect(after('-ar')).toBe('48000');
    expect(after('-ac')).toBe('2');
    expect(cmd.filterComplex).toContain('[0:1]aresample=48000:async=1:first_pts=0,apad=whole_len=480000,atrim=end_sample=480000[aout]');
  });

  it('writes one shared fMP4 segment set through the DASH muxer', () => {
    expect(after('-f')).toBe('dash');
    expect(after('-seg_duration')).toBe('4');
    expect(after('-adaptation_sets')).toBe('id=0,streams=v id=1,streams=a');
    expect(cmd.outputs[0]!.target).toBe('stage/.raw/ffmpeg.mpd');
  });

  it('leaves audio out entirely for a silent source', () => {
    const silent = commandToArgv(buildEncodeCommand({ ...plan, audioStreamIndex: null }));
    expect(silent).not.toContain('-c:a');
    expect(silent[silent.indexOf('-adaptation_sets') + 1]).toBe('id=0,streams=v');
  });

  it('limits the source duration on the input side for tests and benches', () => {
    const limited = buildEncodeCommand({ ...plan, durationLimitSec: 3 });
    expect(limited.inputs[0]!.options).toEqual(['-t', '3']);
  });
});
