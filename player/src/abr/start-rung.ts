/**
 * The first rung, before any segment was measured (hls.js #2361: always
 * starting at the lowest rung and jumping later looks bad and costs a switch).
 * From a quick estimate (manifest download, last session's estimate): the
 * highest rung whose bitrate fits in `safety` × estimate and whose first
 * segment would arrive within `maxStartupSec` at the estimated throughput.
 */

export interface StartRungInput {
  bitratesBps: readonly number[];
  estimateBps: number;
  /** Fraction of the estimate the start rung may use. */
  safety: number;
  segmentDurationSec: number;
  latencySec: number;
  /** Longest acceptable time to the first segment, s. */
  maxStartupSec: number;
  maxRung: number;
}

export function pickStartRung(s: StartRungInput): number {
  const top = Math.min(s.maxRung, s.bitratesBps.length - 1);
  if (!(s.estimateBps > 0)) return 0;
  const budget = s.estimateBps * s.safety;
  for (let r = top; r > 0; r--) {
    const b = s.bitratesBps[r] as number;
    const firstSegSec = s.latencySec + (b * s.segmentDurationSec) / s.estimateBps;
    if (b <= budget && firstSegSec <= s.maxStartupSec) return r;
  }
  return 0;
}
