import { describe, expect, it } from 'vitest';
import { foldEvents, materialiseFleet, fleetToJson, FleetEventSchema, type FleetEvent } from '../../src/model';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 1, 8, minute)).toISOString();

function fleetOf(events: FleetEvent[]) {
  return materialiseFleet(foldEvents(events).values());
}

const hostA: FleetEvent = {
  id: 'h-a',
  time: at(0),
  type: 'host.upsert',
  host: { id: 'esx-a', name: 'esx-a', cluster: 'c1', datacenter: 'dc1', settings: { 'UserVars.ESXiShellTimeOut': 0 } },
};
const hostB: FleetEvent = {
  id: 'h-b',
  time: at(0),
  type: 'host.upsert',
  host: { id: 'esx-b', cluster: 'c2', datacenter: 'dc2' },
};
const web: FleetEvent = {
  id: 'v-web',
  time: at(1),
  type: 'vm.upsert',
  vm: { id: 'vm-1', name: 'web01', hostId: 'esx-a', perimeter: 'pci', powerState: 'poweredOn' },
};

describe('Function: materialiseFleet', () => {
  it('keeps the newer value when an older upsert arrives late', () => {
    const newer: FleetEvent = { id: 'v-2', time: at(10), type: 'vm.upsert', vm: { id: 'vm-1', vcpus: 8 } };
    const older: FleetEvent = { id: 'v-0', time: at(5), type: 'vm.upsert', vm: { id: 'vm-1', vcpus: 2 } };
    expect(fleetOf([hostA, web, newer, older]).vms.get('vm-1')?.vcpus).toBe(8);
    expect(fleetOf([older, newer, web, hostA]).vms.get('vm-1')?.vcpus).toBe(8);
  });

  it('merges partial upserts of map fields key by key', () => {
    const patch: FleetEvent = {
      id: 'h-a2',
      time: at(3),
      type: 'host.upsert',
      host: { id: 'esx-a', settings: { 'Mem.ShareForceSalting': 2 } },
    };
    expect(fleetOf([hostA, patch]).hosts.get('esx-a')?.settings).toEqual({
      'UserVars.ESXiShellTimeOut': 0,
      'Mem.ShareForceSalting': 2,
    });
  });

  it('gives a clone its source perimeter unless the clone names its own', () => {
    const clone: FleetEvent = {
      id: 'c-1',
      time: at(4),
      type: 'vm.clone',
      clone: { sourceVmId: 'vm-1', vm: { id: 'vm-2', hostId: 'esx-b' } },
    };
    const ownClone: FleetEvent = {
      id: 'c-2',
      time: at(4),
      type: 'vm.clone',
      clone: { sourceVmId: 'vm-1', vm: { id: 'vm-3', hostId: 'esx-b', perimeter: 'dev' } },
    };
    const fleet = fleetOf([hostA, hostB, web, clone, ownClone]);
    expect(fleet.vms.get('vm-2')).toMatchObject({
      perimeter: 'pci',
      perimeterSource: 'clone',
      clonedFrom: 'vm-1',
      cluster: 'c2',
    });
    expect(fleet.vms.get('vm-2')?.movements[0]).toMatchObject({ kind: 'clone', eventId: 'c-1', sourceVmId: 'vm-1' });
    expect(fleet.vms.get('vm-3')).toMatchObject({ perimeter: 'dev', perimeterSource: 'own' });
  });

  it('moves a migrated VM to the new host cluster and records the move as evidence', () => {
    const move: FleetEvent = {
      id: 'm-1',
      time: at(6),
      type: 'vm.migrate',
      migrate: { vmId: 'vm-1', fromHostId: 'esx-a', toHostId: 'esx-b', kind: 'live' },
    };
    const vm = fleetOf([hostA, hostB, web, move]).vms.get('vm-1');
    expect(vm).toMatchObject({ hostId: 'esx-b', cluster: 'c2', datacenter: 'dc2' });
    expect(vm?.movements).toEqual([
      { eventId: 'm-1', time: at(6), kind: 'live', fromHostId: 'esx-a', toHostId: 'esx-b' },
    ]);
  });

  it('drops a removed VM and ignores older events that arrive after the removal', () => {
    const remove: FleetEvent = { id: 'r-1', time: at(20), type: 'vm.remove', vm: { id: 'vm-1' } };
    const lateOn: FleetEvent = { id: 'p-1', time: at(15), type: 'vm.power_on', vm: { id: 'vm-1' } };
    expect(fleetOf([hostA, web, remove, lateOn]).vms.has('vm-1')).toBe(false);
    const recreated: FleetEvent = { id: 'v-9', time: at(30), type: 'vm.upsert', vm: { id: 'vm-1', name: 'web01-new' } };
    const vm = fleetOf([hostA, web, remove, lateOn, recreated]).vms.get('vm-1');
    expect(vm).toEqual({ id: 'vm-1', name: 'web01-new', movements: [], updatedAt: at(30) });
  });

  it('gives the same fleet for any order and any duplication of the same events', () => {
    const events: FleetEvent[] = [
      hostA,
      hostB,
      web,
      { id: 'e1', time: at(2), type: 'host.connection_lost', host: { id: 'esx-a' } },
      { id: 'e2', time: at(3), type: 'host.connected', host: { id: 'esx-a' } },
      { id: 'e3', time: at(7), type: 'vm.migrate', migrate: { vmId: 'vm-1', toHostId: 'esx-b', kind: 'drs' } },
      { id: 'e4', time: at(8), type: 'vm.power_off', vm: { id: 'vm-1' } },
    ];
    const reference = JSON.stringify(fleetToJson(fleetOf(events)));
    const reversed = [...events].reverse();
    const doubled = [...events, ...reversed];
    expect(JSON.stringify(fleetToJson(fleetOf(reversed)))).toBe(reference);
    expect(JSON.stringify(fleetToJson(fleetOf(doubled)))).toBe(reference);
  });
});

