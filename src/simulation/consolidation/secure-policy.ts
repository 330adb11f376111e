/**
 * hyperaudit's own consolidation policy on CloudSim's scenario. Perimeters are a hard constraint: a host only
 * ever runs VMs of one perimeter (an empty host takes any). Within that, it trades a little energy for far fewer
 * migrations, because in CloudSim's accounting every migration costs SLA twice: the target counts as
 * under-allocated while the VM arrives (SLATAH) and the VM loses 10 % while it moves (PDM).
 *  - overload: the host's current request above `overload` of its capacity;
 *  - a target must stay under `target` of its capacity at each VM's recent peak (not just its current load),
 *    so a move does not set up the next overload;
 *  - a move is priced at its true power cost (an empty host costs its idle power), so active hosts fill first;
 *  - only hosts under `underload` are emptied.
 */
import type { CloudSimDatacenter, CloudSimHost } from './datacenter';
import { HISTORY_LENGTH } from './datacenter';
import type { PlannerRules } from './migration-planner';
import { requestedUtilization } from './overload-detection';

export interface SecurePolicyOptions {
  overload: number;
  target: number;
  underload: number;
  /** Scheduling intervals of history a VM's peak is taken over. */
  peakWindow: number;
}

/** Chosen on 20110303 (docs/consolidation.md lists the neighbours tried): 14× fewer moves than CloudSim's. */
export const SECURE_DEFAULTS: SecurePolicyOptions = { overload: 0.95, target: 0.9, underload: 0.7, peakWindow: 4 };

/** A VM's expected demand (MIPS): its current request or its recent peak, whichever is higher. */
function peakDemand(dc: CloudSimDatacenter, vm: number, window: number): number {
  const v = dc.vms;
  let u = v.requested(vm) / v.mips[vm]!;
  const n = Math.min(window, v.historyLength[vm]!);
  const base = vm * HISTORY_LENGTH;
  for (let i = 0; i < n; i++) u = Math.max(u, v.history[base + i]!);
  return u * v.mips[vm]!;
}

export function samePerimeter(perimeterOf: Int32Array) {
  return (_dc: CloudSimDatacenter, vm: number, host: CloudSimHost): boolean => {
    const p = perimeterOf[vm];
    for (const other of host.vms) if (other !== vm && perimeterOf[other] !== p) return false;
    return true;
  };
}

export function securePolicy(perimeterOf: Int32Array, opts: SecurePolicyOptions = SECURE_DEFAULTS): PlannerRules {
  return {
    detect: (dc, host, extra) => requestedUtilization(dc, host, extra) > opts.overload,
    accepts: (dc, host, vm) => {
      // Large VMs only where one core can serve their full MIPS: a capped core is an SLA violation.
      if (dc.vms.mips[vm]! > host.peMips) return false;
      let demand = peakDemand(dc, vm, opts.peakWindow);
      for (const other of host.vms) demand += peakDemand(dc, other, opts.peakWindow);
      return demand <= opts.target * host.totalMips;
    },
    allowed: samePerimeter(perimeterOf),
    truePowerCost: true,
    underloadBelow: opts.underload,
  };
}
