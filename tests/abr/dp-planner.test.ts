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
  it('planning every segment without reaction equals the non-reactive model', () => {
    const a = planWithDp(base({ reactsWithinSegment: false }));
    const b = planWithDp(base({ nonReactiveLastSegments: 12 }));
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

  describe('tail-risk level', () => {
    // 30 s buffered, 4 segments left, a steady ~2.4 Mb/s link (levels × 0.8) and a collapse to 0.2 Mb/s.
    const end = (over: Partial<DpInput> = {}) =>
      base({ scenarios: [2.4e6, 2.2e6, 2.6e6, 2.3e6, 2.5e6].map((x) => x * 0.8), bufferSec: 30, lastRung: 4, horizon: 4, ...over });

    it('with probability 0 the plan is exactly the one without it', () => {
      for (const first of [false, true]) {
        const a = planWithDp(end());
        const b = planWithDp(end({ tailBps: 0.2e6, tailProbability: 0, tailFirstOnly: first }));
        expect(b.rung).toBe(a.rung);
        expect(b.values).toEqual(a.values);
      }
    });

    it('takes the large download when a collapse is not modelled and avoids it when it is likely', () => {
      expect(planWithDp(end()).rung).toBe(5);
      expect(planWithDp(end({ tailBps: 0.2e6, tailProbability: 0.1 })).rung).toBeLessThanOrEqual(2);
      expect(planWithDp(end({ tailBps: 0.2e6, tailProbability: 0.1, tailFirstOnly: true })).rung).toBeLessThanOrEqual(2);
      // The riskier the tail, the lower the value of the top rung.
      const v = [0, 0.01, 0.05].map((q) => planWithDp(end({ tailBps: 0.2e6, tailProbability: q })).values[5] as number);
      expect(v[1]).toBeLessThan(v[0] as number);
      expect(v[2]).toBeLessThan(v[1] as number);
    });
  });
});
