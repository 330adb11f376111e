import { describe, expect, it } from 'vitest';
import type { FleetEvent } from '../../src/model/event';
import { fixedClock } from '../../src/model/ports/clock';
import { clearPending, listPending, markPending } from '../../src/server/pending-evaluation';
import { MemoryStore } from '../../src/store/memory-store';

const hostUpsert = (id: string): FleetEvent => ({
  id: `e-${id}`,
  time: '2026-12-01T00:00:00Z',
  type: 'host.upsert',
  host: { id, name: id },
});

describe("serve's pending-evaluation markers", () => {
  it('keys each marker by the clock it is given and lists the entities of every marker once', async () => {
    const store = new MemoryStore();
    const first = await markPending(
      store,
      [hostUpsert('esx-1'), hostUpsert('esx-2')],
      fixedClock('2026-12-03T10:00:00Z'),
    );
    const second = await markPending(store, [hostUpsert('esx-2')], fixedClock('2026-12-03T10:00:01Z'));
    expect(first).toMatch(/^pending-evaluation\/2026-12-03T10:00:00\.000Z-[0-9a-f-]{36}$/);
    const pending = await listPending(store);
    expect(pending.keys).toEqual([first, second]);
    expect(pending.subjects).toEqual([
      { kind: 'host', id: 'esx-1' },
      { kind: 'host', id: 'esx-2' },
    ]);
    await clearPending(store, pending.keys);
    expect(await listPending(store)).toEqual({ keys: [], subjects: [] });
  });

  it('refuses a stored marker of another shape, naming its key and field, instead of skipping its entities', async () => {
    const store = new MemoryStore();
    await store.putMeta('pending-evaluation/2026-12-03T10:00:00.000Z-x', { subjects: [{ kind: 'disk', id: 'd1' }] });
    await expect(listPending(store)).rejects.toThrow(
      /^stored state pending-evaluation\/2026-12-03T10:00:00\.000Z-x: subjects\.0\.kind: /,
    );
  });
});
