import { describe, expect, it } from 'vitest';
import { foldEvents } from '../../src/model/entity-state';
import type { FleetEvent } from '../../src/model/event';
import { materialiseFleet, type Fleet } from '../../src/model/fleet';
import { SharedValues, singleUpsertOf } from '../../src/model/single-upsert';

const time = '2026-12-01T00:00:00Z';

function vm(id: string, body: Record<string, unknown>): FleetEvent {
  return { id: `e-${id}`, time, type: 'vm.upsert', vm: { id, hostId: 'h1', ...body } } as FleetEvent;
}

/** The fleet of `events` through their single upserts, and through their fold, which builds every map on its own. */
function bothWays(events: FleetEvent[]): { single: Fleet; fold: Fleet } {
  return {
    single: materialiseFleet(events.map((e) => singleUpsertOf(e)!)),
    fold: materialiseFleet(foldEvents(events).values()),
  };
}

function expectSameText(a: Fleet, b: Fleet): void {
  const text = (f: Fleet) => JSON.stringify([[...f.hosts], [...f.vms], [...f.perimeters]]);
  expect(text(a)).toBe(text(b));
  expect([...a.vms.values()]).toStrictEqual([...b.vms.values()]);
  expect([...a.hosts.values()]).toStrictEqual([...b.hosts.values()]);
}

const vmx = { 'isolation.tools.copy.disable': 'TRUE', 'tools.setInfo.sizeLimit': '1048576', 'log.keepOld': 10 };

