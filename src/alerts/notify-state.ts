import { createHash } from 'node:crypto';
import { listState, notifyStateKeys, readState, STATE, writeState, type StateValue } from '../store/state-keys';
import type { FleetStore } from '../store/types';
import type { NotifyState } from './digest';

export const NOTIFY_STATE_META = STATE.notifyLast.key;
/** Above this many fingerprints the set leaves `notify/last`: a DynamoDB item holds at most 400 KB. */
const INLINE_LIMIT = 4000;
const SHARDS = '0123456789abcdef'.split('');

/** Inline `announced` when small; otherwise `sharded` and the set in 16 shards `notify/announced/<hex>`. */
type StoredState = StateValue<typeof STATE.notifyLast>;

function shardOf(fingerprint: string): string {
  return createHash('sha256').update(fingerprint).digest('hex')[0]!;
}

export async function loadNotifyState(store: FleetStore, profile?: string): Promise<NotifyState | undefined> {
  const keys = notifyStateKeys(profile);
  const stored = await readState(store, keys.last);
  if (stored === undefined) return undefined;
  const seq = stored.seq !== undefined ? { seq: stored.seq } : {};
  if (!stored.sharded) return { at: stored.at, announced: stored.announced ?? [], ...seq };
  const shards = await listState(store, keys.announced);
  return { at: stored.at, announced: shards.flatMap((s) => s.value.fingerprints).sort(), ...seq };
}

/** Whether `stored` was written by a run that got further than (or started after) the one holding `state`. */
function isNewer(stored: StoredState, state: NotifyState): boolean {
  const storedSeq = stored.seq ?? 0;
  const seq = state.seq ?? 0;
  return storedSeq !== seq ? storedSeq > seq : stored.at > state.at;
}

/**
 * Saves the announced set: in one item when small (one atomic write), else every shard rewritten (empty
 * ones too, so none goes stale) before `notify/last` points at them. A crash part-way leaves some shards
 * new and some old; the next run then re-announces the old shards' share of that digest at worst.
 *
 * Never moves backwards: a state from a run that is behind the stored one (lower `seq`, or same `seq`
 * and an earlier start) is not written, and false is returned. The store offers only get and put, so this
 * is read-compare-write: two runs that both read before either writes can still both write, and the later
 * write wins. On AWS the notify function's reserved concurrency of 1 keeps runs from overlapping; the race
 * remains between a CLI run and the Lambda on the same table.
 */
export async function saveNotifyState(store: FleetStore, state: NotifyState, profile?: string): Promise<boolean> {
  const keys = notifyStateKeys(profile);
  const current = await readState(store, keys.last);
  if (current !== undefined && isNewer(current, state)) return false;
  const seq = state.seq !== undefined ? { seq: state.seq } : {};
  if (state.announced.length <= INLINE_LIMIT) {
    await writeState(store, keys.last, { at: state.at, announced: state.announced, ...seq });
    return true;
  }
  const shards = new Map(SHARDS.map((c) => [c, [] as string[]]));
  for (const fp of state.announced) shards.get(shardOf(fp))!.push(fp);
  for (const [c, fingerprints] of shards)
    await writeState(store, keys.announced.key(c), { at: state.at, fingerprints });
  await writeState(store, keys.last, { at: state.at, sharded: true, ...seq });
  return true;
}