describe('Schema: FleetEventSchema', () => {
  it('rejects an event without an offset in its time and names the field', () => {
    const parsed = FleetEventSchema.safeParse({
      id: 'x',
      time: '2026-11-01T08:00:00',
      type: 'vm.remove',
      vm: { id: 'v' },
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['time']);
  });

  it('rejects unknown fields so typos in producers surface', () => {
    const parsed = FleetEventSchema.safeParse({ id: 'x', time: at(0), type: 'vm.upsert', vm: { id: 'v', vcpu: 4 } });
    expect(parsed.success).toBe(false);
  });
});

describe('Function: mergeStates', () => {
  it('keeps a migration clearing the cluster after the state round-trips through JSON', async () => {
    const { applyEvent, emptyState, mergeStates } = await import('../../src/model');
    const move: FleetEvent = {
      id: 'm',
      time: at(10),
      type: 'vm.migrate',
      migrate: { vmId: 'vm-1', toHostId: 'esx-b', kind: 'live' },
    };
    const oldUpsert: FleetEvent = { id: 'u', time: at(5), type: 'vm.upsert', vm: { id: 'vm-1', cluster: 'c1' } };
    const snapshot = JSON.parse(JSON.stringify(applyEvent(emptyState('vm', 'vm-1'), move)));
    const late = applyEvent(emptyState('vm', 'vm-1'), oldUpsert);
    const fleet = materialiseFleet([mergeStates(snapshot, late), ...foldEvents([hostB]).values()]);
    expect(fleet.vms.get('vm-1')?.cluster).toBe('c2');
  });
});

describe('Function: materialiseFleet, clone lineage', () => {
  const clone: FleetEvent = {
    id: 'c-1',
    time: at(4),
    type: 'vm.clone',
    clone: { sourceVmId: 'vm-1', vm: { id: 'vm-2', hostId: 'esx-b' } },
  };
  const removeSource: FleetEvent = { id: 'r-1', time: at(9), type: 'vm.remove', vm: { id: 'vm-1' } };

  it('keeps a clone inside its source perimeter after the source is deleted, in any order', () => {
    const events = [hostA, hostB, web, clone, removeSource];
    for (const order of [events, [...events].reverse(), [removeSource, clone, web, hostB, hostA]]) {
      const fleet = fleetOf(order);
      expect(fleet.vms.has('vm-1')).toBe(false);
      expect(fleet.vms.get('vm-2')).toMatchObject({ perimeter: 'pci', perimeterSource: 'clone', clonedFrom: 'vm-1' });
    }
  });

  it('follows the clone chain through a deleted intermediate clone', () => {
    const second: FleetEvent = {
      id: 'c-2',
      time: at(5),
      type: 'vm.clone',
      clone: { sourceVmId: 'vm-2', vm: { id: 'vm-3', hostId: 'esx-b' } },
    };
    const removeMiddle: FleetEvent = { id: 'r-2', time: at(10), type: 'vm.remove', vm: { id: 'vm-2' } };
    const fleet = fleetOf([hostA, hostB, web, clone, second, removeMiddle, removeSource]);
    expect(fleet.vms.get('vm-3')).toMatchObject({ perimeter: 'pci', perimeterSource: 'clone' });
  });
});
