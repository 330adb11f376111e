import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeleteItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { createDynamoClient } from '../../src/store/open-store';
import { CLOCK_SKEW_MS, FINDING_DIGESTS_PK, isLeased, LEASE_MS } from '../../src/store/finding-digests';
import type { FindingDigestStore, GroupDigest } from '../../src/store/finding-digests';
import { MemoryStore } from '../../src/store/memory-store';
import { startLocalDynamo, type LocalDynamo } from '../support/local-dynamo';

const digest: GroupDigest = { digest: '2:abc', firstSeen: [['2026-12-01T00:00:00.000Z', 2]] };

/** The token rules every writer and audit rely on (src/app/group-digests.ts), on DynamoDB and in memory alike. */
function tokenRules(records: () => FindingDigestStore) {
  it('writes a digest only over the token read, and lists it until a writer leaves a bare token', async () => {
    const r = records();
    const first = await r.putIf('scg', 'C#c0', undefined, digest);
    expect(first).toBeDefined();
    // Another audit that read no record (or an older token) loses.
    expect(await r.putIf('scg', 'C#c0', undefined, digest)).toBeUndefined();
    expect(await r.putIf('scg', 'C#c0', 'stale', digest)).toBeUndefined();
    expect((await r.list('scg')).groups.get('C#c0')).toEqual({ token: first, digest });
    await r.invalidate('scg', ['C#c0']);
    const after = (await r.list('scg')).groups.get('C#c0');
    expect(after?.digest).toBeUndefined();
    expect(after?.token).not.toBe(first);
    // The token it wrote is gone: a digest over it is refused.
    expect(await r.putIf('scg', 'C#c0', first, digest)).toBeUndefined();
  });

  it("lists a writer's lease on its groups until it is released or has run out, apart from other writers'", async () => {
    const r = records();
    const now = Date.now();
    await r.lease('scg', 'w1', ['C#c1', 'NOCLUSTER'], now + LEASE_MS);
    await r.lease('scg', 'w2', ['C#c1'], now + LEASE_MS);
    // Ended, but within the clock skew allowed: still counted. Ended before that: not.
    await r.lease('scg', 'w3', ['C#c3'], now - CLOCK_SKEW_MS / 2);
    await r.lease('scg', 'w4', ['C#c4'], now - CLOCK_SKEW_MS - 60_000);
    await r.lease('stig', 'w5', ['C#c5'], now + LEASE_MS);
    expect([...(await r.list('scg')).leased].sort()).toEqual(['C#c1', 'C#c3', 'NOCLUSTER']);
    await r.release('scg', 'w1', ['C#c1', 'NOCLUSTER']);
    expect([...(await r.list('scg')).leased].sort()).toEqual(['C#c1', 'C#c3']);
    await r.release('scg', 'w2', ['C#c1']);
    await r.release('scg', 'w3', ['C#c3']);
    await r.release('scg', 'w4', ['C#c4']);
    expect((await r.list('scg')).leased.size).toBe(0);
    expect([...(await r.list('stig')).leased]).toEqual(['C#c5']);
    await r.release('stig', 'w5', ['C#c5']);
  });

  it('keeps profiles apart and marks a profile complete', async () => {
    const r = records();
    await r.invalidate('stig', ['NOCLUSTER']);
    await r.markComplete('stig');
    const stig = await r.list('stig');
    expect(stig.complete).toBe(true);
    expect([...stig.groups.keys()]).toEqual(['NOCLUSTER']);
    expect((await r.list('other')).complete).toBe(false);
  });
}

describe('Class: MemoryFindingDigests', () => {
  const store = new MemoryStore();
  tokenRules(() => store.findingDigests);
});

describe('Class: DynamoFindingDigests', () => {
  let local: LocalDynamo;
  beforeAll(async () => {
    local = await startLocalDynamo('finding-digests-');
  });
  afterAll(async () => {
    await local.stop();
  });
  tokenRules(() => local.store.findingDigests);

  it('keeps a lease whose group names pass one item in several, and deletes them all on release', async () => {
    const r = local.store.findingDigests;
    // About 500 KB of names: more than one item may hold (400 KB), so this fails unless the lease is split.
    const groups = Array.from({ length: 2_000 }, (_, i) => `C#${'cluster-'.repeat(30)}${i}`);
    await r.lease('scg', 'big', groups, Date.now() + LEASE_MS);
    expect((await r.list('scg')).leased).toEqual(new Set(groups));
    await r.release('scg', 'big', groups);
    expect((await r.list('scg')).leased.size).toBe(0);
  });

  it('takes a lease item that does not parse as one on every group', async () => {
    const client = createDynamoClient({ endpoint: local.endpoint });
    const sk = '~lease#scg#damaged#0';
    await client.send(
      new PutItemCommand({
        TableName: local.store.tableName,
        Item: { pk: { S: FINDING_DIGESTS_PK }, sk: { S: sk }, u: { S: 'soon' }, g: { S: 'C#c1' } },
      }),
    );
    const set = await local.store.findingDigests.list('scg');
    expect(isLeased(set, 'C#any')).toBe(true);
    expect(isLeased(set, 'PERIMETERS')).toBe(true);
    await client.send(
      new DeleteItemCommand({
        TableName: local.store.tableName,
        Key: { pk: { S: FINDING_DIGESTS_PK }, sk: { S: sk } },
      }),
    );
    expect(isLeased(await local.store.findingDigests.list('scg'), 'C#any')).toBe(false);
  });

  it('takes a damaged record (no token, a token of another type, a digest that is not JSON) as a bare token a write replaces', async () => {
    const client = createDynamoClient({ endpoint: local.endpoint });
    const raw = (group: string, attrs: Record<string, { S: string } | { N: string }>) =>
      client.send(
        new PutItemCommand({
          TableName: local.store.tableName,
          Item: { pk: { S: FINDING_DIGESTS_PK }, sk: { S: `scg#${group}` }, ...attrs },
        }),
      );
    await raw('C#no-token', { j: { S: JSON.stringify(digest) } });
    await raw('C#number-token', { t: { N: '7' }, j: { S: JSON.stringify(digest) } });
    await raw('C#bad-json', { t: { S: 'tok' }, j: { S: '{not json' } });
    const r = local.store.findingDigests;
    const listed = await r.list('scg');
    for (const group of ['C#no-token', 'C#number-token', 'C#bad-json']) {
      const entry = listed.groups.get(group);
      // Listed (the group is known to hold findings), without a digest: the group is read.
      expect(entry?.digest).toBeUndefined();
      // An audit's conditional write over the token it listed neither throws nor lands over a record it cannot name.
      const token = await r.putIf('scg', group, entry!.token, digest);
      if (token !== undefined) expect((await r.list('scg')).groups.get(group)).toEqual({ token, digest });
      else {
        await r.invalidate('scg', [group]);
        expect((await r.list('scg')).groups.get(group)?.digest).toBeUndefined();
      }
    }
  });
});
