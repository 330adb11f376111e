import { emptyFleet, type Fleet, type HostView, type VmView } from '../../src/model/fleet';
import { mulberry32 } from '../../src/simulation/random';
import type { FleetEvent } from '../../src/model/event';

/**
 * A seeded synthetic fleet for benches and scale tests: hosts in 16-host clusters (by default) over three
 * datacenters, 5 perimeters bound to clusters, VMX and ESXi settings mostly compliant with a few drifting, 5% of
 * VMs with a live migration from the next host (which crosses a cluster at every cluster's last host). Options
 * add hosts with no cluster and VMs whose host is unknown, the edge cases a sharded audit must place.
 */
export interface GeneratedFleetOptions {
  hosts: number;
  vmsPerHost: number;
  hostsPerCluster?: number;
  seed?: number;
  /** Every n-th host has no cluster (0: none). */
  unclusteredEvery?: number;
  /** VMs placed on a host id no source reported. */
  strayVms?: number;
}

const GOOD_ESXI: Record<string, string | number | boolean> = {
  'Security.AccountLockFailures': 5,
  'Security.AccountUnlockTime': 900,
  'Security.PasswordHistory': 5,
  'UserVars.ESXiShellInteractiveTimeOut': 900,
  'UserVars.ESXiShellTimeOut': 600,
  'Mem.ShareForceSalting': 2,
  'Mem.MemEagerZero': 1,
  'Net.BlockGuestBPDU': 1,
  'Syslog.global.auditRecord.storageEnable': true,
  'Syslog.global.auditRecord.remoteEnable': true,
  'Syslog.global.auditRecord.storageCapacity': 100,
  'Syslog.global.certificate.strictX509Compliance': true,
  'VMkernel.Boot.execInstalledOnly': true,
  'Security.PasswordQualityControl': 'similar=deny retry=3 min=disabled,disabled,disabled,disabled,15 max=64',
  'Config.HostAgent.vmacore.soap.sessionTimeout': 10,
};
const BAD_ESXI: Record<string, string | number | boolean> = {
  'Security.AccountLockFailures': 0,
  'UserVars.ESXiShellTimeOut': 0,
  'Mem.ShareForceSalting': 0,
  'Net.BlockGuestBPDU': '0',
  'Config.HostAgent.plugins.solo.enableMob': 'true',
  'UserVars.ESXiVPsDisabledProtocols': 'sslv3',
};
const VMX_GOOD: Record<string, string | number> = {
  'RemoteDisplay.maxConnections': 1,
  'migrate.encryptionMode': 'required',
  'tools.guest.desktop.autolock': 'TRUE',
};
const VMX_BAD: Record<string, string | number> = {
  'isolation.tools.copy.disable': 'FALSE',
  'RemoteDisplay.maxConnections': -1,
  'tools.guestlib.enableHostInfo': 'TRUE',
  'migrate.encryptionMode': 'opportunistic',
};

/** Shared by the whole-fleet and the per-cluster generators: per-host seeded, so a cluster is the same either way. */
interface Plan {
  seed: number;
  hosts: number;
  vmsPerHost: number;
  perCluster: number;
  clusters: number;
  unclusteredEvery: number;
}

const PERIMETER_IDS = ['pci', 'corp', 'dmz', 'dev', 'research'] as const;

function planOf(options: GeneratedFleetOptions): Plan {
  const perCluster = options.hostsPerCluster ?? 16;
  return {
    seed: options.seed ?? 20261126,
    hosts: options.hosts,
    vmsPerHost: options.vmsPerHost,
    perCluster,
    clusters: Math.max(1, Math.ceil(options.hosts / perCluster)),
    unclusteredEvery: options.unclusteredEvery ?? 0,
  };
}

function clusterOf(plan: Plan, h: number): string | undefined {
  return plan.unclusteredEvery && h % plan.unclusteredEvery === plan.unclusteredEvery - 1
    ? undefined
    : `c${Math.floor(h / plan.perCluster)}`;
}

/** One random stream per (host, part), so any host and its VMs can be generated alone. */
function randomFor(plan: Plan, h: number, part: 'host' | 'vms') {
  const rand = mulberry32((plan.seed ^ Math.imul(h + 1, 0x9e3779b1) ^ (part === 'vms' ? 0x5bd1e995 : 0)) >>> 0);
  return {
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!,
    chance: (p: number) => rand() < p,
  };
}

