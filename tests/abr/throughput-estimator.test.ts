import { describe, expect, it } from 'vitest';
import { Ewma, ThroughputEstimator, harmonicMean } from '../../player/src/abr/index.ts';

describe('Ewma', () => {
  it('is unbiased from the first sample and halves old values after one half-life of weight', () => {
    const e = new Ewma(2);
    e.sample(1, 10);
    expect(e.getEstimate()).toBeCloseTo(10, 9);
    const f = new Ewma(2);
    f.sample(100, 10); // old value fully established
    f.sample(2, 20); // one half-life of new weight
    expect(f.getEstimate()).toBeCloseTo(15, 6);
  });
});

describe('ThroughputEstimator', () => {
  it('measures throughput over the transfer time, not the time to first byte', () => {
    const est = new ThroughputEstimator();
    // 500 kB in 1 s of transfer after a 400 ms TTFB: 4 Mb/s, not 2.86.
    const bps = est.addSample({ bytes: 500_000, totalMs: 1400, ttfbMs: 400 });
    expect(bps).toBeCloseTo(4_000_000, -3);
    expect(est.estimateBps()).toBeCloseTo(4_000_000, -3);
    expect(est.latencyMs()).toBeCloseTo(400, 6);
  });

  it('ignores tiny downloads and weights small ones less than big ones', () => {
    const est = new ThroughputEstimator();
    expect(est.addSample({ bytes: 2_000, totalMs: 10, ttfbMs: 5 })).toBe(0);
    expect(est.hasSamples()).toBe(false);
    est.addSample({ bytes: 1_000_000, totalMs: 4000, ttfbMs: 0 }); // 2 Mb/s, 4 s of weight
    // A 20 kB download claiming 50 Mb/s: little weight, little effect.
    est.addSample({ bytes: 20_000, totalMs: 3.2, ttfbMs: 0 });
    expect(est.ewmaEstimate()).toBeLessThan(2_100_000);
    // The same throughput over a big download moves the estimate a lot.
    const big = new ThroughputEstimator();
    big.addSample({ bytes: 1_000_000, totalMs: 4000, ttfbMs: 0 });
    big.addSample({ bytes: 2_000_000, totalMs: 1000, ttfbMs: 0 });
    expect(big.ewmaEstimate()).toBeGreaterThan(3_000_000);
  });

  it('takes the lower of the fast and slow averages (drops count at once, rises slowly)', () => {
    const est = new ThroughputEstimator({ fastHalfLifeSec: 3, slowHalfLifeSec: 9 });
    for (let i = 0; i < 5; i++) est.addSample({ bytes: 1_000_000, totalMs: 1000, ttfbMs: 0 }); // 8 Mb/s
    est.addSample({ bytes: 1_000_000, totalMs: 4000, ttfbMs: 0 }); // 2 Mb/s
    const fastDominates = est.ewmaEstimate();
    expect(fastDominates).toBeLessThan(5_000_000);
  });

  it('lets a slow download in flight cap the estimate before it finishes', () => {
    const est = new ThroughputEstimator();
    for (let i = 0; i < 4; i++) est.addSample({ bytes: 1_000_000, totalMs: 1080, ttfbMs: 80 }); // 8 Mb/s
    expect(est.estimateBps()).toBeCloseTo(8_000_000, -4);
    // 100 kB after 1.08 s: 0.8 Mb/s in flight.
    est.observeProgress(100_000, 1080, 80);
    expect(est.inflightLimited()).toBe(true);
    expect(est.estimateBps()).toBeCloseTo(800_000, -3);
    // A download that runs at about the estimate does not move it.
    est.clearProgress();
    est.observeProgress(900_000, 1080, 80);
    expect(est.inflightLimited()).toBe(false);
    expect(est.estimateBps()).toBeCloseTo(8_000_000, -4);
  });

  it('uses the seed until a real sample arrives', () => {
    const est = new ThroughputEstimator({ defaultEstimateBps: 1e6 });
    expect(est.estimateBps()).toBe(1e6);
    est.seed(3e6, 120);
    expect(est.estimateBps()).toBe(3e6);
    expect(est.latencyMs()).toBe(120);
    est.addSample({ bytes: 500_000, totalMs: 2000, ttfbMs: 0 });
    expect(est.estimateBps()).toBeCloseTo(2e6, -3);
  });

  it('harmonic mean averages download times', () => {
    expect(harmonicMean([1, 4, 4])).toBeCloseTo(2, 9);
    expect(harmonicMean([])).toBe(0);
  });
});
