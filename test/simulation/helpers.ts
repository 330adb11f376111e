import { emptyFleet, type Fleet, type HostView, type VmView } from '../../src/model/fleet';
import type { Trace } from '../../src/simulation/trace';

export function fleetOf(hosts: HostView[], vms: Omit<VmView, 'movements'>[]): Fleet {
  const fleet = emptyFleet();
  for (const h of hosts) fleet.hosts.set(h.id, h);
  for (const v of vms) fleet.vms.set(v.id, { ...v, movements: [] });
  return fleet;
}

/** A 288-sample trace from a function of the sample index. */
export function traceOf(name: string, percentAt: (k: number) => number, samples = 288): Trace {
  return { name, samples: Float64Array.from({ length: samples }, (_, k) => percentAt(k)) };
}

export function tracesMap(...traces: Trace[]): Map<string, Trace> {
  return new Map(traces.map((t) => [t.name, t]));
}

/** Linear SPECpower curve from `idle` to `full` watts. */
export function linearCurve(idle: number, full: number): number[] {
  return Array.from({ length: 11 }, (_, i) => idle + ((full - idle) * i) / 10);
}
