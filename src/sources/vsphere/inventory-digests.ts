import { getOrCreate } from '../../model/get-or-create';
import { createHash } from 'node:crypto';
import { listState, vsphereDigestKeys, writeState } from '../../store/state-keys';
import type { FleetStore } from '../../store/types';
import { stableStringify } from '../ids';

/**
 * What the last collection stored for each entity of one vCenter: a digest of its upsert and that upsert's time.
 * An unchanged entity is sent again with the same id and time, so the store counts it as a duplicate and
 * collecting an unchanged vCenter stores nothing new. Kept in 64 meta items (hash of the MoRef), each well under
 * DynamoDB's 400 KB item limit up to a quarter of a million objects.
 */
export const DIGEST_SHARDS = 64;

export type DigestEntry = [digest: string, time: string];
export type Digests = Map<string, DigestEntry>;

export function digestOf(value: unknown): string {
  return createHash('sha256').update(stableStringify(value)).digest('hex').slice(0, 24);
}

function shardOf(key: string): number {
  return createHash('sha256').update(key).digest().readUInt16BE(0) % DIGEST_SHARDS;
}

export async function loadDigests(store: FleetStore, scope: string): Promise<Digests> {
  const out: Digests = new Map();
  for (const { value } of await listState(store, vsphereDigestKeys(scope)))
    for (const [k, entry] of Object.entries(value)) out.set(k, entry);
  return out;
}

/** Writes only the shards whose content changed. */
export async function saveDigests(store: FleetStore, scope: string, before: Digests, after: Digests): Promise<number> {
  const changed = new Set<number>();
  const shards = new Map<number, Record<string, DigestEntry>>();
  for (const [k, v] of after) {
    const shard = shardOf(k);
    getOrCreate(shards, shard, () => ({}))[k] = v;
    const old = before.get(k);
    if (!old || old[0] !== v[0] || old[1] !== v[1]) changed.add(shard);
  }
  for (const k of before.keys()) if (!after.has(k)) changed.add(shardOf(k));
  const keys = vsphereDigestKeys(scope);
  for (const shard of changed)
    await writeState(store, keys.key(String(shard).padStart(2, '0')), shards.get(shard) ?? {});
  return changed.size;
}
