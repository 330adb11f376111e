import type { Fleet, HostView, VmView } from '../../src/model/fleet';
import type { Host } from '../../src/model/host';
import type { Perimeter } from '../../src/model/perimeter';

/** A host with a flat, known capacity: 16 cores × 2,000 MHz, 64 GiB, two 10 GbE uplinks. */
export function host(id: string, over: Partial<Host> = {}): HostView {
  return {
    id,
    name: `${id}.example.net`,
    cluster: 'c1',
    datacenter: 'dc1',
    hypervisor: { vendor: 'vmware' },
    cpu: { sockets: 2, coresPerSocket: 8, mhz: 2000 },
    memoryMiB: 65536,
    nics: [
      { id: 'n0', speedMbps: 10000 },
      { id: 'n1', speedMbps: 10000 },
    ],
    ...over,
  };
}

/** A running VM with a flat 20 % CPU load (peak = average: the overload model sees no bursts). */
export function vm(id: string, hostId: string, over: Partial<VmView> = {}): VmView {
  return {
    id,
    name: id,
    hostId,
    powerState: 'poweredOn',
    vcpus: 2,
    memoryMiB: 8192,
    workload: { cpuAvgPct: 20, cpuPeakPct: 20 },
    movements: [],
    ...over,
  };
}

export function fleetOf(hosts: HostView[], vms: VmView[], perimeters: Perimeter[] = []): Fleet {
  return {
    hosts: new Map(hosts.map((h) => [h.id, h])),
    vms: new Map(vms.map((v) => [v.id, v])),
    perimeters: new Map(perimeters.map((p) => [p.id, p])),
  };
}
