import { BatchWriteItemCommand, DynamoDBClient, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { replayStored, simulateStored } from '../../src/app/simulate';
import type { FleetEvent } from '../../src/model/event';
import { systemClock } from '../../src/model/ports/clock';
import { DynamoStore } from '../../src/store/dynamo-store';
import { eventItem, eventKey } from '../../src/store/items';

const ddb = mockClient(DynamoDBClient);
const NOW = Date.parse('2025-06-01T00:00:00Z');

function store() {
  return new DynamoStore({
    client: new DynamoDBClient({ region: 'local' }),
    tableName: 't',
    retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
    now: () => NOW,
    snapshotEvery: 0,
    scanSegments: 1,
  });
}

const upsert: FleetEvent = {
  id: 'ev-1',
  time: '2025-01-01T00:00:00Z',
  type: 'vm.upsert',
  vm: { id: 'vm-1', name: 'web-1' },
};

/** The attribute names the Scans asked for, one list per Scan sent. */
function projectedNames(): string[][] {
  return ddb.commandCalls(ScanCommand).map((call) => {
    const { ProjectionExpression, ExpressionAttributeNames } = call.args[0].input;
    return (ProjectionExpression ?? '').split(', ').map((placeholder) => ExpressionAttributeNames?.[placeholder] ?? '');
  });
}

beforeEach(() => {
  ddb.reset();
  ddb
    .on(ScanCommand)
    .resolves({ Items: [eventItem(upsert, JSON.stringify(upsert), eventKey(upsert), NOW, 2_000_000_000)] });
  ddb.on(PutItemCommand).resolves({});
  ddb.on(BatchWriteItemCommand).resolves({});
});
afterEach(() => ddb.reset());

describe('what the full reads of the fleet ask the server for', () => {
  it('reads snapshots and whole events for the fleet, without the deflated copy, placement, stored-at time or TTL', async () => {
    const fleet = await store().loadFleet();
    expect(fleet.vms.get('vm-1')?.name).toBe('web-1');
    expect(projectedNames()).toEqual([['pk', 'sk', 's', 'v', 'covered', 'e', 'c']]);
  });

  it('adds the TTL for the history, which leaves expired events out', async () => {
    const { history } = await store().loadFleetWithHistory();
    expect(history.map((e) => e.id)).toEqual(['ev-1']);
    expect(projectedNames()).toEqual([['pk', 'sk', 's', 'v', 'covered', 'e', 'c', 'expiresAt']]);
  });

  it("leaves the events' configuration members out for the simulation, which reads none of them", async () => {
    const { history } = await store().loadFleetWithHistory({ leaveOutConfiguration: true });
    expect(history.map((e) => e.id)).toEqual(['ev-1']);
    expect(projectedNames()).toEqual([['pk', 'sk', 's', 'v', 'covered', 'e', 'expiresAt']]);
  });

  it("leaves them out for a stored simulation only, not for the run's replay whose fleet the shards audit", async () => {
    await simulateStored(store(), { trials: 1, save: false, clock: systemClock, traces: new Map() });
    expect(projectedNames()).toEqual([['pk', 'sk', 's', 'v', 'covered', 'e', 'expiresAt']]);
    ddb.resetHistory();
    await replayStored(store());
    expect(projectedNames()).toEqual([['pk', 'sk', 's', 'v', 'covered', 'e', 'c', 'expiresAt']]);
  });

  it('reads stored-at times and placements for compaction, still without the deflated copy', async () => {
    await store().compact();
    const names = projectedNames();
    expect(names).toHaveLength(1);
    expect(names[0]).toEqual(['pk', 'sk', 's', 'v', 'covered', 'e', 'c', 'at', 'gpk', 'gsk', 'mp', 'hp', 'ix']);
  });
});
