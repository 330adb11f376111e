/**
 * The statistics CloudSim 4.0's overload detectors call (org.cloudbus.cloudsim.util.MathUtil on Apache
 * commons-math3), with the same arithmetic so thresholds land on the same side of a host's load. Java's double
 * arithmetic is IEEE 754 like JavaScript's, so keeping the operation order keeps the results bit-identical.
 */

/** commons-math3 Percentile, default (legacy) estimation: pos = p(n+1)/100, linear between neighbours. */
/** Ascending copy; insertion sort, as these arrays hold at most 30 values. */
function sortedCopy(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = values[i]!;
    let j = i - 1;
    while (j >= 0 && out[j]! > x) {
      out[j + 1] = out[j]!;
      j--;
    }
    out[j + 1] = x;
  }
  return out;
}

export function percentile(values: ArrayLike<number>, p: number): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  if (n === 1) return values[0]!;
  const sorted = sortedCopy(values);
  const pos = (p * (n + 1)) / 100;
  const fpos = Math.floor(pos);
  const d = pos - fpos;
  if (pos < 1) return sorted[0]!;
  if (pos >= n) return sorted[n - 1]!;
  const lower = sorted[fpos - 1]!;
  const upper = sorted[fpos]!;
  return lower + d * (upper - lower);
}

export const median = (values: ArrayLike<number>): number => percentile(values, 50);

/** MathUtil.mad: median of absolute deviations from the median. */
export function mad(data: ArrayLike<number>): number {
  if (data.length === 0) return 0;
  const m = median(data);
  const dev = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) dev[i] = Math.abs(m - data[i]!);
  return median(dev);
}

/** MathUtil.iqr: sorted[round(0.75(n+1)) − 1] − sorted[round(0.25(n+1)) − 1], Java's round (half up). */
export function iqr(data: ArrayLike<number>): number {
  const sorted = sortedCopy(data);
  const q1 = Math.floor(0.25 * (sorted.length + 1) + 0.5) - 1;
  const q3 = Math.floor(0.75 * (sorted.length + 1) + 0.5) - 1;
  return sorted[q3]! - sorted[q1]!;
}

/**
 * MathUtil.countNonZeroBeginning: length up to the last non-zero value. Its off-by-one is kept: an all-zero
 * array counts 1, which is why a host without history still passes a one-element array to its detector.
 */
export function countNonZeroBeginning(data: ArrayLike<number>): number {
  let i = data.length - 1;
  while (i >= 0) {
    if (data[i--] !== 0) break;
  }
  return i + 2;
}

/** commons-math3 SimpleRegression with intercept: updating formulas of addData, then [intercept, slope]. */
export class SimpleRegression {
  private n = 0;
  private sumX = 0;
  private sumY = 0;
  private sumXX = 0;
  private sumXY = 0;
  private xbar = 0;
  private ybar = 0;

  addData(x: number, y: number): void {
    if (this.n === 0) {
      this.xbar = x;
      this.ybar = y;
    } else {
      const fact1 = 1 + this.n;
      const fact2 = this.n / (1 + this.n);
      const dx = x - this.xbar;
      const dy = y - this.ybar;
      this.sumXX += dx * dx * fact2;
      this.sumXY += dx * dy * fact2;
      this.xbar += dx / fact1;
      this.ybar += dy / fact1;
    }
    this.sumX += x;
    this.sumY += y;
    this.n++;
  }

  slope(): number {
    if (this.n < 2) return Number.NaN;
    if (Math.abs(this.sumXX) < 10 * Number.MIN_VALUE) return Number.NaN;
    return this.sumXY / this.sumXX;
  }

  intercept(slope = this.slope()): number {
    return (this.sumY - slope * this.sumX) / this.n;
  }

  predict(x: number): number {
    const b1 = this.slope();
    return this.intercept(b1) + b1 * x;
  }

