import { randomUUID } from 'node:crypto';
import { PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { BATCH_WRITE_MAX, batchDelete, batchWrite, chunk, type BatchContext, type Item } from './batch';
import { withRetry } from './retry';
import { TABLE } from './table';

/**
 * Per profile and page group (a cluster's resources, the unclustered ones, the perimeters), a digest of what readers
 * see of the group's stored unresolved findings, so a full audit reads only the groups whose findings it would change
 * (docs/store.md, "Finding digests"; the protocol: src/app/group-digests.ts). Every record carries a token, new on
 * each write: a writer of findings replaces a group's record by a bare token (no digest) before and after it writes,
 * and an audit writes a digest only over the token it read before reading the group, so a digest never outlives a
 * write it does not describe (a crash between writes, or another writer beside the audit). Tokens before and after a
 * write look alike, so a writer also holds a lease on its groups while it writes (`lease`, before its first token;
 * `release`, after its last): an audit puts no digest in a group a lease it listed still covers, since that writer
 * may write after the audit read the group and be killed before its closing token (docs/store.md).
 */
export interface GroupDigest {
  /** `<count>:<sha256 hex>` over the views of the group's unresolved findings (src/engine/finding-digest.ts). */
  digest: string;
  /** Their first-seen times in the digest's order (the evaluation's: resources by id, rules in their order), run-length encoded. */
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
  /**
   * Groups a writer may still be writing in: named by a lease unexpired when the records were listed (`LEASE_ANY`:
   * every group, for a lease that does not parse). No digest is put in them.
   */
  leased: ReadonlySet<string>;
}

/** How long a writer's lease runs from when it is written (or renewed); a writer renews it while it writes. */
export const LEASE_MS = 15 * 60_000;
/** Clocks of writers and audits may differ by this much: a lease counts as unexpired for so long after it ends. */
export const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * A lease taken now ends here: on the clock the store lists leases by (`listedAt`), which is this machine's, not the
 * audit's logical time (a forced audit time or a test clock would put every lease in the past or far ahead).
 */
export function leaseEndFromNow(): number {
  return Date.now() + LEASE_MS;
}
/** The `leased` entry for every group. */
export const LEASE_ANY = '*';

/** Whether a lease listed in `set` covers `group`. */
export function isLeased(set: Pick<FindingDigestSet, 'leased'>, group: string): boolean {
  return set.leased.has(group) || set.leased.has(LEASE_ANY);
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
  /**
   * Records (or renews) that `writer` may write findings of `profile` in `groups` until `until` (ms since the epoch):
   * written before the writer's first token, so an audit that lists that token lists the lease too.
   */
  lease(profile: string, writer: string, groups: readonly string[], until: number): Promise<void>;
  /** Drops the writer's lease, after its closing tokens. */
  release(profile: string, writer: string, groups: readonly string[]): Promise<void>;
}

export const FINDING_DIGESTS_PK = 'FINDINGS#DIGESTS';
/** The completeness mark's group name: no page group is `*` (`C#…`, `NOCLUSTER`, `PERIMETERS`). */
const COMPLETE_GROUP = '*';
const digestSk = (profile: string, group: string) => `${profile}#${group}`;
/** Lease items: outside every profile's record prefix, so the records' Query does not read them. */
const leasePrefix = (profile: string) => `~lease#${profile}#`;
const leaseSk = (profile: string, writer: string, part: number) => `${leasePrefix(profile)}${writer}#${part}`;
/** Group names a lease item holds at most, in UTF-8 bytes (an item may hold 400 KB). */
const LEASE_ITEM_BYTES = 256 * 1024;

/** A writer's groups in lease items' parts: one part unless the names pass `LEASE_ITEM_BYTES`. */
function leaseParts(groups: readonly string[]): string[][] {
  const parts: string[][] = [[]];
  let bytes = 0;
  for (const g of groups) {
    const size = Buffer.byteLength(g) + 8;
    if (bytes + size > LEASE_ITEM_BYTES && parts.at(-1)!.length > 0) {
      parts.push([]);
      bytes = 0;
    }
    parts.at(-1)!.push(g);
    bytes += size;
  }
  return parts;
}

/**
 * The groups the listed leases cover at `listedAt`. A lease item is input: one whose end or groups do not parse
 * covers every group, so the audit vouches for none rather than for one a live writer may be writing.
 */
function leasedGroups(leases: Iterable<{ until: unknown; groups: unknown }>, listedAt: number): Set<string> {
  const leased = new Set<string>();
  for (const { until, groups } of leases) {
    const valid =
      typeof until === 'number' &&
      Number.isFinite(until) &&
      Array.isArray(groups) &&
      groups.every((g) => typeof g === 'string');
    if (!valid) leased.add(LEASE_ANY);
    else if (until + CLOCK_SKEW_MS > listedAt) for (const g of groups as string[]) leased.add(g);
  }
  return leased;
}

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
/**
 * The set `list` answers, from the profile's stored records (`sk`, token, digest JSON) and its leases, as either
 * store holds them: the completeness mark apart, every other record a group's entry.
 */
function digestSetOf(
  profile: string,
  records: Iterable<{ sk: string; token: string | undefined; json: string | undefined }>,
  leases: Iterable<{ until: unknown; groups: unknown }>,
  listedAt: number,
): FindingDigestSet {
  const prefix = digestSk(profile, '');
  const groups = new Map<string, DigestEntry>();
  let complete = false;
  for (const { sk, token, json } of records) {
    if (!sk.startsWith(prefix)) continue;
    const group = sk.slice(prefix.length);
    if (group === COMPLETE_GROUP) complete = true;
    else groups.set(group, entryOf(token, json));
  }
  return { complete, groups, leased: leasedGroups(leases, listedAt) };
}

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

  /**
   * Two Queries, the leases after the records: a token read in the first was written after its writer's lease was
   * stored, so the second, sent once the first has answered, reads that lease (strongly consistent reads see every
   * write acknowledged before them). Leases are judged at the time taken before the first, which is before any
   * group is read.
   */
  async list(profile: string): Promise<FindingDigestSet> {
    const listedAt = Date.now();
    const records = (await this.query(digestSk(profile, ''))).map((item) => ({
      sk: item.sk?.S ?? '',
      token: item.t?.S,
      json: item.j?.S,
    }));
    const leases = (await this.query(leasePrefix(profile))).map((item) => ({
      until: item.u?.N === undefined ? undefined : Number(item.u.N),
      groups: item.g?.L?.map((v) => v.S),
    }));
    return digestSetOf(profile, records, leases, listedAt);
  }

  private async query(prefix: string): Promise<Item[]> {
    const items: Item[] = [];
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
      items.push(...(page?.Items ?? []));
      start = page?.LastEvaluatedKey;
    } while (start);
    return items;
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

  async lease(profile: string, writer: string, groups: readonly string[], until: number): Promise<void> {
    // Kept a day past its end, then left to the table's TTL: a killed writer's lease does not stay for good.
    const expiresAt = { N: String(Math.ceil(until / 1000) + 86_400) };
    const items = leaseParts(groups).map(
      (part, i): Item => ({
        pk: { S: FINDING_DIGESTS_PK },
        sk: { S: leaseSk(profile, writer, i) },
        u: { N: String(until) },
        g: { L: part.map((g) => ({ S: g })) },
        [TABLE.ttlAttribute]: expiresAt,
      }),
    );
    for (const batch of chunk(items, BATCH_WRITE_MAX)) await batchWrite(this.ctx, batch);
  }

  async release(profile: string, writer: string, groups: readonly string[]): Promise<void> {
    const keys = leaseParts(groups).map((_, i) => ({ pk: FINDING_DIGESTS_PK, sk: leaseSk(profile, writer, i) }));
    for (const batch of chunk(keys, BATCH_WRITE_MAX)) await batchDelete(this.ctx, batch);
  }
}

function tokenItem(profile: string, group: string, token: string): Item {
  return { pk: { S: FINDING_DIGESTS_PK }, sk: { S: digestSk(profile, group) }, t: { S: token } };
}

/** The same records in memory (MemoryStore), with the same conditions. */
export class MemoryFindingDigests implements FindingDigestStore {
  private readonly records = new Map<string, { token: string; json?: string }>();
  private readonly leases = new Map<string, { until: number; groups: string[] }>();

  async list(profile: string): Promise<FindingDigestSet> {
    const listedAt = Date.now();
    const records = [...this.records].map(([sk, r]) => ({ sk, token: r.token, json: r.json }));
    const leases = [...this.leases].filter(([k]) => k.startsWith(leasePrefix(profile))).map(([, l]) => l);
    return digestSetOf(profile, records, leases, listedAt);
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

  async lease(profile: string, writer: string, groups: readonly string[], until: number): Promise<void> {
    this.leases.set(leaseSk(profile, writer, 0), { until, groups: [...groups] });
  }

  async release(profile: string, writer: string): Promise<void> {
    this.leases.delete(leaseSk(profile, writer, 0));
  }
}
