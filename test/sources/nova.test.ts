import { describe, expect, it } from 'vitest';
import { normaliseRecord } from '../../src/sources/index';
import { collect, eventsOf, fixture, fleetOf, ignoredOf, only, rejectedOf } from './helpers';

const UUID = '178b0921-8f85-4257-88b6-2e743b5a975c';

describe('Nova normaliser', () => {
  it('maps every sample: create/update/exists/resize upsert, delete removes, power on/off, service update upserts the host', async () => {
    const out = await collect([fixture('nova')]);
    const byFile = (name: string) => out.filter((o) => o.file.endsWith(`/nova/${name}`));
    const kindOf = (name: string) => byFile(name).map((o) => (o.kind === 'event' ? o.event.type : o.kind));
    expect(kindOf('instance-create-end.json')).toEqual(['vm.upsert']);
    expect(kindOf('instance-update.json')).toEqual(['vm.upsert']);
    expect(kindOf('instance-resize_finish-end.json')).toEqual(['vm.upsert']);
    expect(kindOf('instance-delete-end.json')).toEqual(['vm.remove']);
    expect(kindOf('instance-power_on-end.json')).toEqual(['vm.power_on']);
    expect(kindOf('instance-power_off-end.json')).toEqual(['vm.power_off']);
    expect(kindOf('service-update.json')).toEqual(['host.upsert']);
    expect(kindOf('instance-create-start.json')).toEqual(['ignored']);
    const created = eventsOf(byFile('instance-create-end.json'))[0]!;
    expect(created).toMatchObject({
      time: '2012-10-29T13:42:11Z',
      vm: {
        id: UUID,
        name: 'some-server',
        hostId: 'compute',
        vcpus: 1,
        memoryMiB: 512,
        powerState: 'poweredOn',
        nics: [{ network: 'private' }],
      },
    });
    const resized = only(eventsOf(byFile('instance-resize_finish-end.json')), 'vm.upsert')[0]!;
    expect(resized.vm.memoryMiB).toBe(256);
    // Every upstream sample is usable; only the hand-broken oslo envelope in the .ndjson is refused.
    expect(rejectedOf(out.filter((o) => o.file.endsWith('.json')))).toEqual([]);
  });

  it('moves the VM only on the live-migration phase that changes host; earlier phases are ignored with a reason', async () => {
    const out = await collect([fixture('nova')]);
    const migrations = out.filter((o) => o.file.includes('live_migration'));
    const moves = only(eventsOf(migrations), 'vm.migrate');
    expect(moves.map((e) => e.migrate)).toEqual([{ vmId: UUID, toHostId: 'host2', kind: 'live' }]);
    expect(
      ignoredOf(migrations)
        .map((o) => o.reason)
        .sort(),
    ).toEqual([
      'instance.live_migration_post.end (host unchanged in payload; the move is taken from live_migration_post_dest.end)',
      'instance.live_migration_post.start (migration phase before the instance changes host)',
      'instance.live_migration_post_dest.start (migration phase before the instance changes host)',
      'instance.live_migration_pre.end (migration phase before the instance changes host)',
      'instance.live_migration_pre.start (migration phase before the instance changes host)',
    ]);
  });

  it('uses oslo message_id and timestamp of real bus messages, evacuates to the new host, and reports a broken envelope', async () => {
    const out = await collect([fixture('nova/oslo-wrapped.ndjson')]);
    const events = eventsOf(out);
    expect(events.map((e) => [e.id, e.time, e.type])).toEqual([
      ['nova:d7f8e9a0-1111-4c2b-8d3e-0123456789ab:vm.migrate', '2024-07-01T12:00:00.123456Z', 'vm.migrate'],
      ['nova:d7f8e9a0-2222-4c2b-8d3e-0123456789ab:vm.migrate', '2024-07-01T13:00:00.000001Z', 'vm.migrate'],
      ['nova:d7f8e9a0-3333-4c2b-8d3e-0123456789ab:host.upsert', '2024-07-01T13:05:00Z', 'host.upsert'],
    ]);
    expect(only(events, 'vm.migrate')[1]!.migrate).toEqual({ vmId: UUID, toHostId: 'host3', kind: 'evacuate' });
    expect(only(events, 'host.upsert')[0]!.host.connectionState).toBe('notResponding');
    expect(rejectedOf(out)).toEqual([expect.objectContaining({ record: 'line 4', field: 'oslo.message' })]);
    expect(fleetOf(events).vms.get(UUID)?.hostId).toBe('host3');
  });

  it('gives the same id to the same notification delivered twice without a message_id', () => {
    const msg = {
      event_type: 'instance.power_on.end',
      publisher_id: 'nova-compute:c1',
      payload: { 'nova_object.data': { uuid: 'u1', host: 'c1', updated_at: '2024-01-01T00:00:00Z' } },
    };
    const a = normaliseRecord(msg, { file: 'a' });
    const b = normaliseRecord(JSON.parse(JSON.stringify(msg)), { file: 'b' });
    expect(a[0]).toMatchObject({ kind: 'event' });
    expect(a[0]!.kind === 'event' && b[0]!.kind === 'event' && a[0]!.event.id === b[0]!.event.id).toBe(true);
  });

  it('rejects notifications without uuid or time by field', () => {
    const noUuid = normaliseRecord(
      {
        event_type: 'instance.power_on.end',
        payload: { 'nova_object.data': { uuid: 5, updated_at: '2024-01-01T00:00:00Z' } },
      },
      { file: 'f' },
    );
    expect(noUuid).toEqual([expect.objectContaining({ kind: 'rejected', field: 'payload.nova_object.data.uuid' })]);
    const noTime = normaliseRecord(
      { event_type: 'instance.power_on.end', payload: { 'nova_object.data': { uuid: 'u' } } },
      { file: 'f' },
    );
    expect(noTime).toEqual([expect.objectContaining({ kind: 'rejected', field: 'timestamp' })]);
  });
});
