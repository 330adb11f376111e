import { describe, expect, it } from 'vitest';
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
    expect(events[7]).toMatchObject({ vm: { id: 'db01', powerState: 'suspended' } });
    expect(events[0]).toMatchObject({ vm: { id: 'web01', name: 'web01', hostId: 'kvm01' } });
    expect(events[2]).toMatchObject({ migrate: { vmId: 'db01', toHostId: 'kvm01', kind: 'live' } });
    expect(events[6]).toMatchObject({ vm: { id: 'old-style' } });
    expect(ignoredOf(out).map((o) => o.reason)).toEqual(['libvirt Resumed Migrated (migration phase)', 'libvirt reboot event', 'libvirt Shutdown Finished', 'libvirt Suspended Post-copy Error (migration phase)']);
    expect(rejectedOf(out).map((o) => [o.record, o.field])).toEqual([
      ['line 11', 'timestamp'],
      ['line 12', 'event'],
    ]);
    expect(fleetOf(events).vms.get('web01')?.powerState).toBe('poweredOff');
  });

  it('needs a host for Started Migrated: rejected without one, accepted with the caller host hint', async () => {
    const without = await collect([fixture('libvirt/no-host-migration.log')]);
    expect(rejectedOf(without)).toEqual([expect.objectContaining({ record: 'line 1', field: 'host' })]);
    expect(eventsOf(without).map((e) => e.type)).toEqual(['vm.power_off']);
    const withHint = await collect([fixture('libvirt/no-host-migration.log')], { host: 'kvm02' });
    expect(eventsOf(withHint)[0]).toMatchObject({ type: 'vm.migrate', migrate: { vmId: 'db02', toHostId: 'kvm02' } });
  });
});
