import { capacityBreaches, outsidePerimeter } from './constraints';
import type { Placement } from './placement';
import type { Violation } from './problem';

const KIND_ORDER = { perimeter: 0, trust: 1, replicas: 2, capacity: 3, 'n-plus-one': 4 } as const;

/**
 * What is wrong with a placement, security first (perimeter, trust), then availability and load; within a
 * kind by subject id so plans are deterministic.
 */
export function findViolations(placement: Placement): Violation[] {
  const out: Violation[] = [];
  for (const vm of placement.problem.vms) {
    if (outsidePerimeter(placement, vm))
      out.push({
        kind: 'perimeter',
        subject: vm.id,
        detail: `on ${placement.hostOf.get(vm.id)}, outside perimeter ${vm.perimeter}${vm.perimeterSource === 'clone' ? ' (inherited from its clone source)' : ''}`,
      });
  }
  for (const host of placement.problem.hosts) {
    const load = placement.loads.get(host.id)!;
    if (load.trust.size > 1)
      out.push({
        kind: 'trust',
        subject: host.id,
        detail: `trust levels ${[...load.trust.keys()].sort((a, b) => a - b).join(', ')} share the host`,
      });
    const replicas = [...load.replicas].filter(([, n]) => n > 1).map(([key]) => key.replace('\0', '/'));
    if (replicas.length > 0)
      out.push({
        kind: 'replicas',
        subject: host.id,
        detail: `replicas of ${replicas.sort().join(', ')} share the host`,
      });
    const breaches = capacityBreaches(placement, host.id);
    if (breaches.length > 0) out.push({ kind: 'capacity', subject: host.id, detail: breaches.join('; ') });
  }
  for (const cluster of [...placement.clusters.keys()].sort()) {
    const n1 = placement.nPlusOneShortfall(cluster);
    const parts: string[] = [];
    if ((n1.memMiB ?? 0) > 0) parts.push(`${Math.ceil(n1.memMiB!)} MiB memory`);
    if ((n1.cpuMHz ?? 0) > 0) parts.push(`${Math.ceil(n1.cpuMHz!)} MHz CPU`);
    if (parts.length > 0)
      out.push({ kind: 'n-plus-one', subject: cluster, detail: `short of N+1 by ${parts.join(' and ')}` });
  }
  return out.sort(
    (a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0),
  );
}

export const violationKey = (v: Pick<Violation, 'kind' | 'subject'>) => `${v.kind}:${v.subject}`;
