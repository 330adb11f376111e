import fc from 'fast-check';
import type { FleetEvent } from '../../../src/model/event';
import { foldEvents } from '../../../src/model/entity-state';
import { materialiseFleet, type Fleet } from '../../../src/model/fleet';
import type { SettingValue } from '../../../src/model/host';
import type { Condition, LoadedRule } from '../../../src/engine/types';

/** Values that hit every branch rules care about: good, bad, string-typed, case variants, empty. */
export const VALUE_POOL: SettingValue[] = [
  '1',
  1,
  0,
  '0',
  2,
  true,
  false,
  'TRUE',
  'false',
  '',
  'none',
  'root',
  '+0',
  'qemu',
  'selinux',
  'required',
  'opportunistic',
  'info',
  'error',
  'debug',
  'sslv3,tlsv1,tlsv1.1',
  'sslv3',
  'TLSv1.1, sslv3,tlsv1',
  900,
  600,
  5,
  3,
  10,
  30,
  90,
  9999,
  99999,
  100000,
  1048576,
  2048000,
  -1,
  '127.0.0.1',
  '0.0.0.0',
  'PartnerSupported',
  'CommunitySupported',
  'similar=deny retry=3 min=disabled,disabled,disabled,disabled,15 max=64',
  'ssl://log.example.net:1514',
  'udp://log.example.net:514',
];

/** Every setting key any rule reads, so random fleets exercise each rule. */
export function settingKeys(rules: readonly LoadedRule[], type: 'host' | 'vm'): string[] {
  const keys = new Set<string>();
  const walk = (c: Condition) => {
    if ('all' in c) c.all.forEach(walk);
    else if ('any' in c) c.any.forEach(walk);
    else if ('not' in c) walk(c.not);
    else if ((c.fact === 'setting' || c.fact === 'settingList') && typeof c.params?.key === 'string')
      keys.add(c.params.key);
  };
  for (const r of rules) if (r.resourceType === type) walk(r.conditions);
  if (type === 'host') keys.add('Syslog.global.logHost');
  return [...keys].sort();
}

const SERVICES = ['TSM-SSH', 'TSM', 'ntpd', 'slpd', 'snmpd', 'sfcbd-watchdog'];
const CLUSTERS = ['c0', 'c1', 'c2'];
const DCS = ['dc0', 'dc1'];
const NETWORKS = ['n0', 'n1', 'n2'];
const PERIMETERS = ['p0', 'p1', 'p2'];
const BUILDS = ['17867351', '22380479', '24280767', '24585383', 'x1'];

const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const settingsArb = (keys: string[]) =>
  fc
    .subarray(keys, { maxLength: Math.min(keys.length, 12) })
    .chain((ks) =>
      fc
        .tuple(...ks.map(() => fc.constantFrom(...VALUE_POOL)))
        .map((vals) => Object.fromEntries(ks.map((k, i) => [k, vals[i]!]))),
    );

function strip<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

const hostArb = (keys: string[]) =>
  fc.record({
    vendor: opt(fc.constantFrom('vmware', 'kvm', 'hyperv')),
    build: opt(fc.constantFrom(...BUILDS)),
    cluster: opt(fc.constantFrom(...CLUSTERS)),
    datacenter: opt(fc.constantFrom(...DCS)),
    perimeter: opt(fc.constantFrom(...PERIMETERS)),
    cpu: opt(
      fc.record({
        sockets: fc.integer({ min: 1, max: 2 }),
        coresPerSocket: fc.integer({ min: 1, max: 8 }),
        mhz: fc.constantFrom(2000, 3000),
      }),
    ),
    memoryMiB: opt(fc.constantFrom(0, 16384, 65536)),
    nics: opt(fc.array(fc.constantFrom(1000, 10000), { maxLength: 3 })),
    iopsCapacity: opt(fc.constantFrom(0, 1000, 20000)),
    settings: settingsArb(keys),
    services: fc
      .subarray(SERVICES)
      .chain((names) =>
        fc
          .tuple(
            ...names.map(() =>
              fc.record({ running: fc.boolean(), policy: opt(fc.constantFrom('on', 'off', 'automatic')) }),
            ),
          )
          .map((vals) => Object.fromEntries(names.map((n, i) => [n, strip(vals[i]!)]))),
      ),
    lockdownMode: opt(fc.constantFrom('disabled', 'normal', 'strict')),
    secureBoot: opt(fc.boolean()),
    tpm: opt(fc.boolean()),
    ntpServers: opt(fc.array(fc.constant('ntp.example.net'), { maxLength: 2 })),
    syslogHosts: opt(fc.array(fc.constantFrom('ssl://log:1514', 'udp://log:514'), { maxLength: 2 })),
    maintenanceMode: opt(fc.boolean()),
  });

const vmArb = (keys: string[], hostCount: number) =>
  fc.record({
    host: opt(fc.integer({ min: 0, max: hostCount })),
    perimeter: opt(fc.constantFrom(...PERIMETERS, 'p-unknown')),
    powerState: opt(fc.constantFrom('poweredOn', 'poweredOff', 'suspended')),
    vcpus: opt(fc.integer({ min: 1, max: 16 })),
    memoryMiB: opt(fc.constantFrom(1024, 8192, 65536)),
    networks: fc.subarray(NETWORKS),
    passthrough: fc.boolean(),
    disks: fc.array(fc.constantFrom('ide', 'scsi', 'nvme'), { maxLength: 2 }),
    settings: settingsArb(keys),
    app: opt(fc.constantFrom('shop', 'crm')),
    role: opt(fc.constantFrom('db', 'web')),
    criticality: opt(fc.constantFrom('critical', 'low')),
    chatty: opt(fc.constantFrom(true, 'true', false)),
    cpuPeakPct: opt(fc.constantFrom(50, 85, 99)),
    peakHourUtc: opt(fc.integer({ min: 0, max: 2 })),
    iops: opt(fc.constantFrom(0, 600, 6000)),
    netMbps: opt(fc.constantFrom(0, 500, 5000)),
  });