  /** regress().getParameterEstimates(); null where commons-math throws (fewer than 3 points). */
  estimates(): [number, number] | null {
    if (this.n < 3) return null;
    // Precision.SAFE_MIN = 2^-1022.
    if (Math.abs(this.sumXX) > 2 ** -1022) return [this.intercept(), this.slope()];
    return [this.ybar, Number.NaN];
  }
}

/**
 * MathUtil.getTricubeWeigts. CloudSim stores 1/k (the inverse of the tricube weight) and only applies weights
 * when 40 % of them are zero, which never happens; both quirks are kept because the figures depend on them.
 */
export function tricubeWeights(n: number): Float64Array {
  const w = new Float64Array(n);
  const top = n - 1;
  const spread = top;
  for (let i = 2; i < n; i++) {
    const k = (1 - ((top - i) / spread) ** 3) ** 3;
    w[i] = k > 0 ? 1 / k : Number.MAX_VALUE;
  }
  w[0] = w[1] = w[2]!;
  return w;
}

// The tricube weights depend on n alone (10 for every detector call): computed once per n, never mutated.
const tricubeByLength = new Map<number, Float64Array>();
function cachedTricube(n: number): Float64Array {
  let w = tricubeByLength.get(n);
  if (w === undefined) {
    w = tricubeWeights(n);
    tricubeByLength.set(n, w);
  }
  return w;
}

/** MathUtil.getLoessParameterEstimates applies the weights only when 40 % of them are zero (or less). */
function appliesWeights(weights: Float64Array): boolean {
  let zero = 0;
  for (const w of weights) if (w <= 0) zero++;
  return zero >= 0.4 * weights.length;
}

/** The regression over x = 1..n, weighted (√w on both coordinates) only when `weighted`. */
function weightedRegression(y: ArrayLike<number>, weights: Float64Array, weighted: boolean): SimpleRegression {
  const r = new SimpleRegression();
  for (let i = 0; i < y.length; i++) {
    const x = i + 1;
    if (weighted) {
      const s = Math.sqrt(weights[i]!);
      r.addData(s * x, s * y[i]!);
    } else r.addData(x, y[i]!);
  }
  return r;
}

/** MathUtil.getLoessParameterEstimates: [intercept, slope] over x = 1..n. */
export function loessEstimates(y: ArrayLike<number>): [number, number] | null {
  const tricube = cachedTricube(y.length);
  return weightedRegression(y, tricube, appliesWeights(tricube)).estimates();
}

// Scratch for the robust pass (detectors never re-enter each other).
let residualScratch = new Float64Array(16);
let weightScratch = new Float64Array(16);

/** MathUtil.getRobustLoessParameterEstimates: a second pass with bisquare weights of the residuals. */
export function robustLoessEstimates(y: ArrayLike<number>): [number, number] | null {
  const n = y.length;
  const tricube = cachedTricube(n);
  const first = weightedRegression(y, tricube, appliesWeights(tricube));
  if (residualScratch.length < n) {
    residualScratch = new Float64Array(n);
    weightScratch = new Float64Array(n);
  }
  const absResiduals = residualScratch.subarray(0, n);
  const w2 = weightScratch.subarray(0, n);
  const b1 = first.slope();
  const b0 = first.intercept(b1);
  for (let i = 0; i < n; i++) absResiduals[i] = Math.abs(y[i]! - (b0 + b1 * (i + 1)));
  const s6 = median(absResiduals) * 6;
  w2.fill(0);
  for (let i = 2; i < n; i++) {
    // (r / s6)² of the signed residual equals that of its absolute value.
    const k = (1 - (absResiduals[i]! / s6) ** 2) ** 2;
    w2[i] = k > 0 ? (1 / k) * tricube[i]! : Number.MAX_VALUE;
  }
  w2[0] = w2[1] = w2[2]!;
  const weighted = appliesWeights(w2);
  // Unweighted, the second pass fits the very same points in the same order as the first: same result.
  const second = weighted ? weightedRegression(y, w2, true).estimates() : first.estimates();
  if (second === null || Number.isNaN(second[0]) || Number.isNaN(second[1])) return first.estimates();
  return second;
}
