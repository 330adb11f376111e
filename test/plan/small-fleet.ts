import type { Fleet, HostView, VmView } from '../../src/model/fleet';
import type { Host } from '../../src/model/host';
import type { Perimeter } from '../../src/model/perimeter';
import { mulberry32 } from '../../src/simulation/random';

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

const perimeters: Perimeter[] = [
  { id: 'secure', allowedClusters: ['c2'], trustLevel: 9 },
  { id: 'corp', trustLevel: 6 },
  { id: 'lab', trustLevel: 4 },
];

/** A small fleet with planted problems: VMs outside their perimeter, mixed trust, replicas together, a full host. */
export function randomFleet(seed: number) {
  const random = mulberry32(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const hosts = [host('h1'), host('h2'), host('h3'), host('s1', { cluster: 'c2' }), host('s2', { cluster: 'c2' })];
  const vms = Array.from({ length: 6 }, (_, i) => {
    const perimeter = pick(['secure', 'corp', 'corp', 'lab']);
    const home = perimeter === 'secure' && random() < 0.6 ? pick(['s1', 's2']) : pick(['h1', 'h2', 'h3']);
    return vm(`v${i}`, home, {
      perimeter,
      perimeterSource: 'own',
      memoryMiB: pick([8192, 16384, 32768]),
      vcpus: pick([2, 4, 8]),
      ...(random() < 0.4 && { labels: { app: 'app', role: pick(['web', 'db']) } }),
    });
  });
  return fleetOf(hosts, vms, perimeters);
}
