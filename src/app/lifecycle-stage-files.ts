import { z } from 'zod';
import { FINDING_STATUSES, SEVERITIES, type Finding } from '../model/finding';
import { refuseRunFile, runKeys } from '../model/run-files';
import type { CurrentFinding, StagedLifecycle } from './shard-lifecycle';

/**
 * The run files of the per-shard lifecycle, as JSON in S3: what a shard staged for the finish step to commit (its
 * changed findings and page sets), beside its audit part. Read back through a schema like the other run files.
 */

/** Where a shard stages its lifecycle: next to its audit part, one file per shard. */
export function lifecycleStageKey(runId: string, shard: string): string {
  return runKeys.auditPart(runId, shard).replace('/audit/parts/', '/audit/lifecycle/');
}

const RESOURCE_TYPES = ['host', 'vm', 'cluster', 'perimeter'] as const;

/** A finding as stored: its key fields checked, the rest kept as written (the store's own form). */
export const StoredFinding = z.looseObject({
  fingerprint: z.string().min(1),
  ruleId: z.string().min(1),
  resourceType: z.enum(RESOURCE_TYPES),
  resourceId: z.string(),
  status: z.enum(FINDING_STATUSES as [Finding['status'], ...Finding['status'][]]),
  firstSeen: z.string(),
  lastSeen: z.string(),
});
const asFindings = (list: z.infer<typeof StoredFinding>[]) => list as unknown as Finding[];

export const CurrentFindingSchema = z.tuple([
  z.string(),
  z.enum(RESOURCE_TYPES),
  z.string(),
  z.enum(FINDING_STATUSES as [Finding['status'], ...Finding['status'][]]),
  z.enum(SEVERITIES),
]);

/** The bulk of a staged lifecycle: what the finish step writes. The part file carries the rest (small, read first). */
export type LifecycleStageFile = Pick<StagedLifecycle, 'group' | 'created' | 'updated' | 'pageSets' | 'deletes'>;

export function lifecycleStageFile(staged: StagedLifecycle): LifecycleStageFile {
  const { group, created, updated, pageSets, deletes } = staged;
  return { group, created, updated, pageSets, deletes };
}

const LifecycleStageSchema = z.object({
  group: z.string().min(1),
  created: z.array(StoredFinding),
  updated: z.array(StoredFinding),
  pageSets: z.array(
    z.object({
      group: z.string().min(1),
      ruleId: z.string().min(1),
      findings: z.array(StoredFinding),
      onlyIfClaimed: z.literal(true).optional(),
    }),
  ),
  deletes: z.array(z.object({ fingerprint: z.string(), resourceType: z.enum(RESOURCE_TYPES), resourceId: z.string() })),
});

export function readLifecycleStage(value: unknown, key: string): LifecycleStageFile {
  const parsed = LifecycleStageSchema.safeParse(value);
  if (!parsed.success) refuseRunFile(key, parsed.error);
  const file = parsed.data;
  return {
    group: file.group,
    created: asFindings(file.created),
    updated: asFindings(file.updated),
    pageSets: file.pageSets.map(({ findings, onlyIfClaimed, ...s }) => ({
      ...s,
      findings: asFindings(findings),
      ...(onlyIfClaimed && { onlyIfClaimed }),
    })),
    deletes: file.deletes,
  };
}

/** What the audit part says of the shard's lifecycle: where it staged it, and what the merge needs of it. */
export interface PartLifecycle {
  key: string;
  current: CurrentFinding[];
  foreign: Finding[];
  newer: string[];
  reads: { resources: number; groups: number };
}

export const PartLifecycleSchema = z.object({
  key: z.string().min(1),
  current: z.array(CurrentFindingSchema),
  foreign: z.array(StoredFinding),
  newer: z.array(z.string()),
  reads: z.object({ resources: z.number().int().nonnegative(), groups: z.number().int().nonnegative() }),
});

export function readPartLifecycle(value: z.infer<typeof PartLifecycleSchema>): PartLifecycle {
  return { ...value, foreign: asFindings(value.foreign) };
}
