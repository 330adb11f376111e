/**
 * The per-step performance kernel. Three passes over typed arrays, each in its own file under performance/:
 *  1. VMs add CPU (incl. I/O virtualisation overhead), network, IOPS, memory and peak counts into their
 *     host's row, by index (host-demand.ts, after vm-runs.ts measured each VM's mean and peak);
 *  2. each host-step gets its load ratio, ready factor, NIC fair-share level, storage utilisation, power
 *     (host-steps.ts, nic-fair-share.ts);
 *  3. each VM reads back what its host looked like at the steps it ran there (vm-view.ts).
 */
import type { CompiledFleet } from './compile';
import type { PerformanceCoefficients } from './coefficients';
import { addVmDemand } from './performance/host-demand';
import { scoreHostSteps } from './performance/host-steps';
import { emptyHostMetrics, emptyVmMetrics, type HostMetrics, type VmMetrics } from './performance/metrics';
import { nicFairShareLevels } from './performance/nic-fair-share';
import { profileVmRuns } from './performance/vm-runs';
import { readBackVmView } from './performance/vm-view';

export interface PerformanceOutput {
  host: HostMetrics;
  vm: VmMetrics;
}

export function runPerformance(f: CompiledFleet, coef: PerformanceCoefficients): PerformanceOutput {
  const vm = emptyVmMetrics(f.vmIds.length);
  const { peakLevel, distinctVms } = profileVmRuns(f, coef, vm);
  const host = emptyHostMetrics(f.hostIds.length, distinctVms);
  const demand = addVmDemand(f, peakLevel, vm, host);
  const steps = scoreHostSteps(f, coef, demand, host);
  const nicLevel = nicFairShareLevels(f, vm.meanUtil, demand, steps.contendedNicSteps > 0);
  readBackVmView(f, demand, steps, nicLevel, peakLevel, host, vm);
  return { host, vm };
}
