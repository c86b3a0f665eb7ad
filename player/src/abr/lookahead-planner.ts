/**
 * Model-predictive choice of the next rung: simulate the buffer over the next
 * `horizon` segments for every sequence of rungs, score each sequence with the
 * QoE the lab measures (bitrate utility − rebuffer penalty − switch penalty)
 * and keep the first rung of the best one (MPC, Yin et al. SIGCOMM'15).
 *
 * Only what a player knows is used: declared rung bitrates (segment size is
 * estimated as bitrate × duration), the predicted throughput and latency,
 * the buffer level and the rung of the last segment.
 * Pure and allocation-light: it runs before every segment request.
 */

export interface PlanInput {
  /** Bits per second of each rung, ascending. */
  bitratesBps: readonly number[];
  /** Estimated size of a segment of each rung, bits. */
  segmentBits: readonly number[];
  segmentDurationSec: number;
  bufferSec: number;
  /** Buffer goal: above it the player waits instead of downloading. */
  maxBufferSec: number;
  throughputBps: number;
  /**
   * Several equally likely throughputs (bits/s), each assumed for the whole
   * horizon; the plan maximises the expected score over them (scenario MPC).
   * Overrides throughputBps when given.
   */
  throughputScenarios?: readonly number[];
  latencySec: number;
  /** Rung of the previous segment (for the switch penalty); -1 if none. */
  lastRung: number;
  horizon: number;
  /** Highest rung allowed. */
  maxRung: number;
  /** Utility of each rung (same scale as penalties). */
  utility: readonly number[];
  /** Penalty per second of stall. */
  rebufferPenalty: number;
  /** Penalty per unit of |utility change| between consecutive segments. */
  switchPenalty: number;
  /**
   * Value per second of buffer left at the end of the horizon (0 = plain MPC).
   * Give 0 when the horizon reaches the end of the video.
   */
  terminalBufferValue: number;
  /** Buffer level below which the terminal value stops growing (s). */
  terminalBufferCapSec: number;
}

export interface PlanResult {
  rung: number;
  score: number;
  /** Predicted (expected) stall over the horizon for the chosen plan, s. */
  predictedRebufferSec: number;
}

export function planNextRung(p: PlanInput): PlanResult {
  const scen = p.throughputScenarios && p.throughputScenarios.length > 0 ? p.throughputScenarios : [p.throughputBps];
  const k = scen.length;
  const n = Math.min(p.bitratesBps.length, p.maxRung + 1);
  if (n <= 1 || !scen.every((b) => b > 0)) {
    return { rung: 0, score: 0, predictedRebufferSec: 0 };
  }
  const horizon = Math.max(1, p.horizon);
  // Download time of each rung under each scenario: dl[r * k + j].
  const dl = new Float64Array(n * k);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < k; j++) dl[r * k + j] = p.latencySec + (p.segmentBits[r] ?? 0) / (scen[j] as number);
  }
  const cap = Math.max(p.maxBufferSec, p.segmentDurationSec);
  // Buffer per scenario at each depth, preallocated.
  const buf: Float64Array[] = [];
  for (let d = 0; d <= horizon; d++) buf.push(new Float64Array(k));
  (buf[0] as Float64Array).fill(p.bufferSec);

  let bestScore = -Infinity;
  let bestRung = 0;
  let bestRebuf = 0;
  let firstRung = 0;

  // Depth-first over all sequences; prefix values are shared.
  const visit = (depth: number, last: number, score: number, rebuf: number): void => {
    const b = buf[depth] as Float64Array;
    if (depth === horizon) {
      let terminal = 0;
      if (p.terminalBufferValue > 0) {
        for (let j = 0; j < k; j++) terminal += Math.min(b[j] as number, p.terminalBufferCapSec);
        terminal *= p.terminalBufferValue / k;
      }
      const total = score + terminal;
      // Strictly better only: among ties the earlier (lower first rung) plan wins.
      if (total > bestScore) {
        bestScore = total;
        bestRung = firstRung;
        bestRebuf = rebuf;
      }
      return;
    }
    const nb = buf[depth + 1] as Float64Array;
    for (let r = 0; r < n; r++) {
      if (depth === 0) firstRung = r;
      let stall = 0;
      for (let j = 0; j < k; j++) {
        const t = dl[r * k + j] as number;
        let x = b[j] as number;
        if (x < t) {
          stall += t - x;
          x = 0;
        } else {
          x -= t;
        }
        nb[j] = Math.min(x + p.segmentDurationSec, cap);
      }
      stall /= k; // expected stall over the scenarios
      const u = p.utility[r] as number;
      const sw = last >= 0 ? Math.abs(u - (p.utility[last] as number)) : 0;
      visit(depth + 1, r, score + u - p.rebufferPenalty * stall - p.switchPenalty * sw, rebuf + stall);
    }
  };
  visit(0, p.lastRung, 0, 0);
  return { rung: bestRung, score: bestScore, predictedRebufferSec: bestRebuf };
}

/** Largest horizon keeping the search under `maxLeaves` sequences. */
export function horizonFor(rungs: number, wanted: number, maxLeaves = 20_000): number {
  if (rungs <= 1) return 1;
  const h = Math.floor(Math.log(maxLeaves) / Math.log(rungs));
  return Math.max(1, Math.min(wanted, h));
}
