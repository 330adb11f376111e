import { describe, expect, it } from 'vitest';
import { foldEvents, materialiseFleet, type FleetEvent } from '../../src/model';
import { compareIds, compareTimes } from '../../src/model/event-order';
import { MemoryStore } from '../../src/store/memory-store';

const rename = (id: string, time: string, name: string): FleetEvent => ({
  id,
  time,
  type: 'vm.upsert',
  vm: { id: 'vm-1', name },
});

const nameAfter = (events: FleetEvent[]) => materialiseFleet(foldEvents(events).values()).vms.get('vm-1')?.name;

describe('Event order below a millisecond (issue 15 item 4)', () => {
  const early = rename('vcenter:src:99:99:x', '2026-11-01T08:00:00.123100Z', 'early');
  const late = rename('vcenter:src:100:100:x', '2026-11-01T08:00:00.123900Z', 'late');

  it('applies the later of two writes in the same millisecond last, whatever the ids say as text', () => {
    expect(nameAfter([early, late])).toBe('late');
    expect(nameAfter([late, early])).toBe('late');
  });

  it('breaks an exact time tie by the id compared numerically (…:100: after …:99:)', () => {
    const time = '2026-11-01T08:00:00.123456Z';
    expect(nameAfter([rename('k:100:', time, 'hundred'), rename('k:99:', time, 'ninety-nine')])).toBe('hundred');
    expect(nameAfter([rename('k:99:', time, 'ninety-nine'), rename('k:100:', time, 'hundred')])).toBe('hundred');
  });

  it('compares times written with different offsets and precisions by the instant they name', () => {
    expect(compareTimes('2026-11-01T09:00:00.1231+01:00', '2026-11-01T08:00:00.123100Z')).toBe(0);
    expect(compareTimes('2026-11-01T08:00:00.1231Z', '2026-11-01T08:00:00.123101Z')).toBe(-1);
    expect(compareTimes('2026-11-01T08:00:00.124Z', '2026-11-01T08:00:00.123999999Z')).toBe(1);
  });

  it('orders ids with numbers by value and never calls two different ids equal', () => {
    expect(['a:100', 'a:99', 'a:9', 'b:1', 'a:010'].sort(compareIds)).toEqual(['a:9', 'a:010', 'a:99', 'a:100', 'b:1']);
    expect(compareIds('a:01', 'a:1')).not.toBe(0);
    expect(Math.sign(compareIds('a:01', 'a:1'))).toBe(-Math.sign(compareIds('a:1', 'a:01')));
  });

  it('replays a store in the full-precision order', async () => {
    const store = new MemoryStore();
    await store.putEvents([late, early]);
    const ids: string[] = [];
    for await (const e of store.readHistory()) ids.push(e.id);
    expect(ids).toEqual([early.id, late.id]);
  });
});
