import { createHash } from 'node:crypto';
import type { FleetStore } from '../store/types';
import type { NotifyState } from './digest';

export const NOTIFY_STATE_META = 'notify/last';
const SHARD_PREFIX = 'notify/announced/';

/**
 * Each profile announces its own findings (issue 15 item 7): the default profile keeps the keys from before,
 * another one has `notify/<profile>/last` and its shards, so switching profiles sends no digest of the switch.
 */
function stateKeys(profile: string | undefined): { last: string; shards: string } {
  if (profile === undefined || profile === 'scg') return { last: NOTIFY_STATE_META, shards: SHARD_PREFIX };
  return { last: `notify/${profile}/last`, shards: `notify/${profile}/announced/` };
}
/** Above this many fingerprints the set leaves `notify/last`: a DynamoDB item holds at most 400 KB. */
const INLINE_LIMIT = 4000;
const SHARDS = '0123456789abcdef'.split('');

interface StoredState {
  at: string;
  seq?: number;
  /** Inline when small; otherwise in 16 shards `notify/announced/<hex>`. */
  announced?: string[];
  sharded?: boolean;
}

interface Shard {
  at: string;
  fingerprints: string[];
}

function shardOf(fingerprint: string): string {
  return createHash('sha256').update(fingerprint).digest('hex')[0]!;
}

export async function loadNotifyState(store: FleetStore, profile?: string): Promise<NotifyState | undefined> {
  const keys = stateKeys(profile);
  const stored = await store.getMeta<StoredState>(keys.last);
  if (stored === undefined) return undefined;
  const seq = stored.seq !== undefined ? { seq: stored.seq } : {};
  if (!stored.sharded) return { at: stored.at, announced: stored.announced ?? [], ...seq };
  const shards = await store.listMeta<Shard>(keys.shards);
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
  const keys = stateKeys(profile);
  const current = await store.getMeta<StoredState>(keys.last);
  if (current !== undefined && isNewer(current, state)) return false;
  const seq = state.seq !== undefined ? { seq: state.seq } : {};
  if (state.announced.length <= INLINE_LIMIT) {
    await store.putMeta(keys.last, { at: state.at, announced: state.announced, ...seq } satisfies StoredState);
    return true;
  }
  const shards = new Map(SHARDS.map((c) => [c, [] as string[]]));
  for (const fp of state.announced) shards.get(shardOf(fp))!.push(fp);
  for (const [c, fingerprints] of shards)
    await store.putMeta(`${keys.shards}${c}`, { at: state.at, fingerprints } satisfies Shard);
  await store.putMeta(keys.last, { at: state.at, sharded: true, ...seq } satisfies StoredState);
  return true;
}
