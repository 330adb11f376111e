import { describe, expect, it } from 'vitest';
import { FleetEventSchema, type FleetEvent } from '../../src/model/event';
import { foldEvents } from '../../src/model/entity-state';
import { materialiseFleet } from '../../src/model/fleet';

const vc = { source: 'vcenter', instance: 'vc-1.example' };
const fleetOf = (events: FleetEvent[]) =>
  materialiseFleet(foldEvents(events.map((e) => FleetEventSchema.parse(e))).values());

describe('complete upserts', () => {
  it('removes a vmx key, a label and a NIC the newer complete upsert no longer lists', () => {
    const fleet = fleetOf([
      {
        id: 'a',
        time: '2025-03-01T00:00:00Z',
        type: 'vm.upsert',
        vm: {
          id: 'vm-1',
          name: 'web',
          nics: [{ network: 'pg-a' }, { network: 'pg-b' }],
          settings: { 'isolation.tools.copy.disable': false, 'tools.setInfo.sizeLimit': 1048576 },
          labels: { env: 'prod' },
        },
      },
      {
        id: 'b',
        time: '2025-03-02T00:00:00Z',
        type: 'vm.upsert',
        complete: true,
        vm: { id: 'vm-1', name: 'web', nics: [{ network: 'pg-a' }], settings: { 'tools.setInfo.sizeLimit': 1048576 } },
      },
    ]);
    const vm = fleet.vms.get('vm-1')!;
    expect(vm.settings).toEqual({ 'tools.setInfo.sizeLimit': 1048576 });
    expect(vm.nics).toEqual([{ network: 'pg-a' }]);
    expect(vm.labels).toBeUndefined();
    expect(fleet.snapshotEvidence?.get('vm#vm-1')).toEqual({
      eventId: 'b',
      time: '2025-03-02T00:00:00Z',
      effect: 'replaced',
    });
  });

  it('replaces only the fields it names and leaves the others as they were', () => {
    const fleet = fleetOf([
      {
        id: 'a',
        time: '2025-03-01T00:00:00Z',
        type: 'host.upsert',
        host: {
          id: 'esx-1',
          cluster: 'c1',
          services: { 'TSM-SSH': { running: true }, ntpd: { running: true } },
          settings: { 'UserVars.ESXiShellTimeOut': 0 },
        },
      },
      {
        id: 'b',
        time: '2025-03-02T00:00:00Z',
        type: 'host.upsert',
        complete: { fields: ['services'] },
        host: { id: 'esx-1', services: { ntpd: { running: true } } },
      },
    ]);
    const host = fleet.hosts.get('esx-1')!;
    expect(host.services).toEqual({ ntpd: { running: true } });
    expect(host.settings).toEqual({ 'UserVars.ESXiShellTimeOut': 0 });
    expect(host.cluster).toBe('c1');
  });

  it('keeps a key written after the complete upsert, and ignores a late older write of a key it dropped', () => {
    const fleet = fleetOf([
      { id: 'c', time: '2025-03-03T00:00:00Z', type: 'vm.upsert', vm: { id: 'vm-1', settings: { 'new.key': 'x' } } },
      {
        id: 'b',
        time: '2025-03-02T00:00:00Z',
        type: 'vm.upsert',
        complete: { fields: ['settings'] },
        vm: { id: 'vm-1', settings: { kept: 1 } },
      },
      { id: 'a', time: '2025-03-01T00:00:00Z', type: 'vm.upsert', vm: { id: 'vm-1', settings: { dropped: true } } },
    ]);
    expect(fleet.vms.get('vm-1')!.settings).toEqual({ kept: 1, 'new.key': 'x' });
  });

  it('refuses a complete marker naming a field the entity does not have', () => {
    const bad = {
      id: 'x',
      time: '2025-03-01T00:00:00Z',
      type: 'vm.upsert',
      complete: { fields: ['services'] },
      vm: { id: 'vm-1' },
    };
    const result = FleetEventSchema.safeParse(bad);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path[0]).toBe('complete');
  });
});