describe('maps many entities of one fleet hold alike', () => {
  it('are one object per distinct content in a materialised fleet, each entity still reading as its fold', () => {
    const events = [
      vm('a', { name: 'app1-a', labels: { app: 'app1', role: 'db' }, settings: vmx, workload: { cpuAvgPct: 10 } }),
      vm('b', {
        name: 'app1-b',
        labels: { app: 'app1', role: 'db' },
        settings: { ...vmx },
        workload: { cpuAvgPct: 20 },
      }),
      vm('c', { name: 'app2-c', labels: { app: 'app2', role: 'db' }, settings: { ...vmx, 'log.keepOld': 11 } }),
    ];
    const { single, fold } = bothWays(events);
    const [a, b, c] = ['a', 'b', 'c'].map((id) => single.vms.get(id)!);
    expect(a!.settings).toBe(b!.settings);
    expect(a!.labels).toBe(b!.labels);
    expect(a!.workload).not.toBe(b!.workload);
    expect(c!.settings).not.toBe(a!.settings);
    expect(c!.labels).not.toBe(a!.labels);
    expect(Object.getPrototypeOf(a!.settings)).toBeNull();
    expectSameText(single, fold);
  });

  it('are not shared when their values differ only as `===` and Object.is tell: -0 and 0, "1" and 1, true and "true"', () => {
    const events = [
      vm('zero', { settings: JSON.parse('{"x": 0, "y": "1", "z": true}') }),
      vm('minus-zero', { settings: JSON.parse('{"x": -0, "y": "1", "z": true}') }),
      vm('number', { settings: { x: 0, y: 1, z: true } }),
      vm('text', { settings: { x: 0, y: '1', z: 'true' } }),
      vm('zero-again', { settings: { x: 0, y: '1', z: true } }),
    ];
    const { single, fold } = bothWays(events);
    const settings = (id: string) => single.vms.get(id)!.settings as Record<string, unknown>;
    expect(Object.is(settings('minus-zero').x, -0)).toBe(true);
    expect(Object.is(settings('zero').x, 0)).toBe(true);
    const distinct = new Set(['zero', 'minus-zero', 'number', 'text'].map(settings));
    expect(distinct.size).toBe(4);
    expect(settings('zero-again')).toBe(settings('zero'));
    expectSameText(single, fold);
  });

  it('are not shared when they hold objects (a host’s services), nor across two materialisations', () => {
    const services = () => ({ 'TSM-SSH': { running: true, policy: 'on' } });
    const host = (id: string): FleetEvent =>
      ({ id: `e-${id}`, time, type: 'host.upsert', host: { id, cluster: 'c1', services: services() } }) as FleetEvent;
    const events = [host('h1'), host('h2'), vm('a', { settings: vmx }), vm('b', { settings: vmx })];
    const { single, fold } = bothWays(events);
    expect(single.hosts.get('h1')!.services).not.toBe(single.hosts.get('h2')!.services);
    expectSameText(single, fold);
    const again = bothWays(events).single;
    expect(again.vms.get('a')!.settings).not.toBe(single.vms.get('a')!.settings);
  });

  it('are shared when a fleet’s first entities all differ, and read as their fold past the point where lookups stop', () => {
    const events = Array.from({ length: 6000 }, (_, i) =>
      vm(`v${i}`, {
        name: `a-very-long-name-of-vm-${i}`,
        guestOs: 'windows2019srv_64Guest',
        // One app per VM for the first 997 VMs, as bench/growth's fleets have them.
        labels: { app: `app${i % 997}`, role: 'web' },
        settings: { 'log.keepOld': String(i % 3), 'tools.setInfo.sizeLimit': '1048576' },
        workload: { cpuAvgPct: i % 100, cpuPeakPct: i, peakHourUtc: i % 24 },
      }),
    );
    const { single, fold } = bothWays(events);
    expectSameText(single, fold);
    const kinds = (field: 'labels' | 'settings') => new Set([...single.vms.values()].map((v) => v[field])).size;
    expect(kinds('labels')).toBe(997);
    expect(kinds('settings')).toBe(3);
  });

  it('are compared with a bounded number of maps met before when many distinct maps hash alike', () => {
    // Host names of one length, alike in their first, middle and last characters: a hash of those does not tell them apart.
    const constant = Object.fromEntries(Array.from({ length: 20 }, (_, k) => [`key.number${k}`, `value-${k}`]));
    const settings = (i: number) => ({
      ...constant,
      'zz.hostname': `vm-${String(i).padStart(6, '0')}.corp.example.com`,
    });
    const events = Array.from({ length: 2000 }, (_, i) => vm(`v${i}`, { settings: settings(i) }));
    let reads = 0;
    const counted = new Proxy(settings(2000), {
      get: (target, key, receiver) => {
        reads++;
        return Reflect.get(target, key, receiver);
      },
    });
    events.push(vm('last', { settings: counted }));
    const { single, fold } = bothWays(events);
    expectSameText(single, fold);
    // Planning, hashing and building read each of its 21 values a few times; each map compared reads up to 21 more.
    expect(reads).toBeLessThan(21 * 20);
  });

  it('are looked up for a bounded number of map fields when a fleet has more shapes than are planned', () => {
    // Every VM its own shape: past the plans kept, each is planned again, with map fields of its own.
    const events = Array.from({ length: 3000 }, (_, i) =>
      vm(`v${i}`, {
        settings: { [`guestinfo.k${i}`]: '1', 'log.keepOld': '10' },
        labels: { [`label${i}`]: 'x' },
        workload: { cpuAvgPct: i % 100 },
      }),
    );
    const shared = new SharedValues();
    const single = materialiseFleet(
      events.map((e) => singleUpsertOf(e)!),
      shared,
    );
    expectSameText(single, materialiseFleet(foldEvents(events).values()));
    expect(shared.mapFields).toBeLessThanOrEqual(4000);
  });

  it('found by the object for a map told to be repeated are the maps found by their values, and -0 still not shared', () => {
    // SharedConfigMembers hands one parsed `settings` to many events and tells SharedValues so (`repeats`).
    const repeated = { ...vmx };
    const minusZero = JSON.parse('{"x": -0}') as Record<string, unknown>;
    const events = [
      vm('a', { settings: repeated }),
      vm('b', { settings: { ...vmx } }),
      vm('c', { settings: repeated }),
      vm('d', { settings: minusZero }),
      vm('e', { settings: minusZero }),
    ];
    const told = new SharedValues();
    told.repeats(repeated);
    told.repeats(minusZero);
    const single = materialiseFleet(
      events.map((e) => singleUpsertOf(e)!),
      told,
    );
    const settings = (id: string) => single.vms.get(id)!.settings;
    expect(settings('a')).toBe(settings('b'));
    expect(settings('c')).toBe(settings('a'));
    expect(settings('a')).not.toBe(repeated);
    expect(settings('d')).not.toBe(settings('e'));
    expect(Object.is((settings('e') as Record<string, unknown>).x, -0)).toBe(true);
    expectSameText(single, materialiseFleet(foldEvents(events).values()));
  });
});
