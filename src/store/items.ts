import { eventSubject, type FleetEvent } from '../model/event';
import type { EntityState } from '../model/entity-state';
import type { Item, Key } from './batch';

/**
 * Key layout of the single table (see docs/store.md). Entity partitions hold the entity's events,
 * ordered by event time, and one `STATE` snapshot; findings, meta and the Slack outbox each live in
 * one partition so they are listed with a Query, never a Scan.
 */
export const KIND_PREFIX = { host: 'HOST', vm: 'VM', perimeter: 'PERIMETER' } as const;
const PREFIX_KIND = { HOST: 'host', VM: 'vm', PERIMETER: 'perimeter' } as const;
export type EntityKind = keyof typeof KIND_PREFIX;

export const SNAPSHOT_SK = 'STATE';
export const EVENT_SK_PREFIX = 'EV#';
export const FINDINGS_PK = 'FINDINGS';
export const META_PK = 'META';
export const OUTBOX_PK = 'OUTBOX';

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

/** Event time normalised to UTC milliseconds, so the sort key orders by instant whatever offset the source used. */
export function eventKey(event: FleetEvent): Key {
  const subject = eventSubject(event);
  return { pk: entityPk(subject.kind, subject.id), sk: `${EVENT_SK_PREFIX}${new Date(event.time).toISOString()}#${event.id}` };
}

export const keyString = (k: Key) => `${k.pk}\u0000${k.sk}`;

/** `event` as JSON text (what putEvents already serialised to check its size). */
export function eventItem(eventJson: string, key: Key, storedAtMs: number, expiresAtSec: number): Item {
  return {
    pk: { S: key.pk },
    sk: { S: key.sk },
    // The event as JSON text: cheap to marshal, exact numbers, and no 32-level nesting limit.
    e: { S: eventJson },
    at: { N: String(storedAtMs) },
    expiresAt: { N: String(expiresAtSec) },
  };
}

export function snapshotItem(pk: string, state: EntityState, version: number, coveredUntilMs: number): Item {
  return {
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

export function readEvent(item: Item): FleetEvent {
  return JSON.parse(item.e!.S!) as FleetEvent;
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
