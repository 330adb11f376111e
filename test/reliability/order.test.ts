import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetEvent } from '../../src/model/event';
import { fleetToJson } from '../../src/model/fleet';
import { ingestOutcomes } from '../../src/pipeline/ingest';
import type { SourceOutcome } from '../../src/sources/types';
import { MemoryStore } from '../../src/store/memory-store';
import { LocalStores } from '../integration/local-store';
import { generateHistory, shuffled } from './history';

const asOutcomes = (events: readonly FleetEvent[]): SourceOutcome[] =>
  events.map((event, i) => ({ kind: 'event', source: 'canonical', event, file: 'history.ndjson', record: `line ${i + 1}` }));

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

    const inOrder = await stores.open();
    const a = await ingestOutcomes(inOrder, asOutcomes(events));
    expect(a).toMatchObject({ accepted: 10_000, duplicates: 0 });
    expect(fleetToJson(await inOrder.loadFleet())).toEqual(expected);

    const mixed = await stores.open();
    const b = await ingestOutcomes(mixed, asOutcomes(shuffled(events, 7)), { batchSize: 64, concurrency: 3 });
    expect(b).toMatchObject({ accepted: 10_000, duplicates: 0 });
    expect(fleetToJson(await mixed.loadFleet())).toEqual(expected);

    // Every event twice, the copies shuffled among the originals, some in the same batch, some far apart.
    const twice = await stores.open();
    const c = await ingestOutcomes(twice, asOutcomes(shuffled([...events, ...events], 8)));
    expect(c).toMatchObject({ accepted: 10_000, duplicates: 10_000 });
    expect(fleetToJson(await twice.loadFleet())).toEqual(expected);
  });
});
