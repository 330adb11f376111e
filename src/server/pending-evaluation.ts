import { randomUUID } from 'node:crypto';
import { eventSubject, type FleetEvent } from '../model/event';
import type { Clock } from '../model/ports/clock';
import { listState, STATE, writeState } from '../store/state-keys';
import type { FleetStore, PutEventsResult } from '../store/types';

/**
 * Durable "stored but not yet evaluated" markers for `serve` (`STATE.pendingEvaluation`). On AWS the table's
 * stream guarantees that every stored event reaches the evaluate function, even if the ingest Lambda dies right
 * after the write. Locally nothing would: a process interrupted between storing and evaluating leaves events
 * that every later delivery counts as duplicates, so they would never be evaluated. A marker naming the entities
 * is written before each write and removed only after their evaluation; a restarted pipeline evaluates whatever
 * markers remain.
 */
export const PENDING_EVALUATION_PREFIX = STATE.pendingEvaluation.prefix;

type Subject = PutEventsResult['subjects'][number];

export function subjectsOf(events: readonly FleetEvent[]): Subject[] {
  const seen = new Map<string, Subject>();
  for (const e of events) {
    const s = eventSubject(e);
    seen.set(`${s.kind}#${s.id}`, s);
  }
  return [...seen.values()];
}

/** Writes a marker for the entities `events` touch; returns its key, to be cleared after their evaluation. */
export async function markPending(store: FleetStore, events: readonly FleetEvent[], clock: Clock): Promise<string> {
  // Time first, so markers list in the order they were written; the UUID keeps two in one millisecond apart.
  const key = STATE.pendingEvaluation.key(`${clock.now().toISOString()}-${randomUUID()}`);
  await writeState(store, key, { subjects: subjectsOf(events) });
  return key.key;
}

/**
 * Markers left by an interrupted run: their keys and the entities they name, each once. A marker of another
 * shape is a `StateShapeError` naming its key and field: serve refuses to start rather than skip evaluations.
 */
export async function listPending(store: FleetStore): Promise<{ keys: string[]; subjects: Subject[] }> {
  const entries = await listState(store, STATE.pendingEvaluation);
  const seen = new Map<string, Subject>();
  for (const { value } of entries) for (const s of value.subjects) seen.set(`${s.kind}#${s.id}`, s);
  return { keys: entries.map((e) => e.key), subjects: [...seen.values()] };
}

export async function clearPending(store: FleetStore, keys: readonly string[]): Promise<void> {
  for (const key of keys) {
    if (store.deleteMeta !== undefined) await store.deleteMeta(key);
    // A store without deletes keeps an empty marker: nothing left to evaluate.
    else
      await writeState(store, STATE.pendingEvaluation.key(key.slice(PENDING_EVALUATION_PREFIX.length)), {
        subjects: [],
      });
  }
}
