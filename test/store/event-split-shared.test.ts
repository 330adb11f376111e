import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FleetEvent } from '../../src/model/event';
import { SharedValues } from '../../src/model/single-upsert';
import type { Item } from '../../src/store/batch';
import { joinEvent, SharedConfigMembers } from '../../src/store/event-split';
import { eventItem, eventKey } from '../../src/store/items';

/**
 * `loadFleet` parses each distinct `c` text once (`SharedConfigMembers`): an event read with it must be the event
 * read without it, and only members that neither `materialiseSingle` nor the fold keep may be one object for two
 * events.
 */

const TIME = '2026-12-01T00:00:00Z';
const item = (e: FleetEvent): Item => eventItem(e, JSON.stringify(e), eventKey(e), 0, 1);

function vm(id: string, body: Record<string, unknown>): FleetEvent {
  return { id: `e-${id}`, time: TIME, type: 'vm.upsert', vm: { id, name: id, hostId: 'h-1', ...body } } as FleetEvent;
}
function host(id: string, body: Record<string, unknown>): FleetEvent {
  return { id: `e-${id}`, time: TIME, type: 'host.upsert', host: { id, name: id, ...body } } as FleetEvent;
}

const vmx = { 'isolation.tools.copy.disable': 'TRUE', 'log.keepOld': '10', 'mks.enable3d': false };