describe('inventory snapshots', () => {
  const upsert = (id: string, time: string, scope = vc): FleetEvent => ({
    id: `u-${id}-${time}`,
    time,
    type: 'vm.upsert',
    scope,
    vm: { id, name: id },
  });

  it('removes a VM of its scope that the snapshot does not list, and cites the snapshot', () => {
    const fleet = fleetOf([
      upsert('vm-1', '2025-03-01T00:00:00Z'),
      upsert('vm-2', '2025-03-01T00:00:00Z'),
      { id: 'inv', time: '2025-03-02T00:00:00Z', type: 'inventory.snapshot', snapshot: { scope: vc, vms: ['vm-1'] } },
    ]);
    expect([...fleet.vms.keys()]).toEqual(['vm-1']);
    expect(fleet.snapshotEvidence?.get('vm#vm-2')).toEqual({
      eventId: 'inv',
      time: '2025-03-02T00:00:00Z',
      effect: 'removed',
    });
  });

  it('leaves VMs of other scopes, and VMs asserted after it, alone', () => {
    const fleet = fleetOf([
      upsert('vm-other', '2025-03-01T00:00:00Z', { source: 'vcenter', instance: 'vc-2.example' }),
      upsert('vm-new', '2025-03-03T00:00:00Z'),
      { id: 'inv', time: '2025-03-02T00:00:00Z', type: 'inventory.snapshot', snapshot: { scope: vc, vms: [] } },
    ]);
    expect([...fleet.vms.keys()].sort()).toEqual(['vm-new', 'vm-other']);
  });

  it('is undone by a later upsert and not by an earlier one', () => {
    const removed: FleetEvent = {
      id: 'inv',
      time: '2025-03-02T00:00:00Z',
      type: 'inventory.snapshot',
      snapshot: { scope: vc, vms: [] },
    };
    expect(
      fleetOf([upsert('vm-1', '2025-03-01T00:00:00Z'), removed, upsert('vm-1', '2025-03-01T12:00:00Z')]).vms.has(
        'vm-1',
      ),
    ).toBe(false);
    expect(
      fleetOf([upsert('vm-1', '2025-03-01T00:00:00Z'), removed, upsert('vm-1', '2025-03-03T00:00:00Z')]).vms.has(
        'vm-1',
      ),
    ).toBe(true);
  });

  it('removes nothing until every part of a split snapshot is stored', () => {
    const part = (index: number, vms: string[]): FleetEvent => ({
      id: `inv-${index}`,
      time: '2025-03-02T00:00:00Z',
      type: 'inventory.snapshot',
      snapshot: { scope: vc, vms, part: { index, count: 2 } },
    });
    const before = [
      upsert('vm-1', '2025-03-01T00:00:00Z'),
      upsert('vm-2', '2025-03-01T00:00:00Z'),
      upsert('vm-3', '2025-03-01T00:00:00Z'),
    ];
    expect(fleetOf([...before, part(1, ['vm-1'])]).vms.size).toBe(3);
    expect([...fleetOf([...before, part(2, ['vm-2']), part(1, ['vm-1'])]).vms.keys()].sort()).toEqual(['vm-1', 'vm-2']);
  });

  it('does not remove a VM whose newest upsert moved it to another scope', () => {
    const fleet = fleetOf([
      upsert('vm-1', '2025-03-01T00:00:00Z'),
      upsert('vm-1', '2025-03-02T00:00:00Z', { source: 'vcenter', instance: 'vc-2.example' }),
      { id: 'inv', time: '2025-03-03T00:00:00Z', type: 'inventory.snapshot', snapshot: { scope: vc, vms: [] } },
    ]);
    expect(fleet.vms.has('vm-1')).toBe(true);
  });

  it('says nothing about hosts when it lists only VMs', () => {
    const fleet = fleetOf([
      { id: 'h', time: '2025-03-01T00:00:00Z', type: 'host.upsert', scope: vc, host: { id: 'esx-1' } },
      { id: 'inv', time: '2025-03-02T00:00:00Z', type: 'inventory.snapshot', snapshot: { scope: vc, vms: [] } },
    ]);
    expect(fleet.hosts.has('esx-1')).toBe(true);
  });
});
