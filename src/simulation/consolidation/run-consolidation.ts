/** One `simulate --accounting cloudsim --policy …` run: perimeters resolved, policy built, day simulated. */
import { basename } from 'node:path';
import type { Trace } from '../trace';
import { compareTraceNames } from '../trace';
import { mappedPerimeters, perimeterCount, slicePerimeters } from './perimeters';
import { CLOUDSIM_REFERENCE, type ConsolidationPolicy, policyRules } from './policies';
import { type ConsolidationResult, simulateConsolidation } from './simulate-consolidation';

export interface ConsolidationRunOptions {
  stepSeconds?: number;
  hosts?: number;
  /** Trace name → perimeter; default: the PlanetLab slice in the name. */
  perimeters?: Readonly<Record<string, string>>;
}

export interface ConsolidationRun extends ConsolidationResult {
  policy: ConsolidationPolicy;
  perimeters: number;
  perimeterSource: 'slice' | 'map';
  /** CloudSim 4.0's own figures for this policy on 20110303, when it is that day. */
  cloudsimReference: { energyKWh: number; migrations: number; slatah: number } | null;
}

export function runConsolidation(
  traces: readonly Trace[],
  policy: ConsolidationPolicy,
  opts: ConsolidationRunOptions = {},
): ConsolidationRun {
  const sorted = [...traces].sort((a, b) => compareTraceNames(a.name, b.name));
  const names = sorted.map((t) => t.name);
  // Perimeter maps name trace files; traces loaded from a folder carry their path.
  const files = names.map((n) => basename(n));
  const perimeterOf = opts.perimeters ? mappedPerimeters(files, opts.perimeters) : slicePerimeters(files);
  const stepSeconds = opts.stepSeconds ?? 300;
  const rules = policyRules(policy, perimeterOf, stepSeconds);
  const result = simulateConsolidation(sorted, () => rules, {
    stepSeconds,
    perimeterOf,
    ...(opts.hosts !== undefined ? { hosts: opts.hosts } : {}),
  });
  // The reference holds for CloudSim's day only: 1,052 traces of 288 samples at 300 s on 800 hosts.
  const isReferenceDay = sorted.length === 1052 && stepSeconds === 300 && result.hosts === 800;
  return {
    policy,
    ...result,
    perimeters: perimeterCount(perimeterOf),
    perimeterSource: opts.perimeters ? 'map' : 'slice',
    cloudsimReference: isReferenceDay ? (CLOUDSIM_REFERENCE[policy] ?? null) : null,
  };
}
