import { describe, expect, it } from 'vitest';
import { libvirtDomainIndex } from '../../src/sources/libvirt/domain-index';
import { collect, eventsOf, fixture, fleetOf, ignoredOf, rejectedOf } from './helpers';

describe('libvirt normaliser', () => {
  it('maps virsh lifecycle lines with the host from the `# host:` header and the --timestamp time', async () => {
    const out = await collect([fixture('libvirt/kvm01-events.log')]);
    const events = eventsOf(out);
    expect(events.map((e) => [e.type, e.time])).toEqual([
      ['vm.upsert', '2024-09-01T10:00:00.000+00:00'],
      ['vm.power_on', '2024-09-01T10:00:05.250+00:00'],
      ['vm.migrate', '2024-09-01T10:30:00.000+00:00'],
      ['vm.upsert', '2024-09-01T11:05:00.000+00:00'],
      ['vm.upsert', '2024-09-01T11:06:00.000+00:00'],
      ['vm.power_off', '2024-09-01T12:00:01.000+00:00'],
      ['vm.remove', '2024-09-01T14:00:00.000+00:00'],
      ['vm.upsert', '2024-09-01T15:00:00.000+00:00'],
    ]);
    expect(events[7]).toMatchObject({ vm: { id: 'libvirt:kvm01/name:db01', powerState: 'suspended' } });
    expect(events[0]).toMatchObject({ vm: { id: 'libvirt:kvm01/name:web01', name: 'web01', hostId: 'libvirt:kvm01' } });
    expect(events[2]).toMatchObject({
      migrate: { vmId: 'libvirt:kvm01/name:db01', toHostId: 'libvirt:kvm01', kind: 'live' },
    });
    expect(events[6]).toMatchObject({ vm: { id: 'libvirt:kvm01/name:old-style' } });
    expect(ignoredOf(out).map((o) => o.reason)).toEqual([
      'libvirt Resumed Migrated (migration phase)',
      'libvirt reboot event',
      'libvirt Shutdown Finished',
      'libvirt Suspended Post-copy Error (migration phase)',
    ]);
    expect(rejectedOf(out).map((o) => [o.record, o.field])).toEqual([
      ['line 11', 'timestamp'],
      ['line 12', 'event'],
    ]);
    expect(fleetOf(events).vms.get('libvirt:kvm01/name:web01')?.powerState).toBe('poweredOff');
  });

  it('needs a host for Started Migrated: rejected without one, accepted with the caller host hint', async () => {
    const without = await collect([fixture('libvirt/no-host-migration.log')]);
    expect(rejectedOf(without)).toEqual([expect.objectContaining({ record: 'line 1', field: 'host' })]);
    expect(eventsOf(without).map((e) => e.type)).toEqual(['vm.power_off']);
    const withHint = await collect([fixture('libvirt/no-host-migration.log')], { host: 'kvm02' });
    expect(eventsOf(withHint)[0]).toMatchObject({
      type: 'vm.migrate',
      migrate: { vmId: 'libvirt:kvm02/name:db02', toHostId: 'libvirt:kvm02' },
    });
  });

  it('scopes ids by the host and finds a collected domain by its name there, so events reach the UUID-keyed VM', async () => {
    const domains = libvirtDomainIndex([
      {
        id: 'libvirt:kvm01/4dea22b3-1d52-d8f3-2516-782e98ab3fa0',
        name: 'web01',
        hostId: 'libvirt:kvm01',
        uuid: '4dea22b3-1d52-d8f3-2516-782e98ab3fa0',
      },
      {
        id: 'libvirt:kvm02/5e1b9f0c-0000-4000-8000-000000000001',
        name: 'web01',
        hostId: 'libvirt:kvm02',
        uuid: '5e1b9f0c-0000-4000-8000-000000000001',
      },
    ]);
    const events = eventsOf(
      await collect([fixture('libvirt/kvm01-events.log')], { libvirtDomains: () => Promise.resolve(domains) }),
    );
    expect(events[0]).toMatchObject({
      type: 'vm.upsert',
      vm: { id: 'libvirt:kvm01/4dea22b3-1d52-d8f3-2516-782e98ab3fa0', name: 'web01' },
    });
    // db01 was never collected: its name stands in, in a namespace no UUID can take.
    expect(events[2]).toMatchObject({ migrate: { vmId: 'libvirt:kvm01/name:db01' } });
  });
});