function perimetersOf(plan: Plan): Fleet['perimeters'] {
  const out: Fleet['perimeters'] = new Map();
  for (const [i, id] of PERIMETER_IDS.entries())
    out.set(id, {
      id,
      trustLevel: i * 2,
      allowedClusters: Array.from({ length: 40 }, (_, k) => `c${(i * 40 + k) % plan.clusters}`),
      allowedNetworks: [`net-${id}`],
    });
  return out;
}

function generateHost(plan: Plan, h: number): HostView {
  const { pick, chance } = randomFor(plan, h, 'host');
  const vendor = chance(0.7) ? 'vmware' : chance(0.67) ? 'kvm' : 'hyperv';
  const settings: Record<string, string | number | boolean> = {};
  if (vendor === 'vmware') {
    for (const [k, v] of Object.entries(GOOD_ESXI)) if (chance(0.9)) settings[k] = v;
    for (const [k, v] of Object.entries(BAD_ESXI)) if (chance(0.05)) settings[k] = v;
  } else if (vendor === 'kvm') {
    settings.security_driver = chance(0.95) ? 'selinux' : 'none';
    settings.user = chance(0.9) ? 'qemu' : 'root';
    settings.migrate_tls_force = chance(0.8) ? 1 : 0;
    settings.security_require_confined = chance(0.8) ? 1 : 0;
  }
  const cluster = clusterOf(plan, h);
  return {
    id: `host-${h}`,
    name: `esx-${h}.example.net`,
    ...(cluster !== undefined && { cluster }),
    datacenter: `dc${h % 3}`,
    hypervisor: { vendor, build: pick(['22380479', '24280767', '24585383']) },
    cpu: { sockets: pick([1, 2, 2, 2]), coresPerSocket: pick([8, 16, 24]), mhz: 2600 },
    memoryMiB: pick([262144, 524288, 1048576]),
    nics: [
      { id: 'vmnic0', speedMbps: 10000 },
      { id: 'vmnic1', speedMbps: 10000 },
    ],
    storage: { iopsCapacity: pick([20000, 50000, 100000]) },
    settings,
    services: { 'TSM-SSH': { running: chance(0.05), policy: 'off' }, ntpd: { running: true, policy: 'on' } },
    lockdownMode: chance(0.9) ? 'normal' : 'disabled',
    secureBoot: chance(0.95),
    tpm: chance(0.9),
    ntpServers: ['ntp1.example.net'],
    syslogHosts: chance(0.95) ? ['ssl://syslog.example.net:1514'] : [],
  };
}

function generateHostVms(plan: Plan, h: number): VmView[] {
  const { pick, chance } = randomFor(plan, h, 'vms');
  const cluster = clusterOf(plan, h);
  const out: VmView[] = [];
  for (let k = 0; k < plan.vmsPerHost; k++) {
    const v = h * plan.vmsPerHost + k;
    const perimeter = chance(0.6) ? pick(PERIMETER_IDS) : undefined;
    const settings: Record<string, string | number> = {};
    // Most VMs carry the SCG values whose installation defaults are not compliant; a few drift.
    for (const [key, val] of Object.entries(VMX_GOOD)) if (chance(0.95)) settings[key] = val;
    for (const [key, val] of Object.entries(VMX_BAD)) if (chance(0.03)) settings[key] = val;
    out.push({
      id: `vm-${v}`,
      name: `app-${v}`,
      hostId: `host-${h}`,
      ...(cluster !== undefined && { cluster }),
      datacenter: `dc${h % 3}`,
      ...(perimeter !== undefined && { perimeter, perimeterSource: 'own' as const }),
      powerState: chance(0.9) ? 'poweredOn' : 'poweredOff',
      vcpus: pick([1, 2, 4, 8]),
      memoryMiB: pick([2048, 8192, 16384, 32768]),
      nics: [
        { network: perimeter !== undefined && chance(0.98) ? `net-${perimeter}` : 'net-office', adapter: 'vmxnet3' },
      ],
      disks: [{ controller: chance(0.02) ? 'ide' : 'scsi', sizeGiB: 100 }],
      settings,
      labels: {
        app: `app${v % 997}`,
        role: pick(['web', 'db', 'cache']),
        ...(chance(0.02) && { criticality: 'critical', chatty: true }),
      },
      workload: {
        cpuPeakPct: pick([40, 60, 85, 95]),
        peakHourUtc: pick([9, 10, 14, 20]),
        iops: pick([50, 200, 800, 3000]),
        netMbps: pick([10, 100, 500]),
      },
      movements: chance(0.05)
        ? [
            {
              eventId: `mig-${v}`,
              time: '2026-11-20T10:00:00Z',
              kind: 'live',
              fromHostId: `host-${(h + 1) % plan.hosts}`,
              toHostId: `host-${h}`,
            },
          ]
        : [],
    });
  }
  return out;
}

