import { listState, type StateFamily, writeState } from '../store/state-keys';
import type { FleetStore } from '../store/types';

/**
 * Runs a trend shows and keeps (the report's run summaries and compliance figures, one entry per run keyed by its
 * time): a table that audits daily for years reads and holds the last 90 runs, not every run ever made.
 */
export const TREND_RUNS = 90;
/** Older entries one write may remove: more than one only after a run that could not delete (a crash). */
const PRUNE_SLACK = 10;

/** The newest `runs` entries of a trend, oldest first. */
export async function readTrend<T>(store: FleetStore, family: StateFamily<T>, runs = TREND_RUNS): Promise<T[]> {
  // A store wrapper that ignores `newest` still answers every entry: the slice keeps the shown window the same.
  return (await listState(store, family, '', { newest: runs })).map((e) => e.value).slice(-runs);
}

/** Stores one run's entry and removes the entries that fell out of the trend's window. */
export async function recordTrendEntry<T>(
  store: FleetStore,
  family: StateFamily<T>,
  at: string,
  value: T,
): Promise<void> {
  await writeState(store, family.key(at), value);
  if (store.deleteMeta === undefined) return;
  const newest = await store.listMeta<unknown>(family.prefix, { newest: TREND_RUNS + PRUNE_SLACK });
  for (const { key } of newest.slice(0, Math.max(0, newest.length - TREND_RUNS))) await store.deleteMeta(key);
}
