import { describe, expect, it } from 'vitest';
import type { FleetEvent } from '../../src/model/event';
import { MemoryStore } from '../../src/store/memory-store';

const upsert = (vm: string, time: string, name: string): FleetEvent => ({
  id: 'shared-id',
  time,
  type: 'vm.upsert',
  vm: { id: vm, name },
});

describe('MemoryStore duplicates', () => {
  it('treats an id reused for another subject or another time as a new event, as the DynamoDB store keys them', async () => {
    const store = new MemoryStore();
    const result = await store.putEvents([
      upsert('vm-1', '2025-01-01T00:00:00Z', 'one'),
      upsert('vm-2', '2025-01-01T00:00:00Z', 'two'),
      upsert('vm-1', '2025-01-02T00:00:00Z', 'one, renamed'),
    ]);
    expect(result).toMatchObject({ written: 3, duplicates: 0 });
    const fleet = await store.loadFleet();
    expect(fleet.vms.get('vm-1')?.name).toBe('one, renamed');
    expect(fleet.vms.get('vm-2')?.name).toBe('two');
  });

  it('counts the same subject, instant and id as a duplicate whatever offset the time was written with', async () => {
    const store = new MemoryStore();
    await store.putEvents([upsert('vm-1', '2025-01-01T00:00:00Z', 'first')]);
    const again = await store.putEvents([upsert('vm-1', '2025-01-01T02:00:00+02:00', 'replayed')]);
    expect(again).toMatchObject({ written: 0, duplicates: 1 });
    expect((await store.loadFleet()).vms.get('vm-1')?.name).toBe('first');
  });
});
