import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FleetEvent } from '../../src/model/event';
import type { Item } from '../../src/store/batch';
import { eventItem, eventKey, itemBytes, readEvent } from '../../src/store/items';

/**
 * An event item keeps an upsert's configuration members in `c`, apart from the rest in `e` (src/store/event-split.ts).
 * Every reader that reads both must get the stored event back exactly, member order included; an item stored before
 * the split (only `e`) reads as it did; and the split item is no bigger, to within a few bytes, than the unsplit one.
 */

const TIME = '2026-12-01T00:00:00Z';
const setting = fc.oneof(fc.string({ maxLength: 6 }), fc.integer(), fc.boolean());
const settings = fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), setting, { maxKeys: 5 });
const service = fc.record({ running: fc.boolean(), policy: fc.constantFrom('on' as const, 'off' as const) });

/** Host and VM bodies with members in any order, some of them present as `undefined` (JSON.stringify drops them). */
const hostBody = fc
  .record(
    {
      name: fc.string({ maxLength: 5 }),
      cluster: fc.constantFrom('c1', 'c2'),
      settings,
      services: fc.dictionary(fc.constantFrom('TSM-SSH', 'ntpd', '0', '10'), service, { maxKeys: 3 }),
      kernelSettings: settings,
      memoryMiB: fc.nat(),
      tlsProfile: fc.constant(undefined),
      labels: fc.dictionary(fc.constantFrom('app', 'moref'), fc.string({ maxLength: 4 })),
    },
    { requiredKeys: [] },
  )
  .chain((body) =>
    fc.shuffledSubarray(Object.keys(body), { minLength: Object.keys(body).length }).map((order) => ({ order, body })),
  );
const vmBody = fc
  .record(
    {
      name: fc.string({ maxLength: 5 }),
      hostId: fc.constantFrom('h-1', 'h-2'),
      settings,
      guestOs: fc.constant(undefined),
      workload: fc.record({ cpuAvgPct: fc.integer({ min: 0, max: 100 }) }),
      labels: fc.dictionary(fc.constantFrom('app', 'role'), fc.string({ maxLength: 4 })),
    },
    { requiredKeys: [] },
  )
  .chain((body) =>
    fc.shuffledSubarray(Object.keys(body), { minLength: Object.keys(body).length }).map((order) => ({ order, body })),
  );

function ordered(id: string, { order, body }: { order: string[]; body: Record<string, unknown> }) {
  return Object.fromEntries([['id', id], ...order.map((k) => [k, body[k]])]);
}

const event = fc.oneof(
  hostBody.map((b): FleetEvent => ({ id: 'h', time: TIME, type: 'host.upsert', host: ordered('h-1', b) as never })),
  vmBody.map(
    (b): FleetEvent => ({
      id: 'v',
      time: TIME,
      type: 'vm.upsert',
      vm: ordered('vm-1', b) as never,
      scope: { source: 'vcenter', instance: 'vc-1' },
      complete: true,
    }),
  ),
  vmBody.map(
    (b): FleetEvent => ({
      id: 'c',
      time: TIME,
      type: 'vm.clone',
      clone: { sourceVmId: 'vm-0', vm: ordered('vm-2', b) as never },
    }),
  ),
);

const item = (e: FleetEvent) => eventItem(e, JSON.stringify(e), eventKey(e), 0, 1);

