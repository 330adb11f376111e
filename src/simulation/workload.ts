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
 * repeating the trace after its end (a day's trace replays as the next day). Step t goes to `out[offset + t]`;
 * `from` and `to` bound the steps written (default all).
 */
export function fillFromTrace(
  trace: Trace,
  clock: StepClock,
  out: Float32Array,
  offset: number,
  from = 0,
  to = clock.steps,
): void {
  const n = trace.samples.length;
  for (let t = from; t < to; t++) {
    const idx = Math.floor((t * clock.stepSeconds) / TRACE_SAMPLE_SECONDS) % n;
    out[offset + t] = trace.samples[idx]! / 100;
  }
}

/** Bump shapes already computed, keyed by peak hour and width: fleets repeat a few profiles many times. */
export type BumpCache = Map<string, Float32Array>;

const NOISE_SIZE = 4096;
const noiseTables = new Map<number, Float32Array>();

/** 4,096 seeded uniforms in [−0.5, 0.5); each VM reads them from its own offset and stride. */
function noiseTable(seed: number): Float32Array {
  let table = noiseTables.get(seed);
  if (!table) {
    const random = mulberry32(seed ^ 0x5f3759df);
    table = Float32Array.from({ length: NOISE_SIZE }, () => random() - 0.5);
    if (noiseTables.size > 16) noiseTables.clear();
    noiseTables.set(seed, table);
  }
  return table;
}

/**
 * Synthesises a day shape from (average, peak, peak hour): a Gaussian bump at the peak hour on a base
 * chosen so the mean is the average, with ±15 % multiplicative noise on the base: seeded uniforms read from a
 * 4,096-entry table at an offset and odd stride derived from (seed, VM id), so VMs differ and runs repeat.
 * The bump narrows when the average is too low for a 2.5 h bump to fit. Step t goes to `out[offset + t]`; `from`
 * and `to` bound the steps written (default all), each step's value the same whichever others are written.
 */
export function fillFromProfile(
  vmId: string,
  workload: Workload | undefined,
  seed: number,
  clock: StepClock,
  out: Float32Array,
  offset: number,
  cache: BumpCache = new Map(),
  from = 0,
  to = clock.steps,
): void {
  const avg = (workload?.cpuAvgPct ?? DEFAULT_PROFILE.cpuAvgPct) / 100;
  const peak = Math.max(
    avg,
    (workload?.cpuPeakPct ??
      Math.min(100, (workload?.cpuAvgPct ?? DEFAULT_PROFILE.cpuAvgPct) * DEFAULT_PROFILE.peakFactor)) / 100,
  );
  const peakHour = workload?.peakHourUtc ?? DEFAULT_PROFILE.peakHourUtc;
  const noise = noiseTable(seed >>> 0);
  const key = hashString(vmId);
  const stride = ((key >>> 12) & (NOISE_SIZE - 1)) | 1;
  // Step t reads the table at (key + t·stride) mod its size: the walk from step 0, started at `from`.
  let at = ((key & (NOISE_SIZE - 1)) + from * stride) % NOISE_SIZE;
  if (peak <= 0 || peak - avg < 1e-9) {
    for (let t = from; t < to; t++) {
      out[offset + t] = avg * (1 + 0.3 * noise[at]!);
      at = (at + stride) & (NOISE_SIZE - 1);
    }
    return;
  }
  // Mean of a Gaussian bump of width sigma over a 24 h circle is about sigma·√(2π)/24.
  const sigma = Math.max(0.25, Math.min(2.5, (0.9 * 24 * avg) / (peak * Math.sqrt(2 * Math.PI))));
  const meanBump = Math.min(0.999, (sigma * Math.sqrt(2 * Math.PI)) / 24);
  const base = Math.max(0, (avg - peak * meanBump) / (1 - meanBump));
  const bump = bumpShape(peakHour, sigma, clock, cache);
  const amplitude = peak - base;
  for (let t = from; t < to; t++) {
    const u = base * (1 + 0.3 * noise[at]!) + amplitude * bump[t]!;
    at = (at + stride) & (NOISE_SIZE - 1);
    out[offset + t] = Math.min(u, 1);
  }
}

function bumpShape(peakHour: number, sigma: number, clock: StepClock, cache: BumpCache): Float32Array {
  const key = `${peakHour}|${sigma}`;
  let shape = cache.get(key);
  if (shape) return shape;
  shape = new Float32Array(clock.steps);
  const twoSigmaSq = 2 * sigma * sigma;
  const startHour = (clock.startMs / 3_600_000) % 24;
  const hoursPerStep = clock.stepSeconds / 3600;
  for (let t = 0; t < clock.steps; t++) {
    const hour = (startHour + t * hoursPerStep) % 24;
    let d = Math.abs(hour - peakHour);
    if (d > 12) d = 24 - d;
    shape[t] = Math.exp(-(d * d) / twoSigmaSq);
  }
  if (cache.size < 10_000) cache.set(key, shape);
  return shape;
}
