import type { S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { profileOf } from '../engine/fingerprint';
import { resolvedFinding } from '../engine/lifecycle';
import { materialiseFleet, type SnapshotEvidence } from '../model/fleet';
import type { Finding } from '../model/finding';
import { refuseRunFile, RUN_FILE_LIMITS } from '../model/run-files';
import { getJson, putJson } from '../store/s3-json';
import { hasIndexedReads, type FleetStore } from '../store/types';
import { unverifiedGroupOf } from '../store/unverified-pages';
import { guardFindingWrites } from './group-digests';
import { readStoredFindings, type ShardFindingsStore } from './read-stored-findings';
import { changedSince, resourceKey } from './shard-lifecycle';

/**
 * Hosts and VMs that left the fleet between two sharded runs. A whole-fleet audit resolves every open finding of a
 * resource no longer in the fleet; the sharded run judges only the resources its shards read from the cluster index,
 * which a removed entity leaves (its compaction or the incremental evaluation re-places it nowhere). So the finish
 * step keeps the list of the hosts and VMs its run judged (`JUDGED_KEY`, one S3 object), and the next run reads the
 * partition of each one listed then and judged by no shard now: one removed is judged here, its findings resolved
 * with the event that removed it, exactly as the whole-fleet lifecycle resolves them. One still live (it moved to a
 * shard prepared before the move, or to a cluster registered after the run listed its shards) is left as stored and
 * kept on the list, to be judged by the next run that reads it.
 */

/** The hosts and VMs the last sharded run judged, by shard (`host#<id>` / `vm#<id>`). */
export const JUDGED_KEY = 'audit/judged.json';

const isPair = (v: unknown): v is [string, string] =>
  Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string';
/** Checked by a predicate: a million pairs through zod's tuple walk would cost seconds of the finish step. */
const JudgedSchema = z.object({
  auditedAt: z.string(),
  resources: z
    .unknown()
    .refine((v): v is [string, string][] => Array.isArray(v) && v.every(isPair), 'expected [resource, shard] pairs')
    .transform((v) => v as [string, string][]),
});
export type JudgedFile = z.infer<typeof JudgedSchema>;

/** `[resource key, shard]` of the last run; empty before the first run that wrote it. */
export async function readJudged(s3: S3Client, bucket: string): Promise<Map<string, string>> {
  const value = await getJson(s3, bucket, JUDGED_KEY, RUN_FILE_LIMITS.judged).catch((e: unknown) => {
    if ((e as { name?: string }).name === 'NoSuchKey') return undefined;
    throw e;
  });
  if (value === undefined) return new Map();
  const parsed = JudgedSchema.safeParse(value);
  if (!parsed.success) refuseRunFile(JUDGED_KEY, parsed.error);
  return new Map(parsed.data.resources);
}

export async function writeJudged(
  s3: S3Client,
  bucket: string,
  auditedAt: string,
  judged: ReadonlyMap<string, string>,
): Promise<void> {
  const file: JudgedFile = { auditedAt, resources: [...judged].sort((a, b) => (a[0] < b[0] ? -1 : 1)) };
  await putJson(s3, bucket, JUDGED_KEY, file);
}

/**
 * The hosts and VMs to check for removal: those the last run judged and no shard judged now, and those whose
 * unverified findings sit on a shard's pages (`foreign`) while no shard judged them. The second kind is what the
 * judged list cannot name (a removal before the list existed, or one whose page member an evaluation had changed):
 * left alone, such a stale member would ride in its shard's part, and its rule's page set in the stage file, on every
 * run. Checked, it is resolved once and leaves the pages.
 */
export function departedCandidates(
  judged: ReadonlyMap<string, string>,
  judgedBefore: ReadonlyMap<string, string>,
  foreign: Iterable<Pick<Finding, 'resourceType' | 'resourceId'>>,
): string[] {
  const out = new Set<string>();
  for (const key of judgedBefore.keys()) if (!judged.has(key)) out.add(key);
  for (const f of foreign) {
    const key = resourceKey(f.resourceType, f.resourceId);
    if ((f.resourceType === 'host' || f.resourceType === 'vm') && !judged.has(key)) out.add(key);
  }
  return [...out].sort();
}

interface HostOrVm {
  kind: 'host' | 'vm';
  id: string;
}

/** A `host#<id>` / `vm#<id>` key (`resourceKey`) read back; undefined for any other kind. */
function hostOrVmOf(key: string): HostOrVm | undefined {
  const hash = key.indexOf('#');
  const kind = key.slice(0, hash);
  return kind === 'host' || kind === 'vm' ? { kind, id: key.slice(hash + 1) } : undefined;
}

/** Resources that are not in the fleet, with the event that removed them (when one did). */
export interface Removed {
  keys: Set<string>;
  evidence: Map<string, SnapshotEvidence>;
}

/**
 * Of `candidates` (`host#<id>` / `vm#<id>`), the ones no longer in the fleet: each read from its own partition (one
 * Query). A store that cannot read single entities removes none (their findings stay as stored).
 */
export async function removedOf(store: FleetStore, candidates: Iterable<string>): Promise<Removed> {
  const refs: HostOrVm[] = [];
  for (const key of candidates) {
    const ref = hostOrVmOf(key);
    if (ref !== undefined) refs.push(ref);
  }
  const removed: Removed = { keys: new Set(), evidence: new Map() };
  if (refs.length === 0 || !hasIndexedReads(store)) return removed;
  const states = await store.readEntities(refs);
  const fleet = materialiseFleet(states);
  for (const { kind, id } of refs) {
    const key = resourceKey(kind, id);
    if ((kind === 'host' ? fleet.hosts : fleet.vms).has(id)) continue;
    removed.keys.add(key);
    const cites = fleet.snapshotEvidence?.get(key);
    if (cites !== undefined) removed.evidence.set(key, cites);
  }
  return removed;
}

export interface ResolveRemovedInput {
  removed: Removed;
  profile: string;
  ruleIds: ReadonlySet<string>;
  auditedAt: string;
  /** Resource Queries in flight at once. */
  inFlight: number;
}

/**
 * Resolves the finding items of removed resources (one Query each), of the run's profile and loaded rules, unless an
 * incremental evaluation changed the resource's findings after the audit time. Their unverified page members are
 * taken off their pages by the commit (`foreign` members claimed as removed). Returns the resources left as stored,
 * the findings written and the Queries sent.
 */
export async function resolveRemovedItems(
  store: ShardFindingsStore,
  input: ResolveRemovedInput,
): Promise<{ newer: Set<string>; resolved: number; reads: number }> {
  const resources: ['host' | 'vm', string][] = [];
  for (const key of input.removed.keys) {
    const ref = hostOrVmOf(key);
    if (ref !== undefined) resources.push([ref.kind, ref.id]);
  }
  const read = await readStoredFindings(store, { resources, groups: [], inFlight: input.inFlight });
  const newer = changedSince(read.findings, input.auditedAt);
  const resolved = read.findings
    .filter(
      (f) =>
        f.status !== 'resolved' &&
        profileOf(f) === input.profile &&
        input.ruleIds.has(f.ruleId) &&
        !newer.has(resourceKey(f.resourceType, f.resourceId)),
    )
    .map((f) =>
      resolvedFinding(f, input.auditedAt, input.removed.evidence.get(resourceKey(f.resourceType, f.resourceId))),
    );
  // A removed resource's findings leave its group's digest behind: without the bare tokens a later audit whose
  // evaluation matched that digest (the resource back as it was) would trust the group and never reopen them.
  if (resolved.length > 0)
    await guardFindingWrites(store, input.profile, resolved.map(unverifiedGroupOf), () => store.putFindings(resolved));
  return { newer, resolved: resolved.length, reads: read.reads.resources };
}
