import { randomUUID } from 'node:crypto';
import { PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { BATCH_WRITE_MAX, batchWrite, chunk, type BatchContext, type Item } from './batch';
import { withRetry } from './retry';

/**
 * Per profile and page group (a cluster's resources, the unclustered ones, the perimeters), a digest of what readers
 * see of the group's stored unresolved findings, so a full audit reads only the groups whose findings it would change
 * (docs/store.md, "Finding digests"; the protocol: src/app/group-digests.ts). Every record carries a token, new on
 * each write: a writer of findings replaces a group's record by a bare token (no digest) before and after it writes,
 * and an audit writes a digest only over the token it read before reading the group, so a digest never outlives a
 * write it does not describe (a crash between writes, or another writer beside the audit).
 */
export interface GroupDigest {
  /** `<count>:<sha256 hex>` over the views of the group's unresolved findings (src/engine/finding-digest.ts). */
  digest: string;
  /** Their first-seen times in fingerprint order, run-length encoded. */
  firstSeen: [string, number][];
}

export interface DigestEntry {
  token: string;
  /** Absent: the group's findings were written since a digest described them (or none ever did). */
  digest?: GroupDigest;
}

export interface FindingDigestSet {
  /**
   * Whether every group holding unresolved findings of the profile has a record: set by a full audit that read every
   * finding, kept true by writers (they leave a record in each group they write). Until then every group is read.
   */
  complete: boolean;
  groups: Map<string, DigestEntry>;
}

export interface FindingDigestStore {
  list(profile: string): Promise<FindingDigestSet>;
  /** Replaces the groups' records by bare new tokens, whatever they held. */
  invalidate(profile: string, groups: readonly string[]): Promise<void>;
  /**
   * Writes the group's record (a digest, or a bare token when `digest` is undefined) only if its token is still
   * `expected` (undefined: no record). Returns the new token, or undefined when another writer's record is there.
   */
  putIf(
    profile: string,
    group: string,
    expected: string | undefined,
    digest: GroupDigest | undefined,
  ): Promise<string | undefined>;
  markComplete(profile: string): Promise<void>;
}

export const FINDING_DIGESTS_PK = 'FINDINGS#DIGESTS';
/** The completeness mark's group name: no page group is `*` (`C#…`, `NOCLUSTER`, `PERIMETERS`). */
const COMPLETE_GROUP = '*';
const digestSk = (profile: string, group: string) => `${profile}#${group}`;

/** A stored record is input: checked once here (a damaged one is taken as a bare token, so its group is read). */
const GroupDigestSchema = z.object({
  digest: z.string(),
  firstSeen: z.array(z.tuple([z.string(), z.number().int().positive()])),
});

export function parseGroupDigest(text: string | undefined): GroupDigest | undefined {
  if (text === undefined) return undefined;
  try {
    const parsed = GroupDigestSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A listed record. Every record this version writes has a token: one without (or with a token of another type) was
 * not written through the token rules, so its digest is not taken, and its token (empty) matches no record's.
 */
function entryOf(token: string | undefined, json: string | undefined): DigestEntry {
  if (token === undefined || token === '') return { token: '' };
  const digest = parseGroupDigest(json);
  return { token, ...(digest !== undefined && { digest }) };
}

function lostCondition(err: unknown): boolean {
  return (err as Error | undefined)?.name === 'ConditionalCheckFailedException';
}

/** The records on DynamoDB: one partition, `sk` = `<profile>#<group>`, `t` the token, `j` the digest's JSON. */
export class DynamoFindingDigests implements FindingDigestStore {
  constructor(private readonly ctx: BatchContext) {}

  async list(profile: string): Promise<FindingDigestSet> {
    const prefix = digestSk(profile, '');
    const groups = new Map<string, DigestEntry>();
    let complete = false;
    let start: Item | undefined;
    do {
      const page = await withRetry(this.ctx.retry, () =>
        this.ctx.client.send(
          new QueryCommand({
            TableName: this.ctx.tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':pk': { S: FINDING_DIGESTS_PK }, ':prefix': { S: prefix } },
            ConsistentRead: true,
            ...(start && { ExclusiveStartKey: start }),
          }),
        ),
      );
      this.ctx.stats.readRequests++;
      for (const item of page?.Items ?? []) {
        const group = item.sk!.S!.slice(prefix.length);
        if (group === COMPLETE_GROUP) complete = true;
        else groups.set(group, entryOf(item.t?.S, item.j?.S));
      }
      start = page?.LastEvaluatedKey;
    } while (start);
    return { complete, groups };
  }

  async invalidate(profile: string, groups: readonly string[]): Promise<void> {
    const items = [...new Set(groups)].map((g) => tokenItem(profile, g, randomUUID()));
    for (const batch of chunk(items, BATCH_WRITE_MAX)) await batchWrite(this.ctx, batch);
  }

  async putIf(
    profile: string,
    group: string,
    expected: string | undefined,
    digest: GroupDigest | undefined,
  ): Promise<string | undefined> {
    const token = randomUUID();
    const item = tokenItem(profile, group, token);
    if (digest !== undefined) item.j = { S: JSON.stringify(digest) };
    try {
      await withRetry(this.ctx.retry, () =>
        this.ctx.client.send(
          new PutItemCommand({
            TableName: this.ctx.tableName,
            Item: item,
            ...(expected === undefined
              ? { ConditionExpression: 'attribute_not_exists(pk)' }
              : { ConditionExpression: 't = :t', ExpressionAttributeValues: { ':t': { S: expected } } }),
          }),
        ),
      );
    } catch (err) {
      if (lostCondition(err)) return undefined;
      throw err;
    }
    this.ctx.stats.writeRequests++;
    this.ctx.stats.itemsWritten++;
    return token;
  }

  async markComplete(profile: string): Promise<void> {
    await batchWrite(this.ctx, [tokenItem(profile, COMPLETE_GROUP, randomUUID())]);
  }
}

function tokenItem(profile: string, group: string, token: string): Item {
  return { pk: { S: FINDING_DIGESTS_PK }, sk: { S: digestSk(profile, group) }, t: { S: token } };
}

/** The same records in memory (MemoryStore), with the same conditions. */
export class MemoryFindingDigests implements FindingDigestStore {
  private readonly records = new Map<string, { token: string; json?: string }>();

  async list(profile: string): Promise<FindingDigestSet> {
    const prefix = digestSk(profile, '');
    const groups = new Map<string, DigestEntry>();
    let complete = false;
    for (const [sk, r] of this.records) {
      if (!sk.startsWith(prefix)) continue;
      const group = sk.slice(prefix.length);
      if (group === COMPLETE_GROUP) complete = true;
      else {
        groups.set(group, entryOf(r.token, r.json));
      }
    }
    return { complete, groups };
  }

  async invalidate(profile: string, groups: readonly string[]): Promise<void> {
    for (const g of groups) this.records.set(digestSk(profile, g), { token: randomUUID() });
  }

  async putIf(
    profile: string,
    group: string,
    expected: string | undefined,
    digest: GroupDigest | undefined,
  ): Promise<string | undefined> {
    const sk = digestSk(profile, group);
    if (this.records.get(sk)?.token !== expected) return undefined;
    const token = randomUUID();
    this.records.set(sk, { token, ...(digest !== undefined && { json: JSON.stringify(digest) }) });
    return token;
  }

  async markComplete(profile: string): Promise<void> {
    this.records.set(digestSk(profile, COMPLETE_GROUP), { token: randomUUID() });
  }
}
