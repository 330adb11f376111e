import { fixedClock } from '../../src/model/ports/clock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchWriteItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { runAudit } from '../../src/app/audit';
import { evaluateIndexed } from '../../src/app/indexed-evaluation';
import { DEFAULT_RULES_DIR, loadRules } from '../../src/engine/load-rules';
import type { FleetEvent } from '../../src/model/event';
import type { Finding } from '../../src/model/finding';
import { UNVERIFIED_PK } from '../../src/store/items';
import type { DynamoStore } from '../../src/store/dynamo-store';
import { createDynamoClient, openDynamoStore } from '../../src/store/open-store';
import { clusterUnverifiedGroup, encodeUnverifiedPages } from '../../src/store/unverified-pages';
import { startLocalDynamo, type LocalDynamo } from '../support/local-dynamo';

/**
 * A table written before unverified pages were grouped by cluster keeps one rule's pages in `FINDINGS#UNVERIFIED`
 * (`<profile>#<rule>#head`, `<profile>#<rule>#p#<generation>#<n>`). They are still read, an incremental evaluation
 * reads the table instead of a cluster's pages while they exist, and the next full audit rewrites them by cluster.
 */
const rules = loadRules(DEFAULT_RULES_DIR, { profile: 'scg' });
const T0 = '2026-11-01T00:00:00Z';

function events(): FleetEvent[] {
  const out: FleetEvent[] = [];
  for (const c of ['c1', 'c2'])
    for (let h = 0; h < 2; h++) {
      const hostId = `${c}-esx-${h}`;
      out.push({
        id: `h-${hostId}`,
        time: T0,
        type: 'host.upsert',
        host: { id: hostId, cluster: c, hypervisor: { vendor: 'vmware', version: '8.0.3' } },
      } as FleetEvent);
      for (let v = 0; v < 3; v++)
        out.push({
          id: `v-${hostId}-${v}`,
          time: T0,
          type: 'vm.upsert',
          vm: { id: `${hostId}-vm-${v}`, hostId, powerState: 'poweredOn' },
        } as FleetEvent);
    }
  return out;
}

describe('unverified pages of an older table', () => {
  let db: LocalDynamo;
  const client = () => createDynamoClient({ endpoint: db.endpoint });
  const keysOf = async (pk: string) => {
    const c = client();
    const out = await c.send(
      new QueryCommand({
        TableName: db.store.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: pk } },
        ProjectionExpression: 'pk, sk',
      }),
    );
    c.destroy();
    return (out.Items ?? []).map((i) => ({ pk: i.pk!.S!, sk: i.sk!.S! }));
  };
  const view = (fs: readonly Finding[]) =>
    fs
      .filter((f) => f.status === 'unverified')
      .map((f) => `${f.fingerprint} ${f.firstSeen}`)
      .sort();
  let written: string[];
  /** The new version's store opened on the older table (a store remembers that a table has no per-rule pages). */
  let store: DynamoStore;

  beforeAll(async () => {
    db = await startLocalDynamo('hyperaudit-unverified-upgrade-');
    await db.store.putEvents(events());
    await db.store.compact();
    await runAudit({ store: db.store, clock: fixedClock('2026-11-02T00:00:00.000Z') }, { rules, full: true });
    const findings = await db.store.listFindings();
    written = view(findings);
    // Turn the table into an older one: the same findings on per-rule pages, no group partitions.
    const groups = (await keysOf(`${UNVERIFIED_PK}#GROUPS`)).map((k) => k.sk);
    const stale = [...(await keysOf(`${UNVERIFIED_PK}#GROUPS`))];
    for (const g of groups) stale.push(...(await keysOf(`${UNVERIFIED_PK}#${g}`)));
    const byRule = new Map<string, Finding[]>();
    for (const f of findings) if (f.status === 'unverified') byRule.set(f.ruleId, [...(byRule.get(f.ruleId) ?? []), f]);
    const legacy = [...byRule].flatMap(([ruleId, fs]) => {
      const pages = encodeUnverifiedPages(fs);
      return [
        {
          pk: { S: UNVERIFIED_PK },
          sk: { S: `scg#${ruleId}#head` },
          j: { S: JSON.stringify({ profile: 'scg', ruleId, generation: 'old', pages: pages.length }) },
        },
        ...pages.map((text, n) => ({
          pk: { S: UNVERIFIED_PK },
          sk: { S: `scg#${ruleId}#p#old#${String(n).padStart(6, '0')}` },
          j: { S: text },
        })),
      ];
    });
    const c = client();
    const requests = [
      ...stale.map((k) => ({ DeleteRequest: { Key: { pk: { S: k.pk }, sk: { S: k.sk } } } })),
      ...legacy.map((Item) => ({ PutRequest: { Item } })),
    ];
    for (let i = 0; i < requests.length; i += 25)
      await c.send(new BatchWriteItemCommand({ RequestItems: { [db.store.tableName]: requests.slice(i, i + 25) } }));
    c.destroy();
    store = await openDynamoStore({ endpoint: db.endpoint });
  }, 120_000);
  afterAll(async () => {
    store?.close();
    await db.stop();
  });

  it('reads the per-rule pages as before, and evaluates a change from the table while they exist', async () => {
    expect(written.length).toBeGreaterThan(20);
    expect(view(await store.listFindings())).toEqual(written);
    expect(await store.legacyUnverifiedProfiles()).toEqual(['scg']);
    expect(await store.listUnverifiedFindings([clusterUnverifiedGroup('c1')])).toEqual([]);
    const outcome = await evaluateIndexed(store, {
      rules,
      subjects: [{ kind: 'vm', id: 'c1-esx-0-vm-0' }],
      now: '2026-11-02T01:00:00.000Z',
    });
    expect(outcome).toEqual({ fullRead: 'unverified pages not yet per cluster' });
  });

  it('moves them into per-cluster pages at the next full audit, keeping every finding and its first sighting', async () => {
    await runAudit({ store, clock: fixedClock('2026-11-03T00:00:00.000Z') }, { rules, full: true });
    expect(await keysOf(UNVERIFIED_PK)).toEqual([]);
    expect(await store.legacyUnverifiedProfiles()).toEqual([]);
    expect(view(await store.listFindings())).toEqual(written);
    const c1 = await store.listUnverifiedFindings([clusterUnverifiedGroup('c1')]);
    expect(c1.length).toBeGreaterThan(0);
    expect(c1.every((f) => f.cluster === 'c1')).toBe(true);
    const both = await store.listUnverifiedFindings([clusterUnverifiedGroup('c1'), clusterUnverifiedGroup('c2')]);
    expect(view(both)).toEqual(written.filter((w) => both.some((f) => w.startsWith(f.fingerprint))));
    expect(both.length).toBe(written.length);
  });
});
