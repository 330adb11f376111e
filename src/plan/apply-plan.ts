import type { Fleet, HostView, VmView } from '../model/fleet';
import type { PlanMove } from './problem';

/**
 * The fleet as it stands once the plan has run: VMs on their new hosts (cluster and datacenter following
 * the host), emptied hosts in maintenance. Movement history is left as it was: the migrations are not
 * events yet, and the audit of the planned fleet is about where VMs are, not how they got there.
 */
export function applyPlan(fleet: Fleet, moves: readonly PlanMove[], maintenance: readonly string[] = []): Fleet {
  const hosts = new Map<string, HostView>([...fleet.hosts].map(([id, h]) => [id, { ...h }]));
  const vms = new Map<string, VmView>([...fleet.vms].map(([id, v]) => [id, { ...v }]));
  for (const move of moves) {
    const vm = vms.get(move.vmId);
    const to = hosts.get(move.toHostId);
    if (!vm || !to)
      throw new Error(`plan names ${!vm ? `VM ${move.vmId}` : `host ${move.toHostId}`}, which is not in the fleet`);
    vm.hostId = to.id;
    if (to.cluster !== undefined) vm.cluster = to.cluster;
    else delete vm.cluster;
    if (to.datacenter !== undefined) vm.datacenter = to.datacenter;
    else delete vm.datacenter;
  }
  for (const id of maintenance) {
    const host = hosts.get(id);
    if (host) host.maintenanceMode = true;
  }
  return { hosts, vms, perimeters: fleet.perimeters };
}