const perimeterArb = fc.record({
  allowedHosts: opt(fc.subarray(['h0', 'h1', 'h2', 'h3'])),
  allowedClusters: opt(fc.subarray(CLUSTERS)),
  allowedDatacenters: opt(fc.subarray(DCS)),
  allowedNetworks: opt(fc.subarray(NETWORKS)),
  trustLevel: opt(fc.integer({ min: 0, max: 3 })),
});

type VmBody = Extract<FleetEvent, { type: 'vm.upsert' }>['vm'];
export type HostSpec = fc.Arbitrary<ReturnType<typeof hostArb> extends fc.Arbitrary<infer T> ? T : never>;

const T0 = Date.UTC(2026, 10, 1);
export const at = (n: number) => new Date(T0 + n * 1000).toISOString();

/** A random fleet as the canonical events that build it, so tests exercise the same path ingest does. */
export function fleetEventsArb(rules: readonly LoadedRule[]): fc.Arbitrary<FleetEvent[]> {
  const hostKeys = settingKeys(rules, 'host');
  const vmKeys = settingKeys(rules, 'vm');
  return fc.integer({ min: 1, max: 6 }).chain((hostCount) =>
    fc
      .record({
        perimeters: fc.array(perimeterArb, { minLength: 0, maxLength: PERIMETERS.length }),
        hosts: fc.array(hostArb(hostKeys), { minLength: hostCount, maxLength: hostCount }),
        vms: fc.array(vmArb(vmKeys, hostCount), { maxLength: 14 }),
        moves: fc.array(fc.tuple(fc.nat(20), fc.nat(hostCount), fc.nat(hostCount)), { maxLength: 5 }),
        clones: fc.array(fc.tuple(fc.nat(20), fc.nat(hostCount)), { maxLength: 3 }),
      })
      .map(({ perimeters, hosts, vms, moves, clones }) => {
        const events: FleetEvent[] = [];
        let n = 0;
        for (const [i, p] of perimeters.entries())
          events.push({
            id: `p-${i}`,
            time: at(n++),
            type: 'perimeter.upsert',
            perimeter: strip({ id: PERIMETERS[i]!, ...p }),
          });
        for (const [i, h] of hosts.entries())
          events.push({
            id: `h-${i}`,
            time: at(n++),
            type: 'host.upsert',
            host: strip({
              id: `h${i}`,
              name: `host-${i}`,
              cluster: h.cluster,
              datacenter: h.datacenter,
              perimeter: h.perimeter,
              hypervisor: h.vendor ? strip({ vendor: h.vendor, build: h.build }) : undefined,
              cpu: h.cpu,
              memoryMiB: h.memoryMiB,
              nics: h.nics?.map((speedMbps, k) => ({ id: `vmnic${k}`, speedMbps })),
              storage: h.iopsCapacity !== undefined ? { iopsCapacity: h.iopsCapacity } : undefined,
              settings: h.settings,
              services: h.services,
              lockdownMode: h.lockdownMode,
              secureBoot: h.secureBoot,
              tpm: h.tpm,
              ntpServers: h.ntpServers,
              syslogHosts: h.syslogHosts,
              maintenanceMode: h.maintenanceMode,
            }),
          });
        for (const [i, v] of vms.entries())
          events.push({
            id: `v-${i}`,
            time: at(n++),
            type: 'vm.upsert',
            vm: strip({
              id: `v${i}`,
              name: `vm-${i}`,
              hostId: v.host !== undefined ? `h${v.host}` : undefined,
              perimeter: v.perimeter,
              powerState: v.powerState,
              vcpus: v.vcpus,
              memoryMiB: v.memoryMiB,
              nics: v.networks.map((network) =>
                v.passthrough ? { network, passthrough: true } : { network, adapter: 'vmxnet3' },
              ),
              disks: v.disks.map((controller) => ({ controller })),
              settings: v.settings,
              labels: strip({ app: v.app, role: v.role, criticality: v.criticality, chatty: v.chatty }),
              workload: strip({
                cpuPeakPct: v.cpuPeakPct,
                peakHourUtc: v.peakHourUtc,
                iops: v.iops,
                netMbps: v.netMbps,
              }),
            }) as VmBody,
          });
        if (vms.length > 0) {
          for (const [k, [vm, from, to]] of moves.entries())
            events.push({
              id: `m-${k}`,
              time: at(n++),
              type: 'vm.migrate',
              migrate: { vmId: `v${vm % vms.length}`, fromHostId: `h${from}`, toHostId: `h${to}`, kind: 'live' },
            });
          for (const [k, [src, host]] of clones.entries())
            events.push({
              id: `c-${k}`,
              time: at(n++),
              type: 'vm.clone',
              clone: { sourceVmId: `v${src % vms.length}`, vm: { id: `clone${k}`, hostId: `h${host}` } },
            });
        }
        return events;
      }),
  );
}

export function fleetOf(events: readonly FleetEvent[]): Fleet {
  return materialiseFleet(foldEvents(events).values());
}

/** A stored simulation for some hosts, or none. */
export const simulationArb = fc.option(
  fc.array(fc.tuple(fc.nat(6), fc.constantFrom(0, 0.05, 0.2)), { maxLength: 4 }).map((entries) => ({
    hosts: Object.fromEntries(entries.map(([h, f]) => [`h${h}`, { overloadedTimeFraction: f, score: 1 }])),
  })),
  { nil: undefined },
);
