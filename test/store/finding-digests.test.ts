import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { createDynamoClient } from '../../src/store/open-store';
import { FINDING_DIGESTS_PK } from '../../src/store/finding-digests';
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
