import { createHash } from 'node:crypto';
import { eventSubject, type FleetEvent } from '../model/event';
import type { EntityState } from '../model/entity-state';
import type { Item, Key } from './batch';
import { joinEvent, splitEventJson } from './event-split';

/**
 * Key layout of the single table (see docs/store.md). Entity partitions hold the entity's events,
 * ordered by event time, and one `STATE` snapshot; findings, meta and the Slack outbox each live in
 * one partition so they are listed with a Query, never a Scan.
 */
export const KIND_PREFIX = { host: 'HOST', vm: 'VM', perimeter: 'PERIMETER', scope: 'SCOPE' } as const;
const PREFIX_KIND = { HOST: 'host', VM: 'vm', PERIMETER: 'perimeter', SCOPE: 'scope' } as const;
export type EntityKind = keyof typeof KIND_PREFIX;

export const SNAPSHOT_SK = 'STATE';
export const EVENT_SK_PREFIX = 'EV#';
/** Before findings were partitioned they all lived in this one partition; still read until migrated. */
export const FINDINGS_PK = 'FINDINGS';
/**
 * Findings spread over this many partitions (`FINDINGS#00` ... `FINDINGS#15`) by a hash of their resource: one
 * DynamoDB partition takes about 1,000 writes/s, so 16 take a first full audit's 100,000s of findings in seconds
 * without throttling the rest, while listing them all stays 16 parallel Queries.
 */
export const FINDING_PARTITIONS = 16;
/** Unverified findings, one rule's under one profile on pages of their own (src/store/unverified-pages.ts). */
export const UNVERIFIED_PK = 'FINDINGS#UNVERIFIED';
export const META_PK = 'META';
export const OUTBOX_PK = 'OUTBOX';

/** The partition of a resource's findings: every finding of one resource is in one partition. */
export function findingsPk(resourceType: string, resourceId: string): string {
  const bucket = createHash('sha256').update(`${resourceType}#${resourceId}`).digest()[0]! % FINDING_PARTITIONS;
  return `${FINDINGS_PK}#${String(bucket).padStart(2, '0')}`;
}

/** Sort-key prefix of one resource's findings, so they are one Query (`begins_with`). Long ids are hashed. */
export function findingsResourcePrefix(resourceType: string, resourceId: string): string {
  return `${resourceType}#${eventIdKeyPart(resourceId)}#`;
}

export function findingKey(f: { resourceType: string; resourceId: string; fingerprint: string }): Key {
  return {
    pk: findingsPk(f.resourceType, f.resourceId),
    sk: `${findingsResourcePrefix(f.resourceType, f.resourceId)}${f.fingerprint}`,
  };
}

export function findingPartitions(): string[] {
  return Array.from({ length: FINDING_PARTITIONS }, (_, i) => `${FINDINGS_PK}#${String(i).padStart(2, '0')}`);
}

export function entityPk(kind: EntityKind, id: string): string {
  return `${KIND_PREFIX[kind]}#${id}`;
}

/** The entity a partition key names, or undefined for the findings/meta/outbox partitions. */
export function parseEntityPk(pk: string): { kind: EntityKind; id: string } | undefined {
  const hash = pk.indexOf('#');
  if (hash < 0) return undefined;
  const kind = PREFIX_KIND[pk.slice(0, hash) as keyof typeof PREFIX_KIND];
  return kind === undefined ? undefined : { kind, id: pk.slice(hash + 1) };
}

/** DynamoDB's key limits, in UTF-8 bytes. */
export const MAX_PK_BYTES = 2048;
export const MAX_SK_BYTES = 1024;
/**
 * Event ids up to this many UTF-8 bytes go into the sort key as they are; longer ones (ids may be 1024
 * UTF-16 units, up to 3 KB) as `h:<sha256 hex>`, so the key stays far below the 1024-byte sort-key limit.
 * Deterministic, so a re-delivered long id still lands on its key; the item's event JSON keeps the full id.
 */
export const MAX_INLINE_EVENT_ID_BYTES = 200;
export const HASHED_ID_PREFIX = 'h:';

export function eventIdKeyPart(id: string): string {
  return Buffer.byteLength(id) > MAX_INLINE_EVENT_ID_BYTES
    ? `${HASHED_ID_PREFIX}${createHash('sha256').update(id).digest('hex')}`
    : id;
}

