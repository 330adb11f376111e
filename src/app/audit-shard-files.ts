import { z } from 'zod';
import { fleetFromJson, FleetJsonSchema, fleetToJson, type FleetJson, type SnapshotEvidence } from '../model/fleet';
import { refuseRunFile } from '../model/run-files';
import type { ResourceType } from '../model/finding';
import type { FleetSlice, ShardEvaluation } from '../engine/sharded-audit';
import type { FactValue, LoadedRule, RuleHit } from '../engine/types';
import { newestUpdate } from './audit-stamp';
import { PartLifecycleSchema, type PartLifecycle } from './lifecycle-stage-files';

/**
 * The two run files of a sharded audit, as JSON in S3: the slice the start step writes for each shard, and
 * the evaluation the shard writes back for the finish step. Both are read back through a schema, so a file from
 * another version of the code is refused with its key and field rather than half-read.
 */

/** What the start step hands one shard: its slice, the run's audit time, and whether it was simulated. */
export interface AuditSliceFile {
  shard: string;
  /** The one time every shard evaluates at, so time-based facts agree across shards. */
  auditedAt: string;
  /** Whether the shard has a simulation result to read (only shards with hosts are simulated). */
  simulated: boolean;
  hostIds: string[];
  vmIds: string[];
  fleet: FleetJson;
  snapshotEvidence: [string, SnapshotEvidence][];
}

export function auditSliceFile(slice: FleetSlice, auditedAt: string, simulated: boolean): AuditSliceFile {
  return {
    shard: slice.shard,
    auditedAt,
    simulated,
    hostIds: [...slice.hostIds].sort(),
    vmIds: [...slice.vmIds].sort(),
    fleet: fleetToJson(slice.fleet),
    snapshotEvidence: [...(slice.fleet.snapshotEvidence ?? new Map<string, SnapshotEvidence>())],
  };
}

const Evidence = z.object({ eventId: z.string(), time: z.string(), effect: z.enum(['removed', 'replaced']) });
const AuditSliceSchema = z.object({
  shard: z.string().min(1),
  auditedAt: z.iso.datetime({ offset: true }),
  simulated: z.boolean(),
  hostIds: z.array(z.string()),
  vmIds: z.array(z.string()),
  fleet: FleetJsonSchema,
  snapshotEvidence: z.array(z.tuple([z.string(), Evidence])),
});

export function readAuditSlice(
  value: unknown,
  key: string,
): { slice: FleetSlice; auditedAt: string; simulated: boolean } {
  const parsed = AuditSliceSchema.safeParse(value);
  if (!parsed.success) refuseRunFile(key, parsed.error);
  const file = parsed.data;
  const fleet = fleetFromJson(file.fleet);
  if (file.snapshotEvidence.length > 0) fleet.snapshotEvidence = new Map(file.snapshotEvidence);
  return {
    slice: { shard: file.shard, fleet, hostIds: new Set(file.hostIds), vmIds: new Set(file.vmIds) },
    auditedAt: file.auditedAt,
    simulated: file.simulated,
  };
}

/** A hit as stored: the rule by id (the finish step has the same rule pack), the rest as evaluated. */
type StoredHit = Omit<RuleHit, 'rule'> & { ruleId: string };

export interface AuditPartFile {
  shard: string;
  hosts: number;
  vms: number;
  /** The hosts and VMs evaluated: the finish step's lifecycle judges only these. */
  hostIds: string[];
  vmIds: string[];
  /** Pairs, not an object: perimeter ids come from the fleet and may be any string (`__proto__` included). */
  perimeterMembers: [string, number][];
  hits: StoredHit[];
  coverage: ShardEvaluation['coverage'];
  /**
   * What the finish step records of the shard's hosts and VMs instead of reading the fleet: the newest event folded
   * into them (the run record's fleet mark) and the inventory snapshots that removed or replaced them (a resolved
   * finding's `resolvedBy`).
   */
  newestEventAt?: string;
  snapshotEvidence: [string, SnapshotEvidence][];
  /** The shard's staged lifecycle (shard-lifecycle.ts); absent when the shard left it to the finish step. */
  lifecycle?: PartLifecycle;
}

