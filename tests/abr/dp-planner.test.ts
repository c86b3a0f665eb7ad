import { describe, expect, it } from 'vitest';
import { planWithDp, type DpInput } from '../../player/src/abr/dp-planner.ts';

const br = [300, 750, 1200, 1850, 2850, 4300];
const base = (over: Partial<DpInput> = {}): DpInput => ({
  segmentBits: br.map((b) => b * 4000),
  utility: br.map((b) => b / 1000),
  scenarios: [1.9e6, 1.1e6, 2.6e6, 1.8e6, 1.4e6],
  persistence: 0.7,
  reactsWithinSegment: true,
  latencySec: 0.08,
  segmentDurationSec: 4,
  bufferSec: 9.3,
  maxBufferSec: 60,
  lastRung: 2,
  maxRung: 5,
  horizon: 12,
  rebufferPenalty: 4.3,
  switchPenalty: 1,
  terminalBufferValue: 0,
  terminalBufferCapSec: 20,
  gridStepSec: 0.5,
  ...over,
});

describe('DP planner', () => {
  it('with one throughput level, reacting within a segment changes nothing: both models plan the same', () => {
    const a = planWithDp(base({ scenarios: [3e6], reactsWithinSegment: false }));
    const b = planWithDp(base({ scenarios: [3e6], reactsWithinSegment: true }));
    expect(b.rung).toBe(a.rung);
    b.values.forEach((v, i) => expect(v).toBeCloseTo(a.values[i] as number, 9));
  });

  it('equal level weights are the default, and weights shift the plan towards the likely levels', () => {
    const a = planWithDp(base());
    const b = planWithDp(base({ levelWeights: [1, 1, 1, 1, 1] }));
    b.values.forEach((v, i) => expect(v).toBeCloseTo(a.values[i] as number, 9));
    const low = planWithDp(base({ levelWeights: [0, 1, 0, 0, 0], persistence: 0 }));
    const high = planWithDp(base({ levelWeights: [0, 0, 1, 0, 0], persistence: 0 }));
    expect(low.rung).toBeLessThanOrEqual(high.rung);
    expect(low.values[5] as number).toBeLessThan(high.values[5] as number);
  });

  it('with a single segment left, never plans a stall it can avoid', () => {
    const r = planWithDp(base({ horizon: 1, bufferSec: 2, scenarios: [1e6], lastRung: 5 }));
    // 2 s of buffer at 1 Mb/s: rung 0 (1.2 Mb) arrives in time, rung 1 (3 Mb) stalls 1.08 s
    expect(r.rung).toBe(0);
  });
});