/**
 * Event time normalised to UTC milliseconds, so the sort key orders by instant whatever offset the source used.
 * Entity ids (at most 512 UTF-16 units, so at most 1536 UTF-8 bytes) always fit the 2048-byte partition key.
 */
export function eventKey(event: FleetEvent): Key {
  const subject = eventSubject(event);
  return {
    pk: entityPk(subject.kind, subject.id),
    sk: `${EVENT_SK_PREFIX}${new Date(event.time).toISOString()}#${eventIdKeyPart(event.id)}`,
  };
}

/** Why DynamoDB would refuse this key, or undefined when it fits. */
export function keyProblem(key: Key): string | undefined {
  const pk = Buffer.byteLength(key.pk);
  if (pk > MAX_PK_BYTES) return `its entity id makes a ${pk}-byte partition key; DynamoDB allows ${MAX_PK_BYTES} bytes`;
  const sk = Buffer.byteLength(key.sk);
  if (sk > MAX_SK_BYTES) return `its key is ${sk} bytes; DynamoDB allows ${MAX_SK_BYTES} bytes for a sort key`;
  return undefined;
}

export const keyString = (k: Key) => `${k.pk}\u0000${k.sk}`;

/**
 * `eventJson`: `event` as JSON text (what putEvents already serialised to check its size). Its configuration members
 * go to `c`, apart from the rest (src/store/event-split.ts); `readEvent` joins them again.
 */
export function eventItem(
  event: FleetEvent,
  eventJson: string,
  key: Key,
  storedAtMs: number,
  expiresAtSec: number,
): Item {
  const { e, c } = splitEventJson(event, eventJson);
  return {
    pk: { S: key.pk },
    sk: { S: key.sk },
    // The event as JSON text: cheap to marshal, exact numbers, and no 32-level nesting limit.
    e: { S: e },
    ...(c !== undefined && { c: { S: c } }),
    at: { N: String(storedAtMs) },
    expiresAt: { N: String(expiresAtSec) },
  };
}

/**
 * An item's size as DynamoDB counts it against the 400 KB limit: attribute names plus values in UTF-8.
 * Numbers are counted as their decimal text, a little more than DynamoDB's packed form.
 */
export function itemBytes(item: Item): number {
  let total = 0;
  for (const [name, value] of Object.entries(item)) {
    total += Buffer.byteLength(name);
    if (value.S !== undefined) total += Buffer.byteLength(value.S);
    else if (value.B !== undefined) total += value.B.length;
    else if (value.N !== undefined) total += Buffer.byteLength(value.N);
    else total += Buffer.byteLength(JSON.stringify(value));
  }
  return total;
}

/** `extra`: the cluster index's attributes (src/store/cluster-index.ts, `withIndexedCopy`), which the snapshot carries. */
export function snapshotItem(
  pk: string,
  state: EntityState,
  version: number,
  coveredUntilMs: number,
  extra: Item = {},
): Item {
  return {
    ...extra,
    pk: { S: pk },
    sk: { S: SNAPSHOT_SK },
    s: { S: JSON.stringify(state) },
    v: { N: String(version) },
    covered: { N: String(coveredUntilMs) },
  };
}

export function jsonItem(pk: string, sk: string, value: unknown): Item {
  return { pk: { S: pk }, sk: { S: sk }, j: { S: JSON.stringify(value) } };
}

export function readJson<T>(item: Item): T {
  return JSON.parse(item.j?.S ?? 'null') as T;
}

/** The stored event, whole: `e` with `c`'s configuration members put back, or only `e` when a read projected `c` out. */
export function readEvent(item: Item): FleetEvent {
  return joinEvent(item);
}

export function readSnapshot(item: Item): { state: EntityState; version: number; coveredUntilMs: number } {
  return {
    state: JSON.parse(item.s!.S!) as EntityState,
    version: Number(item.v?.N ?? '0'),
    coveredUntilMs: Number(item.covered?.N ?? '0'),
  };
}

/** dynalite has no TTL and DynamoDB deletes expired items up to days late: readers skip them either way. */
export function isExpired(item: Item, nowSec: number): boolean {
  const n = item.expiresAt?.N;
  return n !== undefined && Number(n) < nowSec;
}