describe('configuration members parsed once per read', () => {
  it('read every event exactly as without them, whatever repeats (property)', () => {
    const value = fc.oneof(
      fc.constantFrom('TRUE', 'FALSE', '', 'é✓', 0, -0, 1.5, true, null),
      fc.constant({ nested: 1 }),
      fc.constant([1, 2]),
    );
    const settings = fc.dictionary(fc.constantFrom('a', 'b', '__proto__', 'log.keepOld'), value, { maxKeys: 3 });
    const body = fc.record(
      {
        settings,
        guestOs: fc.constantFrom('rhel9_64Guest', 'windows2019srv_64Guest'),
        graphics: fc.constantFrom({ vga: true }, 'svga'),
        hardwareVersion: fc.constant('vmx-21'),
        labels: fc.dictionary(fc.constantFrom('app'), fc.constantFrom('a1', 'a2')),
      },
      { requiredKeys: [] },
    );
    const hostBody = fc.record(
      { settings, services: fc.constantFrom({ ntpd: 'on' }, { ntpd: { running: true } }), kernelSettings: settings },
      { requiredKeys: [] },
    );
    const events = fc.array(
      fc.oneof(
        fc.tuple(fc.constantFrom('vm-1', 'vm-2'), body).map(([id, b]) => vm(id, b)),
        fc.tuple(fc.constantFrom('h-1', 'h-2'), hostBody).map(([id, b]) => host(id, b)),
      ),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(events, (list) => {
        const shared = new SharedConfigMembers(new SharedValues());
        for (const e of list) {
          const read = joinEvent(item(e), shared);
          expect(read).toStrictEqual(joinEvent(item(e)));
          expect(JSON.stringify(read)).toBe(JSON.stringify(e));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('hand a repeated text of primitives and maps of primitives to each of its events as the same objects', () => {
    const shared = new SharedConfigMembers();
    const [a, b] = ['vm-1', 'vm-2'].map((id) => joinEvent(item(vm(id, { settings: vmx, guestOs: 'rhel' })), shared));
    const settingsOf = (e: FleetEvent | undefined) => (e as { vm: { settings: object } }).vm.settings;
    expect(settingsOf(a)).toBe(settingsOf(b));
    expect(settingsOf(a)).toStrictEqual(vmx);
  });

  it('parse again, for each event, a text holding other objects: kernel settings, a map of maps, a list', () => {
    const shared = new SharedConfigMembers();
    const cases: [FleetEvent, FleetEvent, (e: FleetEvent) => unknown][] = [
      [
        host('h-1', { kernelSettings: { a: 1 } }),
        host('h-2', { kernelSettings: { a: 1 } }),
        (e) => (e as { host: { kernelSettings: unknown } }).host.kernelSettings,
      ],
      [
        host('h-1', { services: { ntpd: { running: true } } }),
        host('h-2', { services: { ntpd: { running: true } } }),
        (e) => (e as { host: { services: unknown } }).host.services,
      ],
      [
        vm('vm-1', { settings: { a: [1] } }),
        vm('vm-2', { settings: { a: [1] } }),
        (e) => (e as { vm: { settings: unknown } }).vm.settings,
      ],
      [
        vm('vm-1', { securityLabels: ['s'] }),
        vm('vm-2', { securityLabels: ['s'] }),
        (e) => (e as { vm: { securityLabels: unknown } }).vm.securityLabels,
      ],
    ];
    for (const [one, two, member] of cases) {
      const [a, b] = [joinEvent(item(one), shared), joinEvent(item(two), shared)];
      expect(member(a)).toStrictEqual(member(b));
      expect(member(a)).not.toBe(member(b));
    }
  });

  it('tell apart texts of one length whose sampled characters are the same', () => {
    // Differ only in their second character: same length, middle, early and late characters.
    const shared = new SharedConfigMembers();
    const texts = ['a', 'b', 'c'].map((x) => `${x}${'-'.repeat(64)}`);
    const events = texts.map((t, i) => vm(`vm-${i}`, { settings: { k: t, rest: '-'.repeat(64) } }));
    for (let round = 0; round < 2; round++)
      for (const e of events) expect(JSON.stringify(joinEvent(item(e), shared))).toBe(JSON.stringify(e));
  });

  it('still refuse a damaged item whose `c` text was read well before', () => {
    const shared = new SharedConfigMembers();
    const good = item(vm('vm-1', { settings: vmx }));
    joinEvent(good, shared);
    // The same `c`, but `e` also holds `settings`: members that were never the event's own.
    const e = JSON.parse(good.e!.S!) as { vm: Record<string, unknown> };
    e.vm.settings = { other: '1' };
    const damaged: Item = { ...good, e: { S: JSON.stringify(e) } };
    expect(() => joinEvent(damaged, shared)).toThrow(/configuration members are not as stored/);
  });

  it('keep no more than a bounded size of text, whatever the texts parse to', () => {
    // Padded `c` texts (a planted store's; JSON allows the spaces) parse to one small member each, but each text kept
    // stays resident to the read's end: past the kept size, a text is parsed for each event as without the cache.
    const shared = new SharedConfigMembers();
    const padded = (i: number): Item => {
      const stored = item(vm(`vm-${i}`, { settings: vmx }));
      return { ...stored, c: { S: stored.c!.S! + ' '.repeat(1024 * 1024 + i) } };
    };
    const settingsOf = (e: FleetEvent) => (e as { vm: { settings: object } }).vm.settings;
    for (let i = 0; i < 20; i++) joinEvent(padded(i), shared);
    const [first, again] = [joinEvent(padded(19), shared), joinEvent(padded(19), shared)];
    expect(settingsOf(again)).toStrictEqual(vmx);
    expect(settingsOf(again)).not.toBe(settingsOf(first));
    // A text kept before the size was reached is still handed out again.
    expect(settingsOf(joinEvent(padded(0), shared))).toBe(settingsOf(joinEvent(padded(0), shared)));
  });

  it('tell the materialisation which maps many events hold as one object', () => {
    const values = new SharedValues();
    const shared = new SharedConfigMembers(values);
    const a = joinEvent(item(vm('vm-1', { settings: vmx })), shared) as { vm: { settings: object } };
    const b = joinEvent(item(vm('vm-2', { settings: { a: [1] } })), shared) as { vm: { settings: object } };
    expect(values.isRepeated(a.vm.settings)).toBe(true);
    expect(values.isRepeated(b.vm.settings)).toBe(false);
  });
});
