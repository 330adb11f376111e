import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetEvent } from '../../src/model/event';
import { ingestOutcomes } from '../../src/app/ingest';
import { eventKey, MAX_PK_BYTES, MAX_SK_BYTES } from '../../src/store/items';
import { MemoryStore } from '../../src/store/memory-store';
import type { SourceOutcome } from '../../src/sources/types';
import { LocalStores } from './local-store';

let stores: LocalStores;
beforeAll(async () => {
  stores = await LocalStores.start();
});
afterAll(() => stores.stop());

const asOutcomes = (events: FleetEvent[]): SourceOutcome[] =>
  events.map((event, i) => ({
    kind: 'event',
    source: 'canonical',
    event,
    file: 'long-ids.ndjson',
    record: `line ${i + 1}`,
  }));

const upsert = (id: string, vmId: string, name: string, time = '2025-03-01T10:00:00Z'): FleetEvent => ({
  id,
  time,
  type: 'vm.upsert',
  vm: { id: vmId, name },
});

/** The schema's maximum lengths (src/model/event.ts) in characters that take the most UTF-8 bytes. */
const ASCII_1000 = `evt-${'a'.repeat(996)}`;
const EMOJI_300 = '😀'.repeat(300); // 600 UTF-16 units, 1200 bytes
const EURO_1024 = '€'.repeat(1024); // 3 bytes each: 3072 bytes
const ENTITY_EURO_512 = '€'.repeat(512);

describe('event keys within DynamoDB key limits', () => {
  it('keeps every key under the byte limits for event and entity ids at the schema maximum in multibyte characters', () => {
    const cases: FleetEvent[] = [
      upsert(ASCII_1000, 'vm-1', 'a'),
      upsert(EMOJI_300, 'vm-1', 'b'),
      upsert('😀'.repeat(512), 'vm-1', 'c'),
      upsert(EURO_1024, ENTITY_EURO_512, 'd'),
      { id: EURO_1024, time: '2025-03-01T10:00:00Z', type: 'perimeter.upsert', perimeter: { id: ENTITY_EURO_512 } },
      { id: EURO_1024, time: '2025-03-01T10:00:00Z', type: 'host.upsert', host: { id: '😀'.repeat(256) } },
    ];
    for (const event of cases) {
      const key = eventKey(event);
      expect(Buffer.byteLength(key.sk)).toBeLessThanOrEqual(MAX_SK_BYTES);
      expect(Buffer.byteLength(key.pk)).toBeLessThanOrEqual(MAX_PK_BYTES);
    }
  });

  it('gives distinct keys to long ids that share a long prefix, and the same key to the same long id', () => {
    const a = upsert(`${'x'.repeat(900)}-a`, 'vm-1', 'a');
    const b = upsert(`${'x'.repeat(900)}-b`, 'vm-1', 'a');
    expect(eventKey(a)).not.toEqual(eventKey(b));
    expect(eventKey(a)).toEqual(eventKey(structuredClone(a)));
  });

  it('stores a batch with a 1000-character and a 300-emoji event id beside valid events, and counts all as duplicates when re-ingested', async () => {
    const store = await stores.open();
    const events = [
      upsert('ok-1', 'vm-1', 'first', '2025-03-01T09:00:00Z'),
      upsert(ASCII_1000, 'vm-1', 'long ascii id', '2025-03-01T10:00:00Z'),
      upsert('ok-2', 'vm-2', 'second'),
      upsert(EMOJI_300, 'vm-2', 'emoji id', '2025-03-01T11:00:00Z'),
      upsert(EURO_1024, ENTITY_EURO_512, 'widest ids'),
      upsert('ok-3', 'vm-3', 'third'),
    ];
    const first = await ingestOutcomes(store, asOutcomes(events));
    expect(first).toMatchObject({ accepted: events.length, duplicates: 0, rejected: [] });

    const again = await ingestOutcomes(store, asOutcomes(events));
    expect(again).toMatchObject({ accepted: 0, duplicates: events.length, rejected: [] });

    // The stored events keep their full ids; the hash is only in the key.
    const history: string[] = [];
    for await (const e of store.readHistory()) history.push(e.id);
    expect(history.sort()).toEqual(events.map((e) => e.id).sort());
    const fleet = await store.loadFleet();
    expect(fleet.vms.get('vm-1')?.name).toBe('long ascii id');
    expect(fleet.vms.get('vm-2')?.name).toBe('emoji id');
    expect(fleet.vms.get(ENTITY_EURO_512)?.name).toBe('widest ids');
  });

  it('counts duplicates the same way in MemoryStore and DynamoStore: by subject, event time and id', async () => {
    const dynamo = await stores.open();
    const memory = new MemoryStore();
    const batch = [
      upsert('same-id', 'vm-1', 'a', '2025-03-01T10:00:00Z'),
      upsert('same-id', 'vm-2', 'b', '2025-03-01T10:00:00Z'), // another subject
      upsert('same-id', 'vm-1', 'c', '2025-03-01T11:00:00Z'), // another time
      upsert('same-id', 'vm-1', 'd', '2025-03-01T12:00:00+02:00'), // the first instant, other offset
      upsert(ASCII_1000, 'vm-1', 'e'),
      upsert(ASCII_1000, 'vm-1', 'e'),
    ];
    const fromDynamo = await dynamo.putEvents(batch);
    const fromMemory = await memory.putEvents(batch);
    expect({ written: fromMemory.written, duplicates: fromMemory.duplicates }).toEqual({
      written: fromDynamo.written,
      duplicates: fromDynamo.duplicates,
    });
    expect(fromMemory).toMatchObject({ written: 4, duplicates: 2 });
  });
});
