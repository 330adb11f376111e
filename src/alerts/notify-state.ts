import { createHash } from 'node:crypto';
import type { FleetStore } from '../store/types';
import type { NotifyState } from './digest';

export const NOTIFY_STATE_META = 'notify/last';
const SHARD_PREFIX = 'notify/announced/';
/** Above this many fingerprints the set leaves `notify/last`: a DynamoDB item holds at most 400 KB. */
const INLINE_LIMIT = 4000;
const SHARDS = '0123456789abcdef'.split('');

interface StoredState {
  at: string;
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

export async function loadNotifyState(store: FleetStore): Promise<NotifyState | undefined> {
  const stored = await store.getMeta<StoredState>(NOTIFY_STATE_META);
  if (stored === undefined) return undefined;
  if (!stored.sharded) return { at: stored.at, announced: stored.announced ?? [] };
  const shards = await store.listMeta<Shard>(SHARD_PREFIX);
  return { at: stored.at, announced: shards.flatMap((s) => s.value.fingerprints).sort() };
}

/**
 * Saves the announced set: in one item when small (one atomic write), else every shard rewritten (empty
 * ones too, so none goes stale) before `notify/last` points at them. A crash part-way leaves some shards
 * new and some old; the next run then re-announces the old shards' share of that digest at worst.
 */
export async function saveNotifyState(store: FleetStore, state: NotifyState): Promise<void> {
  if (state.announced.length <= INLINE_LIMIT) {
    await store.putMeta(NOTIFY_STATE_META, { at: state.at, announced: state.announced } satisfies StoredState);
    return;
  }
  const shards = new Map(SHARDS.map((c) => [c, [] as string[]]));
  for (const fp of state.announced) shards.get(shardOf(fp))!.push(fp);
  for (const [c, fingerprints] of shards) await store.putMeta(`${SHARD_PREFIX}${c}`, { at: state.at, fingerprints } satisfies Shard);
  await store.putMeta(NOTIFY_STATE_META, { at: state.at, sharded: true } satisfies StoredState);
}
