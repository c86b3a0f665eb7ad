/**
 * Exponentially weighted moving average whose decay is measured in "weight"
 * (seconds of download time, number of samples...) rather than in samples,
 * in the style of hls.js `src/utils/ewma.ts` / shaka `Ewma`:
 * a sample of weight w moves the estimate as much as w samples of weight 1.
 *
 * The half-life is the amount of weight after which an old value counts half.
 */
export class Ewma {
  private readonly alpha: number;
  private estimate = 0;
  private totalWeight = 0;

  constructor(readonly halfLife: number) {
    if (!(halfLife > 0)) throw new Error(`Ewma half-life must be > 0 (got ${halfLife})`);
    this.alpha = Math.exp(Math.log(0.5) / halfLife);
  }

  sample(weight: number, value: number): void {
    if (!(weight > 0) || !Number.isFinite(value)) return;
    const adjAlpha = Math.pow(this.alpha, weight);
    this.estimate = value * (1 - adjAlpha) + adjAlpha * this.estimate;
    this.totalWeight += weight;
  }

  /**
   * The estimate is started at 0; dividing by (1 - alpha^totalWeight) removes
   * that bias so the first samples are not pulled towards zero.
   */
  getEstimate(): number {
    const zeroFactor = 1 - Math.pow(this.alpha, this.totalWeight);
    return zeroFactor > 0 ? this.estimate / zeroFactor : this.estimate;
  }

  getTotalWeight(): number {
    return this.totalWeight;
  }

  reset(): void {
    this.estimate = 0;
    this.totalWeight = 0;
  }
}
