import type { Workload } from '../model/vm';
import { hashString, mulberry32 } from './random';
import type { Trace } from './trace';

/** Profile assumed for a VM whose workload says nothing about CPU. */
export const DEFAULT_PROFILE = { cpuAvgPct: 10, peakFactor: 3, peakHourUtc: 14 } as const;
/** Seconds between PlanetLab samples. */
export const TRACE_SAMPLE_SECONDS = 300;

export interface StepClock {
  steps: number;
  stepSeconds: number;
  /** Epoch milliseconds of step 0. */
  startMs: number;
}

/**
 * Writes a trace's utilisation (0–1) for each step into `out`: the sample covering the step's start,
 * repeating the trace after its end (a day's trace replays as the next day).
 */
export function fillFromTrace(trace: Trace, clock: StepClock, out: Float32Array, offset: number): void {
  const n = trace.samples.length;
  for (let t = 0; t < clock.steps; t++) {
    const idx = Math.floor((t * clock.stepSeconds) / TRACE_SAMPLE_SECONDS) % n;
    out[offset + t] = trace.samples[idx]! / 100;
  }
}

/**
 * Synthesises a day shape from (average, peak, peak hour): a Gaussian bump at the peak hour on a base
 * chosen so the mean is the average, with ±15 % multiplicative noise on the base from a stream seeded by
 * (seed, VM id). The bump narrows when the average is too low for a 2.5 h bump to fit.
 */
export function fillFromProfile(vmId: string, workload: Workload | undefined, seed: number, clock: StepClock, out: Float32Array, offset: number): void {
  const avg = (workload?.cpuAvgPct ?? DEFAULT_PROFILE.cpuAvgPct) / 100;
  const peak = Math.max(avg, (workload?.cpuPeakPct ?? Math.min(100, (workload?.cpuAvgPct ?? DEFAULT_PROFILE.cpuAvgPct) * DEFAULT_PROFILE.peakFactor)) / 100);
  const peakHour = workload?.peakHourUtc ?? DEFAULT_PROFILE.peakHourUtc;
  const random = mulberry32((hashString(vmId) ^ Math.imul(seed >>> 0, 0x9e3779b1)) >>> 0);
  if (peak <= 0 || peak - avg < 1e-9) {
    for (let t = 0; t < clock.steps; t++) out[offset + t] = avg * (1 + 0.3 * (random() - 0.5));
    return;
  }
  // Mean of a Gaussian bump of width sigma over a 24 h circle is about sigma·√(2π)/24.
  const sigma = Math.max(0.25, Math.min(2.5, (0.9 * 24 * avg) / (peak * Math.sqrt(2 * Math.PI))));
  const meanBump = Math.min(0.999, (sigma * Math.sqrt(2 * Math.PI)) / 24);
  const base = Math.max(0, (avg - peak * meanBump) / (1 - meanBump));
  const twoSigmaSq = 2 * sigma * sigma;
  const startHour = (clock.startMs / 3_600_000) % 24;
  const hoursPerStep = clock.stepSeconds / 3600;
  for (let t = 0; t < clock.steps; t++) {
    const hour = (startHour + t * hoursPerStep) % 24;
    let d = Math.abs(hour - peakHour);
    if (d > 12) d = 24 - d;
    const bump = Math.exp(-(d * d) / twoSigmaSq);
    const u = base * (1 + 0.3 * (random() - 0.5)) + (peak - base) * bump;
    out[offset + t] = u > 1 ? 1 : u;
  }
}
