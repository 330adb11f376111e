/** Apps and their role groups (replicas of one role), as indices, and which hosts hold which apps. */
import { getOrCreate } from '../../model/get-or-create';
import type { AvailabilityInput } from './types';

export interface ReplicaGroups {
  /** App names sorted; an app's index below is its place here. */
  names: string[];
  /** Per app: its role groups in first-seen order, each with its running VMs. */
  roles: number[][][];
  /** Per app: its role names, parallel to `roles`. */
  roleNames: string[][];
  /** Per app: its running VMs. */
  vms: Int32Array;
  /** Per app: the hosts holding it, ascending. */
  hostList: number[][];
  /** Per host: the apps it holds. */
  hostApps: number[][];
  /** Most replicas of one role group on a single host: with them, how close one more failure comes to the group. */
  maxOnOneHost: Map<number[], number>;
}

export function replicaGroups(input: AvailabilityInput): ReplicaGroups {
  const apps = new Map<string, { roles: Map<string, number[]>; hosts: Set<number>; vms: number }>();
  for (let v = 0; v < input.vmIds.length; v++) {
    const app = input.vmApp[v];
    if (app === undefined || input.vmHost[v]! < 0) continue;
    const entry = getOrCreate(apps, app, () => ({
      roles: new Map<string, number[]>(),
      hosts: new Set<number>(),
      vms: 0,
    }));
    getOrCreate(entry.roles, input.vmRole[v] ?? '', () => []).push(v);
    entry.hosts.add(input.vmHost[v]!);
    entry.vms++;
  }
  const names = [...apps.keys()].sort();
  const entries = names.map((a) => apps.get(a)!);
  const roles = entries.map((e) => [...e.roles.values()]);
  const hostList = entries.map((e) => [...e.hosts].sort((x, y) => x - y));
  const hostApps: number[][] = Array.from({ length: input.hostIds.length }, () => []);
  for (const [a, hosts] of hostList.entries()) for (const h of hosts) hostApps[h]!.push(a);
  const maxOnOneHost = new Map<number[], number>();
  for (const groups of roles) {
    for (const group of groups) {
      const perHost = new Map<number, number>();
      let most = 0;
      for (const v of group) {
        const n = (perHost.get(input.vmHost[v]!) ?? 0) + 1;
        perHost.set(input.vmHost[v]!, n);
        if (n > most) most = n;
      }
      maxOnOneHost.set(group, most);
    }
  }
  return {
    names,
    roles,
    roleNames: entries.map((e) => [...e.roles.keys()]),
    vms: Int32Array.from(entries, (e) => e.vms),
    hostList,
    hostApps,
    maxOnOneHost,
  };
}