describe('an event item with its configuration members apart', () => {
  it('reads back as the event stored, member order included, and is no bigger than the unsplit item (property)', () => {
    fc.assert(
      fc.property(event, (e) => {
        const json = JSON.stringify(e);
        const split = item(e);
        expect(JSON.stringify(readEvent(split))).toBe(json);
        const unsplit: Item = { ...split, e: { S: json } };
        delete unsplit.c;
        // At most 3 bytes per member (`[…,12,…]` for `"…":`) and 3 for `c` and its brackets; the event size limit
        // (390 KB of event JSON) leaves kilobytes of the 400 KB item for the key and the other attributes.
        expect(itemBytes(split)).toBeLessThanOrEqual(itemBytes(unsplit) + 16);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps settings, services and kernel settings in `c` and everything else in `e`', () => {
    const host: FleetEvent = {
      id: 'h',
      time: TIME,
      type: 'host.upsert',
      host: {
        id: 'h-1',
        settings: { 'UserVars.DcuiTimeOut': 600 },
        cluster: 'c1',
        services: { 'TSM-SSH': { running: true, policy: 'on' } },
        kernelSettings: { iovDisableIR: false },
        labels: { vcenter: 'vc-1' },
      },
    };
    const split = item(host);
    expect(JSON.parse(split.e!.S!)).toEqual({
      id: 'h',
      time: TIME,
      type: 'host.upsert',
      host: { id: 'h-1', cluster: 'c1', labels: { vcenter: 'vc-1' } },
    });
    expect(JSON.parse(split.c!.S!)).toEqual([
      ['settings', 1, { 'UserVars.DcuiTimeOut': 600 }],
      ['services', 3, { 'TSM-SSH': { running: true, policy: 'on' } }],
      ['kernelSettings', 4, { iovDisableIR: false }],
    ]);
    expect(JSON.stringify(readEvent(split))).toBe(JSON.stringify(host));
  });

  it('stores an event without configuration members as its JSON alone, with no `c`', () => {
    const events: FleetEvent[] = [
      { id: 'a', time: TIME, type: 'vm.upsert', vm: { id: 'vm-1', hostId: 'h-1', labels: { app: 'x' } } },
      { id: 'b', time: TIME, type: 'vm.migrate', migrate: { vmId: 'vm-1', toHostId: 'h-2', kind: 'live' } },
      { id: 'c', time: TIME, type: 'host.remove', host: { id: 'h-1' } },
    ];
    for (const e of events) {
      const stored = item(e);
      expect(stored.e!.S).toBe(JSON.stringify(e));
      expect(stored.c).toBeUndefined();
    }
  });

  it('reads an item stored before the split (its members still in `e`) as it did', () => {
    const e: FleetEvent = {
      id: 'old',
      time: TIME,
      type: 'vm.upsert',
      vm: { id: 'vm-1', settings: { 'isolation.tools.copy.disable': 'TRUE' }, hostId: 'h-1' },
    };
    const before = { pk: { S: 'VM#vm-1' }, sk: { S: 'EV#x' }, e: { S: JSON.stringify(e) } };
    expect(JSON.stringify(readEvent(before))).toBe(JSON.stringify(e));
  });

  /** A VM upsert with one setting, and its split item: what the refusal cases damage. */
  const damageable: FleetEvent = {
    id: 'v',
    time: TIME,
    type: 'vm.upsert',
    vm: { id: 'vm-1', settings: { a: 1 }, hostId: 'h' },
  };

  it('names the item and the attribute when `e` or `c` is not JSON, or `e` holds no event', () => {
    const stored = item(damageable);
    const key = `${stored.pk!.S} ${stored.sk!.S}`;
    expect(() => readEvent({ ...stored, e: { S: '{"id":"v",' } })).toThrow(
      new RegExp(`^stored event item ${key}: its e attribute is not JSON \\(`),
    );
    expect(() => readEvent({ ...stored, c: { S: '[["settings",' } })).toThrow(
      new RegExp(`^stored event item ${key}: its c attribute is not JSON \\(`),
    );
    for (const e of ['42', 'null', '[]', '"vm.upsert"'])
      expect(() => readEvent({ ...stored, e: { S: e } }), e).toThrow(
        `stored event item ${key}: its e attribute holds no event object`,
      );
    const { e: _e, ...withoutE } = stored;
    expect(() => readEvent(withoutE)).toThrow(`stored event item ${key}: it has no e text`);
    // Without its key (as a read that kept only the texts), the item is still named as an event item.
    expect(() => readEvent({ e: { S: 'x' } })).toThrow(/^stored event item: its e attribute is not JSON/);
  });

  it('refuses a damaged `c` rather than reading the event without its members', () => {
    const stored = item(damageable);
    for (const c of ['{}', '[["settings",7,{"a":1}]]', '[["settings",1,{"a":1}],["guestOs",0,"x"]]'])
      expect(() => readEvent({ ...stored, c: { S: c } })).toThrow(/configuration members are not as stored/);
  });

  it("refuses a `c` naming members that were never the event's own: outside the list, twice, or also in `e`", () => {
    const e = damageable;
    const stored = item(e);
    const whole = JSON.stringify(e);
    const refused = /configuration members are not as stored/;
    for (const c of [
      '[["hostId",1,"elsewhere"]]',
      '[["id",0,"vm-2"]]',
      '[["settings",1,{"a":1}],["settings",2,{"a":2}]]',
      '[["settings",1.5,{"a":1}]]',
      '[["settings",1,{"a":1},"more"]]',
      '[null]',
    ])
      expect(() => readEvent({ ...stored, c: { S: c } }), c).toThrow(refused);
    // `c` beside an `e` that holds the event whole (as stored before the split), or beside a body that is no object.
    expect(() => readEvent({ ...stored, e: { S: whole } })).toThrow(refused);
    const text = JSON.stringify({ ...e, vm: 'ab' });
    expect(() => readEvent({ ...stored, e: { S: text }, c: { S: '[["settings",0,1]]' } })).toThrow(refused);
    // A `c` that is not text, on an event of a type that has no configuration members.
    expect(() => readEvent({ ...stored, c: { N: '1' } })).toThrow(refused);
    const migrate: FleetEvent = {
      id: 'm',
      time: TIME,
      type: 'vm.migrate',
      migrate: { vmId: 'vm-1', toHostId: 'h', kind: 'drs' },
    };
    expect(() => readEvent({ ...item(migrate), c: stored.c! })).toThrow(refused);
  });

  it('reads a split item whose `c` a projection left out as the event without its configuration members', () => {
    const e: FleetEvent = {
      id: 'v',
      time: TIME,
      type: 'vm.upsert',
      vm: { id: 'vm-1', settings: { 'sched.cpu.shares': 'high' }, hostId: 'h-1', workload: { cpuAvgPct: 5 } },
    };
    const { c: _left, ...projected } = item(e);
    expect(readEvent(projected)).toEqual({ ...e, vm: { id: 'vm-1', hostId: 'h-1', workload: { cpuAvgPct: 5 } } });
  });
});
