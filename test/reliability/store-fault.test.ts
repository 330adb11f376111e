import { ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fleetToJson } from '../../src/model/fleet';
import { ingestOutcomes } from '../../src/app/ingest';
import { DynamoStore } from '../../src/store/dynamo-store';
import { startLocalServer, type LocalServer } from '../../src/store/local-server';
import { MemoryStore } from '../../src/store/memory-store';
import { createDynamoClient, ensureTable } from '../../src/store/open-store';
import { generateHistory } from './history';
import { asOutcomes } from './order-variants';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const TABLE = 'fault';
const dataDir = mkdtempSync(join(tmpdir(), 'hyperaudit-fault-'));
const servers: LocalServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function open(server: LocalServer) {
  const client = createDynamoClient({ endpoint: server.endpoint });
  await ensureTable(client, TABLE);
  // A short retry budget so the dead server is given up on in seconds, not minutes.
  const store = new DynamoStore({
    client,
    tableName: TABLE,
    retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
  });
  const countEvents = async () => {
    let n = 0;
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await client.send(
        new ScanCommand({ TableName: TABLE, Select: 'COUNT', ...(start && { ExclusiveStartKey: start }) }),
      );
      n += page.Count ?? 0;
      start = page.LastEvaluatedKey;
    } while (start);
    return n;
  };
  return { store, countEvents };
}

describe('store fault: the local server killed in the middle of a large ingest', () => {
  it('loses nothing and doubles nothing when the ingest is re-run after a restart on the same data dir', async () => {
    const events = generateHistory({ events: 20_000, seed: 5 });
    const first = await startLocalServer({ dataDir, mode: 'child' });
    servers.push(first);
    const { store } = await open(first);
    let killed = false;
    const crashed = ingestOutcomes(store, asOutcomes(events), {
      onProgress: (p) => {
        if (!killed && p.accepted >= 6_000) {
          killed = true;
          void first.kill();
        }
      },
    });
    await expect(crashed).rejects.toThrow();
    expect(killed).toBe(true);
    store.close();

    const second = await startLocalServer({ dataDir, mode: 'child' });
    servers.push(second);
    const reopened = await open(second);
    const survived = await reopened.countEvents();
    expect(survived).toBeGreaterThanOrEqual(6_000);
    expect(survived).toBeLessThan(20_000);

    const rerun = await ingestOutcomes(reopened.store, asOutcomes(events));
    expect(rerun.duplicates).toBe(survived);
    expect(rerun.accepted).toBe(20_000 - survived);
    expect(await reopened.countEvents()).toBe(20_000);

    const reference = new MemoryStore();
    await reference.putEvents(events);
    expect(fleetToJson(await reopened.store.loadFleet())).toEqual(fleetToJson(await reference.loadFleet()));
    reopened.store.close();
  });
});
