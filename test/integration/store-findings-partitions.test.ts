import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { fingerprint } from '../../src/engine/fingerprint';
import type { Finding, ResourceType } from '../../src/model/finding';
import { FINDING_PARTITIONS, FINDINGS_PK, findingPartitions, jsonItem } from '../../src/store/items';
import { startLocalDynamo, type LocalDynamo } from '../support/local-dynamo';
import { createDynamoClient } from '../../src/store/open-store';

function finding(resourceType: ResourceType, resourceId: string, ruleId: string, title = 'seen'): Finding {
  return {
    fingerprint: fingerprint(ruleId, resourceType, resourceId),
    ruleId,
    pack: 'hardening',
    severity: 'medium',
    category: 'hardening',
    resourceType,
    resourceId,
    title,
    evidence: {},
    controls: [],
    remediation: 'fix it',
    status: 'open',
    firstSeen: '2026-11-01T00:00:00.000Z',
    lastSeen: '2026-11-01T00:00:00.000Z',
  };
}

describe('partitioned findings', () => {
  let db: LocalDynamo;
  beforeAll(async () => {
    db = await startLocalDynamo('hyperaudit-findings-');
  });
  afterAll(async () => db.stop());

  it('spreads writes over the partitions and lists them back whole', async () => {
    const findings = Array.from({ length: 400 }, (_, i) => finding('vm', `vm-${i}`, i % 2 ? 'r.a' : 'r.b'));
    await db.store.putFindings(findings);
    const client = createDynamoClient({ endpoint: db.endpoint });
    const sizes = await Promise.all(
      findingPartitions().map(async (pk) => {
        const out = await client.send(
          new QueryCommand({
            TableName: db.store.tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': { S: pk } },
            Select: 'COUNT',
          }),
        );
        return out.Count ?? 0;
      }),
    );
    client.destroy();
    expect(sizes.filter((n) => n > 0)).toHaveLength(FINDING_PARTITIONS);
    expect(Math.max(...sizes)).toBeLessThan(400 / 4);
    expect((await db.store.listFindings()).map((f) => f.fingerprint).sort()).toEqual(
      findings.map((f) => f.fingerprint).sort(),
    );
  });

  it('lists every finding item of one resource type, one Query per partition, and no other type’s', async () => {
    const perimeters = Array.from({ length: 40 }, (_, i) => finding('perimeter', `p-${i}`, 'r.p'));
    await db.store.putFindings([...perimeters, finding('vm', 'perimeter-like', 'r.p'), finding('host', 'p-1', 'r.p')]);
    const before = db.store.stats.readRequests;
    const listed = await db.store.listTypeFindings('perimeter');
    expect(db.store.stats.readRequests - before).toBe(FINDING_PARTITIONS);
    expect(listed.map((f) => f.fingerprint).sort()).toEqual(perimeters.map((f) => f.fingerprint).sort());
  });

  it('reads one resource’s findings with one Query, long ids included', async () => {
    const long = `vm-${'é'.repeat(500)}`;
    await db.store.putFindings([finding('vm', long, 'r.a'), finding('vm', long, 'r.c'), finding('host', long, 'r.a')]);
    const before = db.store.stats.readRequests;
    const own = await db.store.listResourceFindings('vm', long);
    expect(db.store.stats.readRequests - before).toBe(1);
    expect(own.map((f) => f.ruleId).sort()).toEqual(['r.a', 'r.c']);
  });

  it('reads findings by key, 100 keys a BatchGetItem, and leaves out keys with nothing stored', async () => {
    const stored = Array.from({ length: 150 }, (_, i) => finding('vm', `by-key-${i}`, 'r.k'));
    await db.store.putFindings(stored);
    const missing = finding('vm', 'by-key-none', 'r.k');
    const before = db.store.stats.readRequests;
    const found = await db.store.getFindings([...stored, stored[0]!, missing]);
    expect(db.store.stats.readRequests - before).toBe(2);
    expect(found.map((f) => f.fingerprint).sort()).toEqual(stored.map((f) => f.fingerprint).sort());
  });

  it('upgrades a table of the single-partition layout in place: read at once, moved by compaction', async () => {
    const client = createDynamoClient({ endpoint: db.endpoint });
    const old = [finding('host', 'esx-old-1', 'r.x'), finding('host', 'esx-old-2', 'r.x')];
    for (const f of old)
      await client.send(
        new PutItemCommand({ TableName: db.store.tableName, Item: jsonItem(FINDINGS_PK, f.fingerprint, f) }),
      );
    // A later audit rewrote one of them under the new layout: that copy wins over the legacy one.
    await db.store.putFindings([{ ...old[0]!, status: 'resolved', resolvedAt: '2026-11-02T00:00:00.000Z' }]);
    const listed = new Map((await db.store.listFindings()).map((f) => [f.fingerprint, f]));
    expect(listed.get(old[0]!.fingerprint)?.status).toBe('resolved');
    expect(listed.get(old[1]!.fingerprint)?.status).toBe('open');

    const result = await db.store.compact();
    expect(result.findingsMigrated).toBe(2);
    const legacyLeft = await client.send(
      new QueryCommand({
        TableName: db.store.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: FINDINGS_PK } },
      }),
    );
    expect(legacyLeft.Count).toBe(0);
    const after = new Map((await db.store.listFindings()).map((f) => [f.fingerprint, f]));
    expect(after.get(old[0]!.fingerprint)?.status).toBe('resolved');
    expect(after.get(old[1]!.fingerprint)?.status).toBe('open');
    expect((await db.store.compact()).findingsMigrated).toBeUndefined();
    client.destroy();
  });
});
