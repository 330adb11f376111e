import type { FleetEvent } from '../../src/model/event';
import { ingestOutcomes, type IngestReport } from '../../src/app/ingest';
import type { SourceOutcome } from '../../src/sources/types';
import type { DynamoStore } from '../../src/store/dynamo-store';
import type { LocalStores } from '../integration/local-store';
import { shuffled } from './history';

export const asOutcomes = (events: readonly FleetEvent[]): SourceOutcome[] =>
  events.map((event, i) => ({
    kind: 'event',
    source: 'canonical',
    event,
    file: 'history.ndjson',
    record: `line ${i + 1}`,
  }));

export interface Variant {
  name: 'in order' | 'shuffled' | 'every event twice';
  store: DynamoStore;
  report: IngestReport;
}

/**
 * The same history stored three ways, each in its own fresh table: in event-time order; shuffled (other
 * batch size and concurrency); and every event delivered twice, the copies shuffled among the originals.
 * Whatever is derived from the stores (inventory, findings) must be identical across the three.
 */
export async function ingestVariants(stores: LocalStores, events: readonly FleetEvent[], seed = 7): Promise<Variant[]> {
  const inOrder = await stores.open();
  const mixed = await stores.open();
  const twice = await stores.open();
  return [
    { name: 'in order', store: inOrder, report: await ingestOutcomes(inOrder, asOutcomes(events)) },
    {
      name: 'shuffled',
      store: mixed,
      report: await ingestOutcomes(mixed, asOutcomes(shuffled(events, seed)), { batchSize: 64, concurrency: 3 }),
    },
    {
      name: 'every event twice',
      store: twice,
      report: await ingestOutcomes(twice, asOutcomes(shuffled([...events, ...events], seed + 1))),
    },
  ];
}
