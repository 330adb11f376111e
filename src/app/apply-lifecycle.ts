import type { AuditResult } from '../engine/audit-result';
import type { Evaluation } from '../engine/compile';
import { computeLifecycle, type SettledCandidates } from '../engine/lifecycle';
import { sortBySeverityThenId } from '../engine/severity-order';
import type { LoadedRule, Profile } from '../engine/types';
import { waiverMatcher, type Waiver } from '../engine/waivers';
import type { Fleet } from '../model/fleet';
import {
  compareBySeverityThenId,
  countsBySeverity,
  openCountsBySeverity,
  type Finding,
  type ResourceType,
} from '../model/finding';
import type { FleetStore } from '../store/types';
import { pageSetsToRewrite, storeChangedFindings, type PageSet } from './store-findings';
import type { FindingWriteGuard } from './group-digests';
import { cpuMsSince } from './cpu-ms';

/**
 * A full audit's group digests (src/app/group-digests.ts): the findings its hits give (built as it evaluated them,
 * `candidateMaker`, and waived), those its digests settled (`previous` then holds only the other groups' stored
 * findings), and the guard its writes go through.
 */
export interface LifecycleDigests {
  candidates: Finding[];
  settled: SettledCandidates;
  guard: FindingWriteGuard;
}

/**
 * Where the hits' findings come from: built from the evaluation's hits, or already built by a full audit that
 * evaluated its hits straight into them (`candidateMaker`) for its group digests, its evaluation then only coverage.
 */
export type HitsOrDigests =
  | { evaluation: Evaluation; digests?: undefined }
  | { evaluation: Pick<Evaluation, 'coverage'>; digests: LifecycleDigests };

export type ApplyLifecycleInput = ApplyLifecycleCommon & HitsOrDigests;

interface ApplyLifecycleCommon {
  /** Stored findings the evaluation updates. */
  previous: readonly Finding[];
  /** Whether `previous` is every stored finding, or only those of the clusters an incremental evaluation read. */
  complete: boolean;
  rules: readonly LoadedRule[];
  profile: Profile;
  now: string;
  waivers: readonly Waiver[];
  /** Resources the evaluation judged: their findings without a hit resolve. */
  evaluated: (resourceType: ResourceType, resourceId: string) => boolean;
  /** Where a removal came from (an inventory snapshot), for the resolved findings' `resolvedBy`. */
  fleet: Pick<Fleet, 'snapshotEvidence'>;
  mode: AuditResult['mode'];
  /** Hosts and VMs the result's summary counts. */
  counted: { hosts: number; vms: number };
  /** Resources whose current findings the result lists (default every one). */
  listed?: (resourceType: ResourceType, resourceId: string) => boolean;
  /**
   * Unverified page groups `previous` holds whole (an incremental evaluation's clusters): when the changes would
   * rewrite pages of another group, nothing is written and the page sets are returned instead.
   */
  groupsRead?: ReadonlySet<string>;
}

export interface AppliedLifecycle {
  result: AuditResult;
  changed: readonly Finding[];
  lifecycleMs: number;
  /** CPU time of the same. */
  lifecycleCpuMs: number;
}
/** Page sets outside the groups read: nothing was written. */
export interface OutsideGroupsRead {
  outside: readonly PageSet[];
}

/**
 * The findings' lifecycle for one evaluation and the changed findings written: what the whole-fleet, sharded and
 * incremental audits share. The run record and compliance view of a full audit are the caller's (`recordAudit`).
 */
export async function applyLifecycle(
  store: FleetStore,
  input: ApplyLifecycleInput & { groupsRead?: undefined },
): Promise<AppliedLifecycle>;
export async function applyLifecycle(
  store: FleetStore,
  input: ApplyLifecycleInput,
): Promise<AppliedLifecycle | OutsideGroupsRead>;
export async function applyLifecycle(
  store: FleetStore,
  input: ApplyLifecycleInput,
): Promise<AppliedLifecycle | OutsideGroupsRead> {
  const { evaluation, profile, now, fleet } = input;
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const { findings, changed } = computeLifecycle({
    previous: input.previous,
    ruleIds: new Set(input.rules.map((r) => r.id)),
    evaluated: input.evaluated,
    waivers: waiverMatcher(input.waivers),
    now,
    profile,
    resolvedBy: (type, id) =>
      type === 'host' || type === 'vm' ? fleet.snapshotEvidence?.get(`${type}#${id}`) : undefined,
    ...(input.digests === undefined
      ? { hits: input.evaluation.hits }
      : { candidates: input.digests.candidates, settled: input.digests.settled }),
  });
  const lifecycleMs = performance.now() - started;
  const lifecycleCpuMs = cpuMsSince(cpuStarted);
  const lifecycle = { previous: input.previous, findings, changed, profile };
  if (input.groupsRead !== undefined) {
    const read = input.groupsRead;
    const outside = pageSetsToRewrite(lifecycle).filter((s) => !read.has(s.group));
    if (outside.length > 0) return { outside };
  }
  await storeChangedFindings(
    store,
    { ...lifecycle, complete: input.complete },
    ...(input.digests ? [input.digests.guard] : []),
  );
  const listed = input.listed;
  // Filtered as it is sorted: a filtered copy of 750,000 findings grown by push was new memory of its own.
  const current = sortBySeverityThenId(
    findings,
    (f) => f.status !== 'resolved' && (listed === undefined || listed(f.resourceType, f.resourceId)),
  );
  const result: AuditResult = {
    generatedAt: now,
    profile,
    mode: input.mode,
    summary: {
      ...input.counted,
      findings: openCountsBySeverity(current),
      unverified: countsBySeverity(current, 'unverified'),
    },
    findings: current,
    resolved: changed.filter((f) => f.status === 'resolved' && f.resolvedAt === now).sort(compareBySeverityThenId),
    rules: input.rules,
    coverage: evaluation.coverage,
  };
  return { result, changed, lifecycleMs, lifecycleCpuMs };
}