export function auditPartFile(
  evaluation: ShardEvaluation,
  slice: FleetSlice,
  lifecycle?: PartLifecycle,
): AuditPartFile {
  const { hosts, vms } = slice.fleet;
  const newestEventAt = newestUpdate([
    ...[...slice.hostIds].map((id) => hosts.get(id) ?? {}),
    ...[...slice.vmIds].map((id) => vms.get(id) ?? {}),
  ]);
  return {
    shard: evaluation.shard,
    hosts: evaluation.hosts,
    vms: evaluation.vms,
    hostIds: [...slice.hostIds].sort(),
    vmIds: [...slice.vmIds].sort(),
    perimeterMembers: Object.entries(evaluation.perimeterMembers),
    hits: evaluation.hits.map(({ rule, ...hit }) => ({ ruleId: rule.id, ...hit })),
    coverage: evaluation.coverage,
    ...(newestEventAt !== undefined && { newestEventAt }),
    snapshotEvidence: [...(slice.fleet.snapshotEvidence ?? new Map<string, SnapshotEvidence>())],
    ...(lifecycle !== undefined && { lifecycle }),
  };
}

const RESOURCE_TYPES = ['host', 'vm', 'cluster', 'perimeter'] as const satisfies readonly ResourceType[];

const AuditPartSchema = z.object({
  shard: z.string().min(1),
  hosts: z.number().int().nonnegative(),
  vms: z.number().int().nonnegative(),
  hostIds: z.array(z.string()),
  vmIds: z.array(z.string()),
  perimeterMembers: z.array(z.tuple([z.string(), z.number().int().positive()])),
  hits: z.array(
    z.object({
      ruleId: z.string(),
      resourceType: z.enum(RESOURCE_TYPES),
      resourceId: z.string(),
      resourceName: z.string().optional(),
      cluster: z.string().optional(),
      datacenter: z.string().optional(),
      evidence: z.record(z.string(), z.unknown()),
      unverified: z.object({ missing: z.array(z.string()), collect: z.array(z.string()) }).optional(),
    }),
  ),
  coverage: z.array(
    z.object({
      ruleId: z.string(),
      resourceIds: z.array(z.string()),
      unverifiedIds: z.array(z.string()).optional(),
    }),
  ),
  newestEventAt: z.iso.datetime({ offset: true }).optional(),
  snapshotEvidence: z.array(z.tuple([z.string(), Evidence])),
  lifecycle: PartLifecycleSchema.optional(),
});

/** A shard's evaluation as the finish step merges it, with the resources it evaluated. */
export interface AuditPart extends ShardEvaluation {
  hostIds: readonly string[];
  vmIds: readonly string[];
  newestEventAt?: string;
  snapshotEvidence: readonly [string, SnapshotEvidence][];
  lifecycle?: PartLifecycle;
}

/** Reads a shard's evaluation back, its hits joined to the loaded rules; a rule this pack lacks is a version skew. */
export function readAuditPart(value: unknown, key: string, rulesById: ReadonlyMap<string, LoadedRule>): AuditPart {
  const parsed = AuditPartSchema.safeParse(value);
  if (!parsed.success) refuseRunFile(key, parsed.error);
  const file = parsed.data;
  const hits: RuleHit[] = file.hits.map(({ ruleId, evidence, ...hit }, i) => {
    const rule = rulesById.get(ruleId);
    if (rule === undefined) throw new Error(`${key}: hits.${i}.ruleId: rule ${ruleId} is not in this rule pack`);
    return { rule, ...hit, evidence: evidence as Record<string, FactValue> };
  });
  const perimeterMembers: Record<string, number> = {};
  for (const [id, n] of file.perimeterMembers)
    Object.defineProperty(perimeterMembers, id, { value: n, enumerable: true, writable: true, configurable: true });
  return {
    shard: file.shard,
    hosts: file.hosts,
    vms: file.vms,
    hostIds: file.hostIds,
    vmIds: file.vmIds,
    perimeterMembers,
    hits,
    coverage: file.coverage,
    ...(file.newestEventAt !== undefined && { newestEventAt: file.newestEventAt }),
    snapshotEvidence: file.snapshotEvidence,
    ...(file.lifecycle !== undefined && { lifecycle: file.lifecycle }),
  };
}
