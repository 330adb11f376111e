/**
 * The 0–100 risk score (0 = no risk found, 100 = every component at full weight) and the reasons behind it.
 * Each component maps a measured value onto [0, 1] between a harmless and a full-weight level, then
 * multiplies by its weight (SCORE_WEIGHTS); the score is the sum.
 */
import { SCORE_WEIGHTS, type ScoreComponent } from './coefficients';
import { compareText } from '../model/event-order';

export interface ScoreReason {
  component: ScoreComponent;
  weight: number;
  value: number;
  /** Points this component adds to the score (0..weight). */
  points: number;
  detail: string;
}

export interface ScoreInput {
  overloadedTimeFraction: number;
  cpuReadyPct: number;
  memoryOvercommit: number;
  /** Hosts: share of active time with NIC demand above the uplinks. VMs: share of wanted traffic not carried. */
  nicContention: number;
  storageContentionTimeFraction: number;
  coincidingPeaks: number;
}

/** [harmless, full] levels per component. */
export const SCORE_RAMPS: Record<ScoreComponent, readonly [number, number]> = {
  cpuOverload: [0, 0.2],
  cpuReady: [2, 10],
  memoryOvercommit: [1, 1.5],
  nicContention: [0, 0.2],
  storageContention: [0, 0.2],
  coincidingPeaks: [1, 5],
};

function ramp(component: ScoreComponent, value: number): number {
  const [lo, hi] = SCORE_RAMPS[component];
  if (!(value > lo)) return 0;
  return value >= hi ? 1 : (value - lo) / (hi - lo);
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

const COMPONENTS: readonly ScoreComponent[] = [
  'cpuOverload',
  'cpuReady',
  'memoryOvercommit',
  'nicContention',
  'storageContention',
  'coincidingPeaks',
];

function componentValue(input: ScoreInput, component: ScoreComponent): number {
  switch (component) {
    case 'cpuOverload':
      return input.overloadedTimeFraction;
    case 'cpuReady':
      return input.cpuReadyPct;
    case 'memoryOvercommit':
      return input.memoryOvercommit;
    case 'nicContention':
      return input.nicContention;
    case 'storageContention':
      return input.storageContentionTimeFraction;
    case 'coincidingPeaks':
      return input.coincidingPeaks;
  }
}

function detailOf(input: ScoreInput, component: ScoreComponent, subject: 'host' | 'vm'): string {
  switch (component) {
    case 'cpuOverload':
      return `${subject === 'host' ? 'CPU demand above capacity' : 'its host was overloaded'} ${pct(input.overloadedTimeFraction)} of the active time (full weight at 20 %)`;
    case 'cpuReady':
      return `estimated CPU ready ${input.cpuReadyPct.toFixed(2)} % per vCPU (from 2 %, full weight at 10 %)`;
    case 'memoryOvercommit':
      return `configured VM memory is ${input.memoryOvercommit.toFixed(2)}× host memory at peak (from 1×, full at 1.5×)`;
    case 'nicContention':
      return subject === 'host'
        ? `network demand above the uplinks ${pct(input.nicContention)} of the active time (full weight at 20 %)`
        : `${pct(input.nicContention)} of its network demand not carried under fair sharing (full weight at 20 %)`;
    case 'storageContention':
      return `IOPS above 90 % of the host's capacity ${pct(input.storageContentionTimeFraction)} of the time (full weight at 20 %)`;
    case 'coincidingPeaks':
      return `${input.coincidingPeaks} VM(s) peaking in the same step (from 2, full weight at 5)`;
  }
}

export function scoreOf(input: ScoreInput, subject: 'host' | 'vm'): { score: number; reasons: ScoreReason[] } {
  const reasons: ScoreReason[] = [];
  let score = 0;
  for (const component of COMPONENTS) {
    const value = componentValue(input, component);
    const weight = SCORE_WEIGHTS[component];
    const points = Math.round(weight * ramp(component, value) * 10) / 10;
    // Details are written only for components that score: most VMs in a healthy fleet have none.
    if (points <= 0) continue;
    score += points;
    reasons.push({ component, weight, value: round(value, 4), points, detail: detailOf(input, component, subject) });
  }
  if (reasons.length > 1) reasons.sort((a, b) => b.points - a.points || compareText(a.component, b.component));
  return { score: Math.min(100, Math.round(score * 10) / 10), reasons };
}

const POWERS = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12];

export function round(x: number, digits: number): number {
  if (!Number.isFinite(x)) return x;
  const f = POWERS[digits] ?? 10 ** digits;
  return Math.round(x * f) / f;
}
