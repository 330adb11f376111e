import { isRunning } from '../../model/vm';
import type { VmView } from '../../model/fleet';
import type { FactValue } from '../types';
import { fact, round3, type FactDef } from './define';

/** Peaks at or above this CPU percentage count as a peak when looking for coinciding peaks. */
export const PEAK_PCT = 80;
const EVIDENCE_IDS = 20;

function running(vms: readonly VmView[]): VmView[] {
  return vms.filter(isRunning);
}

function sum(vms: readonly VmView[], f: (vm: VmView) => number | undefined): number {
  let total = 0;
  for (const vm of vms) total += f(vm) ?? 0;
  return total;
}

/** The hour in which most running VMs on the host peak (≥ PEAK_PCT), earliest hour on ties. */
function peakOverlap(vms: readonly VmView[]): { hour: number; count: number; vmIds: string[] } | null {
  const byHour = new Map<number, string[]>();
  for (const vm of running(vms)) {
    const w = vm.workload;
    if (w?.peakHourUtc === undefined || (w.cpuPeakPct ?? 0) < PEAK_PCT) continue;
    const list = byHour.get(w.peakHourUtc);
    if (list) list.push(vm.id);
    else byHour.set(w.peakHourUtc, [vm.id]);
  }
  let best: { hour: number; count: number; vmIds: string[] } | null = null;
  for (const [hour, ids] of byHour) {
    if (best === null || ids.length > best.count || (ids.length === best.count && hour < best.hour)) {
      best = { hour, count: ids.length, vmIds: ids.sort().slice(0, EVIDENCE_IDS) };
    }
  }
  return best;
}

/** The largest group of running VMs sharing labels.app and labels.role (both set), smallest key on ties. */
function replicaGroup(vms: readonly VmView[]): { app: string; role: string; count: number; vmIds: string[] } | null {
  const groups = new Map<string, { app: string; role: string; ids: string[] }>();
  for (const vm of running(vms)) {
    const app = vm.labels?.app;
    const role = vm.labels?.role;
    if (app === undefined || role === undefined) continue;
    const key = JSON.stringify([String(app), String(role)]);
    const g = groups.get(key);
    if (g) g.ids.push(vm.id);
    else groups.set(key, { app: String(app), role: String(role), ids: [vm.id] });
  }
  let best: { key: string; app: string; role: string; ids: string[] } | null = null;
  for (const [key, g] of groups) {
    if (best === null || g.ids.length > best.ids.length || (g.ids.length === best.ids.length && key < best.key))
      best = { key, ...g };
  }
  return best === null
    ? null
    : { app: best.app, role: best.role, count: best.ids.length, vmIds: best.ids.sort().slice(0, EVIDENCE_IDS) };
}

export const hostConsolidationFacts: FactDef<'host'>[] = [
  fact<'host'>({
    id: 'vcpuPerCore',
    description: 'Running VMs’ vCPUs per physical core (threads ignored); null when CPU topology is unknown.',
    compute: (ctx) => {
      const cpu = ctx.host.cpu;
      if (!cpu) return null;
      return round3(sum(running(ctx.vms), (vm) => vm.vcpus) / (cpu.sockets * cpu.coresPerSocket));
    },
  }),
  fact<'host'>({
    id: 'memoryOvercommit',
    description: 'Running VMs’ configured memory over host memory; null when host memory is unknown or 0.',
    compute: (ctx) => {
      const mem = ctx.host.memoryMiB;
      if (mem === undefined || mem <= 0) return null;
      return round3(sum(running(ctx.vms), (vm) => vm.memoryMiB) / mem);
    },
  }),
  fact<'host'>({
    id: 'nicDemandMbps',
    description: 'Summed network demand (workload.netMbps) of running VMs.',
    compute: (ctx) => round3(sum(running(ctx.vms), (vm) => vm.workload?.netMbps)),
  }),
  fact<'host'>({
    id: 'nicFailoverShortfallMbps',
    description:
      'Network demand minus uplink capacity with the fastest uplink failed (N-1); > 0 means the host cannot carry its VMs after one uplink fails. Null when uplinks are not reported.',
    compute: (ctx) => {
      const nics = ctx.host.nics;
      if (!nics || nics.length === 0) return null;
      const speeds = nics.map((n) => n.speedMbps);
      const capacity = speeds.reduce((a, b) => a + b, 0) - Math.max(...speeds);
      return round3(sum(running(ctx.vms), (vm) => vm.workload?.netMbps) - capacity);
    },
  }),
  fact<'host'>({
    id: 'iopsDemandRatio',
    description: 'Running VMs’ summed IOPS over host storage IOPS capacity; null when capacity is unknown or 0.',
    compute: (ctx) => {
      const cap = ctx.host.storage?.iopsCapacity;
      if (cap === undefined || cap <= 0) return null;
      return round3(sum(running(ctx.vms), (vm) => vm.workload?.iops) / cap);
    },
  }),
  fact<'host'>({
    id: 'peakOverlap',
    description: `The UTC hour in which most running VMs peak at ≥${PEAK_PCT}% CPU: {hour, count, vmIds}; null when no VM reports a peak.`,
    compute: (ctx): FactValue => peakOverlap(ctx.vms),
  }),
  fact<'host'>({
    id: 'peakOverlapCount',
    description: 'How many running VMs peak in the same hour (the count of `peakOverlap`; 0 when none).',
    compute: (ctx) => peakOverlap(ctx.vms)?.count ?? 0,
  }),
  fact<'host'>({
    id: 'replicaGroup',
    description:
      'Largest group of running VMs with the same labels.app and labels.role on this host: {app, role, count, vmIds}; null when none.',
    compute: (ctx): FactValue => replicaGroup(ctx.vms),
  }),
  fact<'host'>({
    id: 'replicaCount',
    description: 'Size of `replicaGroup` (0 when no VM carries both labels).',
    compute: (ctx) => replicaGroup(ctx.vms)?.count ?? 0,
  }),
];
