/**
 * Pure: choose the rungs of the ladder for a source. Rungs are named after the short
 * side of the picture ("720p" = 1280x720 landscape or 720x1280 portrait), never exceed
 * the source's short side (no upscaling), keep the display aspect ratio (SAR and rotation
 * already applied by the caller) and have even dimensions as H.264 4:2:0 requires.
 * Bitrates follow the spirit of Apple's HLS authoring guide for 30 fps H.264.
 */
export interface LadderRungSpec {
  /** Short-side size in pixels, e.g. 720. */
  p: number;
  targetKbps: number;
}

export const STANDARD_LADDER: readonly LadderRungSpec[] = [
  { p: 240, targetKbps: 300 },
  { p: 360, targetKbps: 730 },
  { p: 480, targetKbps: 1400 },
  { p: 720, targetKbps: 3000 },
  { p: 1080, targetKbps: 6000 },
  { p: 1440, targetKbps: 9000 },
  { p: 2160, targetKbps: 14000 },
];

export interface Rung {
  id: string; // "v720p"
  label: string; // "720p"
  width: number;
  height: number;
  targetBitrateBps: number;
  /** Capped VBR: x264 -maxrate / -bufsize. */
  maxrateBps: number;
  bufsizeBits: number;
}

export interface LadderInput {
  /** Display size after SAR and rotation. */
  displayWidth: number;
  displayHeight: number;
  frameRate: number;
  /** Highest rung to produce (short side), e.g. 2160. */
  maxHeight?: number;
}

const even = (n: number): number => Math.max(2, 2 * Math.round(n / 2));
const evenDown = (n: number): number => Math.max(2, 2 * Math.floor(n / 2));

export function chooseLadder(input: LadderInput, ladder: readonly LadderRungSpec[] = STANDARD_LADDER): Rung[] {
  const { displayWidth, displayHeight } = input;
  if (!(displayWidth > 0 && displayHeight > 0)) throw new Error(`invalid display size ${displayWidth}x${displayHeight}`);
  const portrait = displayHeight > displayWidth;
  const shortSide = Math.min(displayWidth, displayHeight);
  const aspect = displayWidth / displayHeight;
  const cap = Math.min(shortSide, input.maxHeight ?? Infinity);
  // Higher frame rates need more bits for the same quality; Apple's guide uses ~1.5x at 60 fps.
  const fpsFactor = input.frameRate > 40 ? 1.5 : 1;

  const chosen = ladder.filter((r) => r.p <= cap);
  const rungs: Rung[] = chosen.map((spec) => {
    const width = portrait ? even(spec.p) : even(spec.p * aspect);
    const height = portrait ? even(spec.p / aspect) : even(spec.p);
    return makeRung(`${spec.p}p`, width, height, spec.targetKbps * fpsFactor);
  });

  if (rungs.length === 0) {
    // Source smaller than the lowest rung: keep its own size (never upscale) but still produce one rung.
    const lowest = ladder[0];
    if (!lowest) throw new Error('empty ladder');
    const width = evenDown(displayWidth);
    const height = evenDown(displayHeight);
    const p = Math.min(width, height);
    const scale = (width * height) / ((lowest.p * (portrait ? 1 / aspect : aspect)) * lowest.p);
    return [makeRung(`${p}p`, width, height, Math.max(100, lowest.targetKbps * Math.min(1, scale)) * fpsFactor)];
  }
  return rungs;
}

function makeRung(label: string, width: number, height: number, targetKbps: number): Rung {
  const target = Math.round(targetKbps) * 1000;
  return {
    id: `v${label}`,
    label,
    width,
    height,
    targetBitrateBps: target,
    // Peaks at most 1.5x the average; a two-second VBV keeps segment peaks bounded.
    maxrateBps: Math.round(target * 1.5),
    bufsizeBits: Math.round(target * 2),
  };
}
