/** Replicas of one app role that share a host: one host failure takes both. */
import type { ReplicaGroups } from './replica-groups';
import type { AntiAffinityViolation, AvailabilityInput } from './types';

export interface AntiAffinity {
  violations: AntiAffinityViolation[];
  /** Per app, indexed like `replicas.names`. */
  perApp: Int32Array;
}

export function antiAffinityViolations(input: AvailabilityInput, replicas: ReplicaGroups): AntiAffinity {
  const violations: AntiAffinityViolation[] = [];
  const perApp = new Int32Array(replicas.names.length);
  replicas.names.forEach((app, a) => {
    const roleNames = replicas.roleNames[a]!;
    replicas.roles[a]!.forEach((group, r) => {
      if (group.length < 2) return;
      const byHost = new Map<number, number[]>();
      for (const v of group) {
        const h = input.vmHost[v]!;
        const list = byHost.get(h) ?? [];
        list.push(v);
        byHost.set(h, list);
      }
      for (const [h, vms] of [...byHost].sort((x, y) => x[0] - y[0])) {
        if (vms.length < 2) continue;
        perApp[a]!++;
        violations.push({
          app,
          role: roleNames[r]!,
          hostId: input.hostIds[h]!,
          vms: vms.map((v) => input.vmIds[v]!).sort(),
        });
      }
    });
  });
  return { violations, perApp };
}