export function generateFleet(options: GeneratedFleetOptions): Fleet {
  const plan = planOf(options);
  const fleet = emptyFleet();
  fleet.perimeters = perimetersOf(plan);
  for (let h = 0; h < plan.hosts; h++) fleet.hosts.set(`host-${h}`, generateHost(plan, h));
  for (let h = 0; h < plan.hosts; h++) for (const vm of generateHostVms(plan, h)) fleet.vms.set(vm.id, vm);
  // Seeded, so every run audits the same fleet.
  const rand = mulberry32(plan.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  let v = plan.hosts * plan.vmsPerHost;
  for (let s = 0; s < (options.strayVms ?? 0); s++, v++) {
    fleet.vms.set(`vm-${v}`, {
      id: `vm-${v}`,
      hostId: `host-unreported-${s}`,
      ...(rand() < 0.5 && { perimeter: pick(PERIMETER_IDS), perimeterSource: 'own' as const }),
      settings: {},
      labels: {},
      movements: [],
    } as VmView);
  }
  return fleet;
}

/** How many clusters `generateClusterFleet` can be asked for (options without unclustered hosts or strays). */
export function generatedClusterCount(options: GeneratedFleetOptions): number {
  return planOf(options).clusters;
}

/**
 * Cluster `c{index}` of the fleet `generateFleet(options)` gives (same hosts, VMs and perimeters), plus as
 * context the hosts its VMs migrated from: what one shard holds, generated without the rest of the fleet, so a
 * million-VM fleet is generated and audited one cluster at a time in bounded memory.
 */
export function generateClusterFleet(
  options: GeneratedFleetOptions,
  index: number,
): { fleet: Fleet; hostIds: Set<string>; vmIds: Set<string> } {
  const plan = planOf(options);
  if (plan.unclusteredEvery || options.strayVms) throw new Error('per-cluster generation needs every host clustered');
  const fleet = emptyFleet();
  fleet.perimeters = perimetersOf(plan);
  const hostIds = new Set<string>();
  const vmIds = new Set<string>();
  const first = index * plan.perCluster;
  const last = Math.min(plan.hosts, first + plan.perCluster);
  for (let h = first; h < last; h++) {
    fleet.hosts.set(`host-${h}`, generateHost(plan, h));
    hostIds.add(`host-${h}`);
  }
  for (let h = first; h < last; h++)
    for (const vm of generateHostVms(plan, h)) {
      fleet.vms.set(vm.id, vm);
      vmIds.add(vm.id);
    }
  for (const vm of fleet.vms.values())
    for (const m of vm.movements) {
      const from = m.fromHostId === undefined ? undefined : Number(m.fromHostId.slice('host-'.length));
      if (from !== undefined && !fleet.hosts.has(`host-${from}`))
        fleet.hosts.set(`host-${from}`, generateHost(plan, from));
    }
  return { fleet, hostIds, vmIds };
}

/** The fleet as the upsert events a source would send (migrations left out: they are events of their own). */
export function fleetEvents(fleet: Fleet, time = '2026-11-20T12:00:00.000Z'): FleetEvent[] {
  const events: FleetEvent[] = [];
  for (const p of fleet.perimeters.values())
    events.push({ id: `p-${p.id}`, time, type: 'perimeter.upsert', perimeter: p } as FleetEvent);
  for (const h of fleet.hosts.values())
    events.push({ id: `h-${h.id}`, time, type: 'host.upsert', host: h } as FleetEvent);
  for (const { movements: _m, perimeterSource: _s, ...vm } of fleet.vms.values())
    events.push({ id: `v-${vm.id}`, time, type: 'vm.upsert', vm } as FleetEvent);
  return events;
}
