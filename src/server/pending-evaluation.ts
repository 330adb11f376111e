import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { eventSubject, type FleetEvent } from '../model/event';
import type { FleetStore, PutEventsResult } from '../store/types';

/**
 * Durable "stored but not yet evaluated" markers for `serve`. On AWS the table's stream guarantees that every
 * stored event reaches the evaluate function, even if the ingest Lambda dies right after the write. Locally
 * nothing would: a process interrupted between storing and evaluating leaves events that every later delivery
 * counts as duplicates, so they would never be evaluated. A marker naming the entities is written before each
 * write and removed only after their evaluation; a restarted pipeline evaluates whatever markers remain.
 */
export const PENDING_EVALUATION_PREFIX = 'pending-evaluation/';

type Subject = PutEventsResult['subjects'][number];
const Marker = z.object({
  subjects: z.array(z.object({ kind: z.enum(['host', 'vm', 'perimeter', 'scope']), id: z.string() })),
});

export function subjectsOf(events: readonly FleetEvent[]): Subject[] {
  const seen = new Map<string, Subject>();
  for (const e of events) {
    const s = eventSubject(e);
    seen.set(`${s.kind}#${s.id}`, s);
  }
  return [...seen.values()];
}

/** Writes a marker for the entities `events` touch; returns its key, to be cleared after their evaluation. */
export async function markPending(store: FleetStore, events: readonly FleetEvent[]): Promise<string> {
  const key = `${PENDING_EVALUATION_PREFIX}${new Date().toISOString()}-${randomUUID()}`;
  await store.putMeta(key, { subjects: subjectsOf(events) } satisfies z.infer<typeof Marker>);
  return key;
}

/** Markers left by an interrupted run: their keys and the entities they name, each once. */
export async function listPending(store: FleetStore): Promise<{ keys: string[]; subjects: Subject[] }> {
  const entries = await store.listMeta<unknown>(PENDING_EVALUATION_PREFIX);
  const seen = new Map<string, Subject>();
  for (const { key, value } of entries) {
    const parsed = Marker.safeParse(value);
    if (!parsed.success)
      throw new Error(
        `store meta ${key}: not a pending-evaluation marker (${parsed.error.issues[0]?.message ?? 'invalid'})`,
      );
    for (const s of parsed.data.subjects) seen.set(`${s.kind}#${s.id}`, s);
  }
  return { keys: entries.map((e) => e.key), subjects: [...seen.values()] };
}

export async function clearPending(store: FleetStore, keys: readonly string[]): Promise<void> {
  for (const key of keys) {
    if (store.deleteMeta !== undefined) await store.deleteMeta(key);
    // A store without deletes keeps an empty marker: nothing left to evaluate.
    else await store.putMeta(key, { subjects: [] });
  }
}
