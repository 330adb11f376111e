import type { FleetEvent } from '../../src/model/event';
import { mulberry32 } from '../../src/simulation/random';

/** Seeded: the same seed gives the same shuffle on every run. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const random = mulberry32(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export interface HistoryOptions {
  events: number;
  seed?: number;
  hosts?: number;
  /** VMs created up front; clones add more. */
  vms?: number;
  perimeters?: number;
}

/**
 * A plausible fleet history: perimeters, hosts and VMs created, then a long mix of partial upserts,
 * power changes, migrations (every kind), clones, host connection and maintenance changes, and removals
 * with re-creation. Times only move forward but repeat now and then, so ties are resolved by event id.
 * Every event has a unique id; the result has exactly `events` events, in event-time order.
 */
export function generateHistory(options: HistoryOptions): FleetEvent[] {
  return [...historyEvents(options)];
}

/** The same history as a stream, for runs too large to hold in memory (bench/ingest-load). */
export function* historyEvents(options: HistoryOptions): Generator<FleetEvent> {
  const random = mulberry32(options.seed ?? 1);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const hostCount = options.hosts ?? 40;
  const vmCount = options.vms ?? 400;
  const perimeterCount = options.perimeters ?? 4;
  let count = 0;
  let clock = Date.parse('2024-01-01T00:00:00Z');
  const time = () => {
    // One in ten events shares its predecessor's millisecond.
    if (random() >= 0.1) clock += 1 + Math.floor(random() * 60_000);
    return new Date(clock).toISOString();
  };
  const id = () => `h${options.seed ?? 1}-${count}`;

  function* emit(e: FleetEvent): Generator<FleetEvent> {
    if (count >= options.events) return;
    count++;
    yield e;
  }

  const perimeters = Array.from({ length: perimeterCount }, (_, i) => `perim-${i}`);
  const clusters = ['prod-a', 'prod-b', 'dmz', 'lab'];
  const hosts = Array.from({ length: hostCount }, (_, i) => `esx-${i}`);
  const vms: string[] = [];
  for (const p of perimeters) {
    yield* emit({
      id: id(),
      time: time(),
      type: 'perimeter.upsert',
      perimeter: {
        id: p,
        name: p.toUpperCase(),
        allowedClusters: [pick(clusters)],
        trustLevel: Math.floor(random() * 5),
      },
    });
  }
  for (const h of hosts) {
    yield* emit({
      id: id(),
      time: time(),
      type: 'host.upsert',
      host: {
        id: h,
        name: `${h}.example`,
        cluster: pick(clusters),
        perimeter: pick(perimeters),
        hypervisor: { vendor: pick(['vmware', 'kvm', 'proxmox'] as const), version: '8.0' },
        memoryMiB: 262144,
        settings: { 'UserVars.ESXiShellTimeOut': 900 },
      },
    });
  }
  const newVm = (vmId: string): FleetEvent => ({
    id: id(),
    time: time(),
    type: 'vm.upsert',
    vm: {
      id: vmId,
      name: `vm ${vmId}`,
      hostId: pick(hosts),
      perimeter: pick(perimeters),
      vcpus: 1 + Math.floor(random() * 8),
      memoryMiB: 1024 * (1 + Math.floor(random() * 16)),
      powerState: 'poweredOff',
      labels: { app: pick(['web', 'db', 'cache']) },
    },
  });
  for (let i = 0; i < vmCount; i++) {
    vms.push(`vm-${i}`);
    yield* emit(newVm(`vm-${i}`));
  }
  while (count < options.events) {
    const r = random();
    const vm = pick(vms);
    const host = pick(hosts);
    if (r < 0.25)
      yield* emit({ id: id(), time: time(), type: random() < 0.5 ? 'vm.power_on' : 'vm.power_off', vm: { id: vm } });
    else if (r < 0.45)
      yield* emit({
        id: id(),
        time: time(),
        type: 'vm.upsert',
        vm: {
          id: vm,
          memoryMiB: 1024 * (1 + Math.floor(random() * 32)),
          settings: { 'isolation.tools.copy.disable': random() < 0.5 },
          labels: { tier: pick(['1', '2', '3']) },
        },
      });
    else if (r < 0.6)
      yield* emit({
        id: id(),
        time: time(),
        type: 'vm.migrate',
        migrate: {
          vmId: vm,
          toHostId: host,
          kind: pick(['live', 'cold', 'evacuate', 'drs', 'ha'] as const),
          toDatastore: `ds-${Math.floor(random() * 5)}`,
        },
      });
    else if (r < 0.66) {
      const clone = `vm-${vms.length}`;
      vms.push(clone);
      // Half the clones name no perimeter and inherit the source's.
      yield* emit({
        id: id(),
        time: time(),
        type: 'vm.clone',
        clone: {
          sourceVmId: vm,
          vm: {
            id: clone,
            name: `clone of ${vm}`,
            hostId: host,
            ...(random() < 0.5 && { perimeter: pick(perimeters) }),
          },
        },
      });
    } else if (r < 0.7) yield* emit({ id: id(), time: time(), type: 'vm.remove', vm: { id: vm } });
    else if (r < 0.73) yield* emit(newVm(vm));
    else if (r < 0.8)
      yield* emit({
        id: id(),
        time: time(),
        type: pick([
          'host.connection_lost',
          'host.connected',
          'host.maintenance_enter',
          'host.maintenance_exit',
        ] as const),
        host: { id: host },
      });
    else if (r < 0.9)
      yield* emit({
        id: id(),
        time: time(),
        type: 'host.upsert',
        host: {
          id: host,
          settings: { 'UserVars.ESXiShellTimeOut': pick([0, 300, 900]) },
          services: { TSM: { running: random() < 0.3 } },
        },
      });
    else if (r < 0.91) yield* emit({ id: id(), time: time(), type: 'host.remove', host: { id: host } });
    else if (r < 0.93)
      yield* emit({
        id: id(),
        time: time(),
        type: 'host.upsert',
        host: { id: host, name: `${host}.example`, cluster: pick(clusters) },
      });
    else
      yield* emit({
        id: id(),
        time: time(),
        type: 'vm.upsert',
        vm: { id: vm, workload: { cpuAvgPct: Math.floor(random() * 100), iops: Math.floor(random() * 5000) } },
      });
  }
}
