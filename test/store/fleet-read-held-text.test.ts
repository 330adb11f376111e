import { type DynamoDBClient, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldEvents } from '../../src/model/entity-state';
import type { FleetEvent } from '../../src/model/event';
import { fleetToJson, materialiseFleet, type Fleet } from '../../src/model/fleet';
import { DynamoStore } from '../../src/store/dynamo-store';
import { eventItem, eventKey } from '../../src/store/items';
import { createDynamoClient } from '../../src/store/open-store';
import { LocalStores } from '../integration/local-store';

/**
 * `loadFleet` keeps a partition's first event item as its stored text until the partition shows another item (its
 * `MEMBER` item, its snapshot, a second event) or the Scan ends, and parses it only then. Whatever comes after the
 * text, the fleet is the fold of every stored event, and what the read refuses it still refuses.
 */

const plain = (fleet: Fleet) => JSON.parse(JSON.stringify(fleetToJson(fleet))) as unknown;
const folded = (events: FleetEvent[]) => materialiseFleet(foldEvents(events).values());

const upsert = (id: string, time: string, body: Record<string, unknown>): FleetEvent =>
  ({ id, time, type: 'vm.upsert', vm: body }) as FleetEvent;

describe('an event item held as text by the fleet read', () => {
  let stores: LocalStores;
  beforeAll(async () => {
    stores = await LocalStores.start();
  });
  afterAll(() => stores.stop());

  it('is folded with the items its partition shows after it: a second event, the member item, the snapshot', async () => {
    const store = await stores.open();
    const events: FleetEvent[] = [
      { id: 'h', time: '2025-01-01T00:00:00Z', type: 'host.upsert', host: { id: 'h-1', cluster: 'c1' } },
      { id: 'p', time: '2025-01-01T00:00:00Z', type: 'perimeter.upsert', perimeter: { id: 'p1', name: 'dmz' } },
      upsert('a1', '2025-01-01T00:00:00Z', {
        id: 'vm-a',
        hostId: 'h-1',
        perimeter: 'p1',
        settings: { 'isolation.tools.copy.disable': 'TRUE' },
      }),
      upsert('a2', '2025-01-02T00:00:00Z', { id: 'vm-a', name: 'web', settings: { 'log.keepOld': '10' } }),
      upsert('b1', '2025-01-01T00:00:00Z', { id: 'vm-b', hostId: 'h-1', settings: { 'log.keepOld': '10' } }),
      upsert('c1', '2025-01-01T00:00:00Z', { id: 'vm-c', hostId: 'h-1', labels: { app: 'a' } }),
    ];
    await store.putEvents(events);
    const expected = plain(folded(events));
    // vm-a: two events; vm-a and vm-b: a `MEMBER` item after their events (they have a perimeter or not).
    expect(plain(await store.loadFleet())).toEqual(expected);
    await store.compact();
    // Every partition now ends with its snapshot, read after the event held as text.
    expect(plain(await store.loadFleet())).toEqual(expected);
    const later = upsert('c2', '2025-01-03T00:00:00Z', { id: 'vm-c', powerState: 'poweredOff' });
    await store.putEvents([later]);
    expect(plain(await store.loadFleet())).toEqual(plain(folded([...events, later])));
  });

  it('reads as the fold when its configuration text repeats, its entity made of its upsert or of the fold', async () => {
    // loadFleet parses each distinct `c` text once and hands the parse to every event of it: one settings map per
    // distinct content in the fleet, every VM still its fold (a complete or scoped upsert, or one of another
    // entity's partition, goes through the fold with the same shared members).
    const store = await stores.open();
    const vmx = { 'isolation.tools.copy.disable': 'TRUE', 'log.keepOld': '10' };
    const events: FleetEvent[] = [
      ...['a', 'b', 'c', 'd'].map((x) =>
        upsert(`u-${x}`, '2025-01-01T00:00:00Z', { id: `vm-${x}`, hostId: 'h-1', guestOs: 'rhel', settings: vmx }),
      ),
      {
        ...upsert('u-e', '2025-01-01T00:00:00Z', { id: 'vm-e', hostId: 'h-1', guestOs: 'rhel', settings: vmx }),
        scope: { source: 'vcenter', instance: 'vc-1' },
        complete: true,
      } as FleetEvent,
      upsert('u-f', '2025-01-01T00:00:00Z', {
        id: 'vm-f',
        hostId: 'h-1',
        guestOs: 'rhel',
        settings: { ...vmx, x: '1' },
      }),
    ];
    await store.putEvents(events);
    const fleet = await store.loadFleet();
    expect(plain(fleet)).toEqual(plain(folded(events)));
    const settings = (id: string) => fleet.vms.get(id)!.settings;
    expect(settings('vm-b')).toBe(settings('vm-a'));
    expect(settings('vm-d')).toBe(settings('vm-a'));
    expect(settings('vm-f')).not.toBe(settings('vm-a'));
    expect(Object.getPrototypeOf(settings('vm-a'))).toBeNull();
  });

  it('is left out when dated after the future cutoff, as a parsed one was, whether or not more items follow', async () => {
    const now = Date.parse('2025-01-02T00:00:00Z');
    const store = await stores.open({ now: () => now, maxEventAheadMs: 60_000 });
    const client = createDynamoClient({ endpoint: stores.server.endpoint });
    const ahead = upsert('ahead', '2025-01-05T00:00:00Z', { id: 'vm-ahead', hostId: 'h-1' });
    const aheadThenNow = upsert('x1', '2025-01-05T00:00:00Z', { id: 'vm-x', name: 'future' });
    const present = upsert('x2', '2025-01-01T00:00:00Z', { id: 'vm-x', hostId: 'h-1' });
    // Stored directly: an ingest at this clock would refuse them, a later clock's ingest would not.
    for (const event of [ahead, aheadThenNow, present]) {
      const item = eventItem(event, JSON.stringify(event), eventKey(event), 0, 0);
      await client.send(new PutItemCommand({ TableName: store.tableName, Item: item }));
    }
    const fleet = await store.loadFleet();
    expect([...fleet.vms.keys()]).toEqual(['vm-x']);
    expect(plain(fleet)).toEqual(plain(folded([present])));
  });

  it('still fails the read when its configuration attribute is not as stored', async () => {
    const store = await stores.open();
    const event = upsert('bad', '2025-01-01T00:00:00Z', { id: 'vm-bad', settings: { 'log.keepOld': '10' } });
    const item = eventItem(event, JSON.stringify(event), eventKey(event), 0, 0);
    item.c = {
      S: JSON.stringify([
        ['settings', 0, { 'log.keepOld': '10' }],
        ['settings', 1, {}],
      ]),
    };
    await createDynamoClient({ endpoint: stores.server.endpoint }).send(
      new PutItemCommand({ TableName: store.tableName, Item: item }),
    );
    await expect(store.loadFleet()).rejects.toThrow('stored event bad: its configuration members are not as stored');
  });

  it('fails the read naming the item when an event text is not JSON, through the shared parse of `c` too', async () => {
    for (const damage of ['e', 'c'] as const) {
      const store = await stores.open();
      const event = upsert('bad', '2025-01-01T00:00:00Z', { id: 'vm-bad', settings: { 'log.keepOld': '10' } });
      const item = eventItem(event, JSON.stringify(event), eventKey(event), 0, 0);
      if (damage === 'e') item.e = { S: `${item.e!.S!.slice(0, -1)},` };
      else item.c = { S: '[["settings",0,' };
      await createDynamoClient({ endpoint: stores.server.endpoint }).send(
        new PutItemCommand({ TableName: store.tableName, Item: item }),
      );
      await expect(store.loadFleet(), damage).rejects.toThrow(
        `stored event item ${item.pk!.S} ${item.sk!.S}: its ${damage} attribute is not JSON`,
      );
    }
  });

  it('is read again to the Scan’s end when a partition’s items do not come together, which the API does not promise', async () => {
    const a1 = upsert('a1', '2025-01-01T00:00:00Z', { id: 'vm-a', hostId: 'h-1', settings: { x: '1' } });
    const b1 = upsert('b1', '2025-01-01T00:00:00Z', { id: 'vm-b', hostId: 'h-1', settings: { x: '1' } });
    const a2 = upsert('a2', '2025-01-02T00:00:00Z', { id: 'vm-a', name: 'web', settings: { y: '2' } });
    const item = (e: FleetEvent) => eventItem(e, JSON.stringify(e), eventKey(e), 0, 0);
    /** A store whose one-segment Scan answers these items in this order, one page. */
    const storeAnswering = (items: ReturnType<typeof item>[]) => {
      let scans = 0;
      const client = {
        send: async (command: unknown) => {
          if (!(command instanceof ScanCommand)) throw new Error('only Scan');
          scans++;
          return { Items: items, $metadata: {} };
        },
        destroy: () => undefined,
      } as unknown as DynamoDBClient;
      const store = new DynamoStore({ client, tableName: 't', scanSegments: 1 });
      return { store, scans: () => scans };
    };
    const expected = plain(folded([a1, b1, a2]));
    const together = storeAnswering([item(a1), item(a2), item(b1)]);
    expect(plain(await together.store.loadFleet())).toEqual(expected);
    expect(together.scans()).toBe(1);
    const scattered = storeAnswering([item(a1), item(b1), item(a2)]);
    expect(plain(await scattered.store.loadFleet())).toEqual(expected);
    expect(scattered.scans()).toBe(2);
  });
});
