import { describe, expect, it } from 'vitest';
import { normaliseRecord } from '../../src/sources/index';
import { collect, eventsOf, fixture, ignoredOf, only, rejectedOf } from './helpers';

describe('Proxmox normaliser', () => {
  it('turns nodes into hosts and qemu/lxc guests into VMs on their node, at the capture time', async () => {
    const out = await collect([fixture('proxmox/cluster-resources.json')]);
    const events = eventsOf(out);
    expect(events.every((e) => e.time === '2024-08-01T06:00:00Z')).toBe(true);
    expect(only(events, 'host.upsert').map((e) => e.host)).toEqual([
      { id: 'pve1', name: 'pve1', hypervisor: { vendor: 'proxmox' }, memoryMiB: 131072, connectionState: 'connected' },
      {
        id: 'pve2',
        name: 'pve2',
        hypervisor: { vendor: 'proxmox' },
        memoryMiB: 131072,
        connectionState: 'disconnected',
      },
    ]);
    expect(only(events, 'vm.upsert').map((e) => e.vm)).toEqual([
      {
        id: 'qemu/100',
        name: 'web01',
        hostId: 'pve1',
        vcpus: 4,
        memoryMiB: 8192,
        powerState: 'poweredOn',
        labels: { kind: 'qemu', pool: 'frontend', 'tag:prod': true, 'tag:web': true },
      },
      {
        id: 'lxc/200',
        name: 'dns01',
        hostId: 'pve2',
        vcpus: 1,
        memoryMiB: 512,
        powerState: 'poweredOff',
        labels: { kind: 'lxc', hastate: 'started' },
      },
      {
        id: 'qemu/9000',
        name: 'tpl-debian',
        hostId: 'pve1',
        vcpus: 2,
        memoryMiB: 2048,
        powerState: 'poweredOff',
        labels: { kind: 'qemu', template: true },
      },
    ]);
    expect(ignoredOf(out).map((o) => o.reason)).toEqual(['proxmox storage resource', 'proxmox pool resource']);
    expect(rejectedOf(out)).toEqual([
      expect.objectContaining({ record: 'data[6]', field: 'data.6.name', reason: 'name must be a string, got number' }),
    ]);
  });

  it('uses the snapshot time it is given for a bare answer without a time, and rejects one with neither', () => {
    const bare = [{ id: 'node/pve3', type: 'node', node: 'pve3', status: 'online' }];
    const withTime = normaliseRecord({ data: bare }, { file: 'x.json' }, { snapshotTime: '2024-01-01T00:00:00.000Z' });
    expect(withTime).toEqual([
      expect.objectContaining({
        kind: 'event',
        event: expect.objectContaining({ time: '2024-01-01T00:00:00.000Z', type: 'host.upsert' }),
      }),
    ]);
    expect(normaliseRecord({ data: bare }, { file: 'x.json' })).toEqual([
      expect.objectContaining({ kind: 'rejected', field: 'time' }),
    ]);
  });

  it('derives ids from content and time, so the same capture gives the same ids', () => {
    const value = {
      time: '2024-08-01T06:00:00Z',
      data: [{ id: 'qemu/1', type: 'qemu', node: 'a', name: 'x', status: 'running' }],
    };
    const a = normaliseRecord(value, { file: 'one' });
    const b = normaliseRecord(structuredClone(value), { file: 'two' });
    const later = normaliseRecord({ ...value, time: '2024-08-02T06:00:00Z' }, { file: 'three' });
    const id = (o: (typeof a)[number]) => (o.kind === 'event' ? o.event.id : undefined);
    expect(id(a[0]!)).toBe(id(b[0]!));
    expect(id(later[0]!)).not.toBe(id(a[0]!));
  });
});
