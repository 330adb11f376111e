import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetToJson } from '../../src/model/fleet';
import { MemoryStore } from '../../src/store/memory-store';
import { LocalStores } from '../integration/local-store';
import { generateHistory } from './history';
import { ingestVariants } from './order-variants';

describe('order and duplicates: a 10,000-event history', () => {
  const events = generateHistory({ events: 10_000, seed: 42 });
  let stores: LocalStores;
  beforeAll(async () => {
    // Its own process, so dynalite and the ingest each get a core.
    stores = await LocalStores.start({ mode: 'child' });
  });
  afterAll(() => stores.stop());

  it('gives the identical inventory in order, shuffled, and with every event delivered twice', async () => {
    const reference = new MemoryStore();
    await reference.putEvents(events);
    const expected = fleetToJson(await reference.loadFleet());
    expect(expected.vms.length).toBeGreaterThan(300);
    expect(expected.vms.some((v) => v.perimeterSource === 'clone')).toBe(true);

    const [inOrder, mixed, twice] = await ingestVariants(stores, events);
    expect(inOrder!.report).toMatchObject({ accepted: 10_000, duplicates: 0 });
    expect(mixed!.report).toMatchObject({ accepted: 10_000, duplicates: 0 });
    expect(twice!.report).toMatchObject({ accepted: 10_000, duplicates: 10_000 });
    for (const variant of [inOrder!, mixed!, twice!]) {
      expect({ variant: variant.name, fleet: fleetToJson(await variant.store.loadFleet()) }).toEqual({ variant: variant.name, fleet: expected });
    }
  });
});
