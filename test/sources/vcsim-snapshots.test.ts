import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { normaliseRecord } from '../../src/sources/index';
import { eventsOf, fixture, fleetOf, only } from './helpers';

interface Dump {
  vcenter?: unknown;
  hosts: { Moref: string }[];
  virtualMachines: { Moref: string; Networks?: string[] }[];
}

/** vcsim's default inventory (fixture, real govmomi 0.24.2 output), as read from a named vCenter at `time`. */
async function dump(time: string): Promise<Dump & { time: string }> {
  const raw = JSON.parse(await readFile(fixture('vcenter/vcsim/vcsim-default-inventory.json'), 'utf8')) as Dump;
  return { ...raw, time, vcenter: 'vcsim.local' };
}

describe('vcsim/govc inventory dump as a full snapshot of its vCenter', () => {
  it('removes the VM and the NIC a later dump no longer has', async () => {
    const first = await dump('2026-01-01T00:00:00Z');
    const second = await dump('2026-01-02T00:00:00Z');
    const [gone, kept] = [second.virtualMachines[0]!.Moref, second.virtualMachines[1]!.Moref];
    second.virtualMachines = second.virtualMachines
      .slice(1)
      .map((vm) => (vm.Moref === kept ? { ...vm, Networks: [] } : vm));
    const events = eventsOf([
      ...normaliseRecord(second, { file: 'b.json' }),
      ...normaliseRecord(first, { file: 'a.json' }),
    ]);
    expect(only(events, 'inventory.snapshot')).toHaveLength(2);
    const fleet = fleetOf(events);
    expect(fleet.vms.has(gone)).toBe(false);
    expect(fleet.vms.size).toBe(first.virtualMachines.length - 1);
    expect(fleet.vms.get(kept)?.nics).toEqual([]);
    expect(fleet.hosts.size).toBe(first.hosts.length);
  });

  it('lists no inventory for a dump that does not name its vCenter, and rejects a vcenter that is not a string', async () => {
    const { vcenter: _v, ...unnamed } = await dump('2026-01-01T00:00:00Z');
    expect(only(eventsOf(normaliseRecord(unnamed, { file: 'a.json' })), 'inventory.snapshot')).toEqual([]);
    expect(normaliseRecord({ ...unnamed, vcenter: ['x'] }, { file: 'a.json' })).toEqual([
      expect.objectContaining({ kind: 'rejected', field: 'vcenter' }),
    ]);
  });
});
