import { describe, expect, it } from 'vitest';
import { runSimulation } from '../../src/app/simulate';
import { jsonObjectPieces } from '../../src/cli/json-object-pieces';
import { defineLazyRecord, unbuiltEntries } from '../../src/report/formats/lazy-record';
import { fleetOf } from '../simulation/helpers';

type Doc = { before: number; record: Record<string, unknown>; after: string };

/** A document whose `record` is lazy over `ids`, and the same document built up front by assignment. */
function lazyAndEager(ids: string[]) {
  const entryOf = (id: string, i: number) => ({ id, i, nested: { list: [i, null], text: `line\n${id}` } });
  let calls = 0;
  const lazy: Doc = { before: 1, record: {}, after: 'end' };
  defineLazyRecord(lazy, 'record', ids, function* () {
    calls++;
    for (let i = 0; i < ids.length; i++) yield [ids[i]!, entryOf(ids[i]!, i)] as const;
  });
  const eager: Doc = { before: 1, record: {}, after: 'end' };
  ids.forEach((id, i) => {
    eager.record[id] = entryOf(id, i);
  });
  return { lazy, eager, calls: () => calls };
}

const isUnbuilt = (doc: object, key: string) => Object.getOwnPropertyDescriptor(doc, key)?.get !== undefined;

describe('defineLazyRecord', () => {
  it('builds the record on first read as assigning its entries in order would, once, in its place among the keys', () => {
    const ids = Array.from({ length: 150 }, (_, i) => `vm-${i}`);
    const { lazy, eager, calls } = lazyAndEager(ids);
    expect(calls()).toBe(0);
    expect(Object.keys(lazy)).toEqual(['before', 'record', 'after']);
    const built = lazy.record;
    expect(lazy.record).toBe(built);
    expect(calls()).toBe(1);
    expect(built).toEqual(eager.record);
    expect(Object.keys(built)).toEqual(ids);
    expect(JSON.stringify(lazy, null, 2)).toBe(JSON.stringify(eager, null, 2));
    expect(isUnbuilt(lazy, 'record')).toBe(false);
    expect(unbuiltEntries(lazy, 'record')).toBeUndefined();
  });

  it('is printed by the JSON writer from its entries without being built, byte for byte as the built record', () => {
    const numbered = Array.from({ length: 150 }, (_, i) => `vm-${i}`);
    // In insertion order as given, and in ascending text order (how the simulation lists its VMs).
    for (const ids of [numbered, [...numbered].sort(), ['b', 'a']]) {
      const { lazy, eager } = lazyAndEager(ids);
      const text = [...jsonObjectPieces(lazy)].join('');
      expect(isUnbuilt(lazy, 'record')).toBe(true);
      expect(text).toBe(JSON.stringify(eager, null, 2));
      // Opened deeper or shallower than its entries, the writer reads it like any property.
      for (const depth of [0, 1, 3]) expect([...jsonObjectPieces(lazy, depth)].join('')).toBe(text);
    }
  });

  it('is built at once when an id would not keep its place: array indices, __proto__, an id given twice', () => {
    for (const ids of [
      ['b', '7', 'a', '0'],
      ['a', '__proto__', 'b'],
      ['a', 'b', 'a'],
      ['a', 'a', 'b'],
      ['x', '1e3', '01', '4294967295'],
    ]) {
      const { lazy, eager, calls } = lazyAndEager(ids);
      expect(calls()).toBe(1);
      expect(isUnbuilt(lazy, 'record')).toBe(false);
      expect([...jsonObjectPieces(lazy)].join('')).toBe(JSON.stringify(eager, null, 2));
      expect(Object.keys(lazy.record)).toEqual(Object.keys(eager.record));
    }
  });

  it('takes an assigned value instead of building, and spreads as the built record', () => {
    const { lazy, calls } = lazyAndEager(['x', 'y']);
    const spread = { ...lazy };
    expect(spread.record).toEqual({ x: lazy.record.x, y: lazy.record.y });
    const other = lazyAndEager(['x']);
    other.lazy.record = { replaced: true };
    expect(other.calls()).toBe(0);
    expect(other.lazy.record).toEqual({ replaced: true });
    expect(Object.keys(other.lazy)).toEqual(['before', 'record', 'after']);
    expect(calls()).toBe(1);
  });
});

describe('a simulation result', () => {
  it('makes its VM results as the JSON writer reaches them, and gives the same ones when read', () => {
    const fleet = fleetOf(
      [
        { id: 'h1', cluster: 'c', cpu: { sockets: 2, coresPerSocket: 8, mhz: 2400 }, memoryMiB: 65536 },
        { id: 'h2', cluster: 'c', cpu: { sockets: 1, coresPerSocket: 4, mhz: 2000 }, memoryMiB: 16384 },
      ],
      Array.from({ length: 90 }, (_, v) => ({
        id: `vm${v}`,
        ...(v % 9 !== 0 && { hostId: v % 2 === 0 ? 'h1' : 'h2' }),
        vcpus: 4,
        memoryMiB: 8192,
        ...(v % 3 !== 0 && { labels: { app: `app${v % 4}`, role: 'replica' } }),
        workload: { cpuAvgPct: 20 + v, cpuPeakPct: 95 },
      })),
    );
    const result = runSimulation(fleet, { trials: 200 });
    const text = [...jsonObjectPieces(result)].join('');
    expect(isUnbuilt(result, 'vms')).toBe(true);
    expect(text).toBe(JSON.stringify(runSimulation(fleet, { trials: 200 }), null, 2));
    // Scores with reasons, VMs with no host, without app labels: all of them made the same way.
    const vms = Object.values(result.vms);
    expect(vms.some((vm) => vm.reasons.length > 0)).toBe(true);
    expect(vms.some((vm) => vm.hostId === null)).toBe(true);
    expect(vms.some((vm) => vm.app === undefined)).toBe(true);
    expect(JSON.stringify(result, null, 2)).toBe(text);
  });
});

describe('defineLazyRecord on a changed target', () => {
  it('is printed as what the property holds once it was deleted and added again, or redefined', () => {
    const deleted = lazyAndEager(['x', 'y']).lazy as Partial<Doc>;
    delete deleted.record;
    deleted.record = { other: true };
    expect([...jsonObjectPieces(deleted)].join('')).toBe(JSON.stringify(deleted, null, 2));
    const redefined = lazyAndEager(['x', 'y']).lazy;
    Object.defineProperty(redefined, 'record', { value: { other: true }, enumerable: true });
    expect([...jsonObjectPieces(redefined)].join('')).toBe(JSON.stringify(redefined, null, 2));
    expect(unbuiltEntries(redefined, 'record')).toBeUndefined();
  });

  it('is read, once, from a frozen or sealed target as from an unfrozen one', () => {
    for (const close of [Object.freeze, Object.seal]) {
      const { lazy, eager, calls } = lazyAndEager(['x', 'y']);
      close(lazy);
      expect(JSON.stringify(lazy, null, 2)).toBe(JSON.stringify(eager, null, 2));
      expect(lazy.record).toBe(lazy.record);
      expect(unbuiltEntries(lazy, 'record')).toBeUndefined();
      expect([...jsonObjectPieces(lazy)].join('')).toBe(JSON.stringify(eager, null, 2));
      expect(calls()).toBe(1);
    }
  });
});
