import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { normaliseRecord } from '../../src/sources/index';
import { eventsOf, fixture, fleetOf, only, rejectedOf } from './helpers';

/** The fixture's answer (fields of pve-manager's API schema), captured with the cluster it came from. */
async function capture(time: string, keep: (r: { id: string; type: string }) => boolean = () => true) {
  const raw = JSON.parse(await readFile(fixture('proxmox/cluster-resources.json'), 'utf8')) as {
    data: { id: string; type: string }[];
  };
  return { time, cluster: 'pve-prod', data: raw.data.filter(keep) };
}

describe('Proxmox /cluster/resources as a full snapshot of its cluster', () => {
  it('removes a guest the next capture of the cluster no longer lists, even one whose record was rejected before', async () => {
    const day1 = normaliseRecord(await capture('2024-08-01T06:00:00Z'), { file: 'day1.json' });
    const day2 = normaliseRecord(await capture('2024-08-02T06:00:00Z', (r) => r.id !== 'qemu/100'), {
      file: 'day2.json',
    });
    const inventory = only(eventsOf(day1), 'inventory.snapshot')[0]!;
    expect(inventory.snapshot.scope).toEqual({ source: 'proxmox', instance: 'pve-prod' });
    // Ids are scoped by the cluster (issue 15 item 1), as `collect proxmox` scopes them.
    expect(inventory.snapshot.hosts).toEqual(['pve:pve-prod/node/pve1', 'pve:pve-prod/node/pve2']);
    // data[6] is rejected for its name, but the guest exists: it is listed.
    expect(rejectedOf(day1)).toHaveLength(1);
    expect(inventory.snapshot.vms).toContain('pve:pve-prod/qemu/100');
    expect(inventory.snapshot.vms).toHaveLength(4);
    expect(only(eventsOf(day1), 'vm.upsert')[0]!.scope).toEqual({ source: 'proxmox', instance: 'pve-prod' });
    const fleet = fleetOf(eventsOf([...day2, ...day1]));
    expect([...fleet.vms.keys()].sort()).toEqual(['pve:pve-prod/lxc/200', 'pve:pve-prod/qemu/9000']);
  });

  it('states only the kinds a ?type= filtered answer holds', async () => {
    const vmsOnly = normaliseRecord(
      await capture('2024-08-01T06:00:00Z', (r) => r.type === 'qemu' || r.type === 'lxc'),
      { file: 'vms.json' },
    );
    expect(only(eventsOf(vmsOnly), 'inventory.snapshot')[0]!.snapshot.hosts).toBeUndefined();
    const nodesOnly = normaliseRecord(await capture('2024-08-01T06:00:00Z', (r) => r.type === 'node'), {
      file: 'nodes.json',
    });
    expect(only(eventsOf(nodesOnly), 'inventory.snapshot')[0]!.snapshot).toEqual({
      scope: { source: 'proxmox', instance: 'pve-prod' },
      hosts: ['pve:pve-prod/node/pve1', 'pve:pve-prod/node/pve2'],
    });
  });

  it('lists no inventory without a cluster, and rejects a cluster that is not a string', async () => {
    const { cluster: _c, ...bare } = await capture('2024-08-01T06:00:00Z');
    expect(only(eventsOf(normaliseRecord(bare, { file: 'bare.json' })), 'inventory.snapshot')).toEqual([]);
    const bad = normaliseRecord({ ...bare, cluster: 42 }, { file: 'bad.json' });
    expect(bad).toEqual([expect.objectContaining({ kind: 'rejected', field: 'cluster' })]);
  });
});
