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

const TYPES = new Set<string>(RESOURCE_TYPES);
const STATUSES = new Set<string>(FINDING_STATUSES);
const SEVERITY_SET = new Set<string>(SEVERITIES);
const isText = (v: unknown): v is string => typeof v === 'string';

/**
 * A finding as stored: its key fields checked, the rest kept as written (the store's own form). A predicate, not an
 * object schema: a first audit stages every finding, and zod's object walk cost 15 µs each (0.3 s per 20,000).
 */
function isStoredFinding(v: unknown): v is Finding {
  if (typeof v !== 'object' || v === null) return false;
  const f = v as Record<string, unknown>;
  return (
    isText(f.fingerprint) &&
    f.fingerprint.length > 0 &&
    isText(f.ruleId) &&
    isText(f.resourceId) &&
    TYPES.has(f.resourceType as string) &&
    STATUSES.has(f.status as string) &&
    SEVERITY_SET.has(f.severity as string) &&
    isText(f.firstSeen) &&
    isText(f.lastSeen) &&
    // Read by the commit (when it changed, whose lifecycle it follows) and the counts: checked like the rest.
    (f.resolvedAt === undefined || isText(f.resolvedAt)) &&
    (f.profile === undefined || isText(f.profile))
  );
}
/**
 * A list checked by a predicate in one pass (per element, zod's array walk alone costs more than the check); a bad
 * element is named by its index, so the refusal reads `<key>: created.3: expected …`.
 */
function checkedList<T>(is: (v: unknown) => v is T, message: string) {
  return z
    .unknown()
    .superRefine((v, ctx) => {
      if (!Array.isArray(v)) {
        ctx.addIssue({ code: 'custom', message: 'expected a list' });
        return;
      }
      const bad = v.findIndex((e) => !is(e));
      if (bad >= 0) ctx.addIssue({ code: 'custom', path: [bad], message });
    })
    .transform((v) => v as T[]);
}

const StoredFindings = checkedList(
  isStoredFinding,
  'expected a finding (fingerprint, ruleId, resourceType, resourceId, status, severity, firstSeen, lastSeen)',
);

function isCurrentFinding(v: unknown): v is CurrentFinding {
  return (
    Array.isArray(v) &&
    v.length === 5 &&
    isText(v[0]) &&
    TYPES.has(v[1]) &&
    isText(v[2]) &&
    STATUSES.has(v[3]) &&
    SEVERITY_SET.has(v[4])
  );
}
/** `[rule, resource type, resource id, status, severity]`, checked by a predicate for the same reason. */
export const CurrentFindingsSchema = checkedList(
  isCurrentFinding,
  'expected [ruleId, resourceType, resourceId, status, severity]',
);

/** The bulk of a staged lifecycle: what the finish step writes. The part file carries the rest (small, read first). */
export type LifecycleStageFile = Pick<StagedLifecycle, 'group' | 'created' | 'updated' | 'pageSets' | 'deletes'>;

export function lifecycleStageFile(staged: StagedLifecycle): LifecycleStageFile {
  const { group, created, updated, pageSets, deletes } = staged;
  return { group, created, updated, pageSets, deletes };
}

const LifecycleStageSchema = z.object({
  group: z.string().min(1),
  created: StoredFindings,
  updated: StoredFindings,
  pageSets: z.array(
    z.object({
      group: z.string().min(1),
      ruleId: z.string().min(1),
      findings: StoredFindings,
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
    created: file.created,
    updated: file.updated,
    pageSets: file.pageSets.map(({ onlyIfClaimed, ...s }) => ({ ...s, ...(onlyIfClaimed && { onlyIfClaimed }) })),
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
  current: CurrentFindingsSchema,
  foreign: StoredFindings,
  newer: z.array(z.string()),
  reads: z.object({ resources: z.number().int().nonnegative(), groups: z.number().int().nonnegative() }),
});
