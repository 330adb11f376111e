/** The `--policy` names of `simulate --accounting cloudsim` and the planner rules each stands for. */
import type { PlannerRules } from './migration-planner';
import { cloudSimDetector, type CloudSimDetection } from './overload-detection';
import { securePolicy, type SecurePolicyOptions, SECURE_DEFAULTS } from './secure-policy';

export const CONSOLIDATION_POLICIES = ['thr-mmt', 'iqr-mmt', 'mad-mmt', 'lr-mmt', 'lrr-mmt', 'secure'] as const;
export type ConsolidationPolicy = (typeof CONSOLIDATION_POLICIES)[number];

/** CloudSim 4.0's figures for day 20110303, files in byte order (the reference page and issue 18). */
export const CLOUDSIM_REFERENCE: Partial<
  Record<ConsolidationPolicy, { energyKWh: number; migrations: number; slatah: number }>
> = {
  'thr-mmt': { energyKWh: 192.62, migrations: 26_711, slatah: 0.0491 },
  'iqr-mmt': { energyKWh: 189.98, migrations: 26_282, slatah: 0.0482 },
  'mad-mmt': { energyKWh: 185.79, migrations: 26_556, slatah: 0.0505 },
  'lr-mmt': { energyKWh: 163.48, migrations: 27_859, slatah: 0.0586 },
};

export function isConsolidationPolicy(name: string): name is ConsolidationPolicy {
  return (CONSOLIDATION_POLICIES as readonly string[]).includes(name);
}

export function policyRules(
  policy: ConsolidationPolicy,
  perimeterOf: Int32Array,
  stepSeconds: number,
  secure: SecurePolicyOptions = SECURE_DEFAULTS,
): PlannerRules {
  if (policy === 'secure') return securePolicy(perimeterOf, secure);
  const detection = policy.slice(0, policy.indexOf('-')) as CloudSimDetection;
  return { detect: cloudSimDetector(detection, stepSeconds) };
}
