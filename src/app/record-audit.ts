import type { Fleet } from '../model/fleet';
import type { Finding } from '../model/finding';
import type { ResourceType } from '../model/finding';
import type { FleetStore } from '../store/types';
import type { AuditResult } from '../engine/audit-result';
import { buildCompliance } from '../engine/compliance';
import type { LoadedRule, Profile } from '../engine/types';
import type { Waiver } from '../engine/waivers';
import { rulePackVersion } from '../engine/rule-pack-version';
import { readState, STATE, writeState, type StateValue } from '../store/state-keys';
import { fleetMark, type AuditStamp, type FleetMark } from './audit-stamp';
import { storeCompliance } from './compliance-store';
import { applyLifecycle, type HitsOrDigests } from './apply-lifecycle';
import { cpuMsSince } from './cpu-ms';

/** What an audit knew before it evaluated: the stored findings, waivers and run record it updates. */
export interface AuditBaseline {
  previous: readonly Finding[];
  waivers: readonly Waiver[];
  previousRun: StateValue<typeof STATE.auditLatest> | undefined;
}

/**
 * What recording an audit needs of the fleet: its counts and newest event (the run record's mark, the compliance
 * view's resource counts) and the inventory snapshots that removed resources (resolved findings' `resolvedBy`). The
 * sharded audit sums it from its shards' parts instead of reading the fleet.
 */
export interface FleetDigest {
  mark: FleetMark;
  snapshotEvidence?: Fleet['snapshotEvidence'];
}

function digestOf(fleet: Fleet | FleetDigest): FleetDigest {
  if ('mark' in fleet) return fleet;
  return {
    mark: fleetMark(fleet),
    ...(fleet.snapshotEvidence !== undefined && { snapshotEvidence: fleet.snapshotEvidence }),
  };
}

/** The evaluation, or a full audit's evaluation coverage and group digests: see `HitsOrDigests`. */
export type RecordAuditInput = RecordAuditCommon & HitsOrDigests;

interface RecordAuditCommon {
  fleet: Fleet | FleetDigest;
  baseline: AuditBaseline;
  rules: readonly LoadedRule[];
  profile: Profile;
  now: string;
  /** VMs an incremental audit evaluated; undefined for a full audit. */
  vmScope?: ReadonlySet<string>;
  /**
   * Which resources a full audit evaluated, when not all (the sharded audit leaves out resources that arrived
   * during the run or that a newer incremental evaluation already judged); default every one.
   */
  evaluated?: (resourceType: ResourceType, resourceId: string) => boolean;
  /** Clusters that have hosts (the compliance view's cluster count). */
  clusters: number;
}

export interface RecordedAudit {
  result: AuditResult;
  /** Findings written: the ones whose stored view changed. */
  findingsWritten: number;
  /** Wall time of the lifecycle, and of everything written after it (findings, compliance, run record). */
  lifecycleMs: number;
  writeMs: number;
  /** CPU time of the same two. */
  lifecycleCpuMs: number;
  writeCpuMs: number;
}

/**
 * Reads the stored findings (unless `findings` is false: an audit with group digests reads them once it knows which
 * groups it needs), waivers (unless the caller brings its own) and the latest run record.
 */
export async function readAuditBaseline(
  store: FleetStore,
  waivers?: readonly Waiver[],
  { findings = true }: { findings?: boolean } = {},
): Promise<AuditBaseline> {
  const [previous, storedWaivers, previousRun] = await Promise.all([
    findings ? store.listFindings() : Promise.resolve([]),
    waivers === undefined ? readState(store, STATE.auditWaivers) : Promise.resolve(undefined),
    readState(store, STATE.auditLatest),
  ]);
  return { previous, waivers: waivers ?? storedWaivers ?? [], previousRun };
}

/** The run record of the latest audit; `lastFullAuditAt` stands in for every unresolved finding's last sighting. */
export type AuditRunRecord = StateValue<typeof STATE.auditLatest>;

/** The stamp reports and digests carry, from the latest audit's record. */
export function auditStampOf(record: AuditRunRecord): AuditStamp {
  return {
    auditedAt: record.generatedAt,
    profile: record.profile,
    rulePackVersion: record.rulePackVersion ?? 'unknown',
    ...(record.fleet?.newestEventAt !== undefined && { newestEventAt: record.fleet.newestEventAt }),
  };
}

/**
 * The part of an audit after evaluation, shared by the whole-fleet audit (`runAudit`) and the workflow's
 * sharded one (`finishShardedAudit`): the findings' lifecycle, the changed findings written, the compliance
 * record of a full audit, and the run record. Both reach the same stored state from the same evaluation.
 */
export async function recordAudit(store: FleetStore, input: RecordAuditInput): Promise<RecordedAudit> {
  const { evaluation, rules, profile, now, vmScope } = input;
  const fleet = digestOf(input.fleet);
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const evaluated =
    input.evaluated ?? ((type: ResourceType, id: string) => type !== 'vm' || vmScope === undefined || vmScope.has(id));
  const { result, changed, lifecycleMs, lifecycleCpuMs } = await applyLifecycle(store, {
    previous: input.baseline.previous,
    complete: true,
    ...(input.digests === undefined
      ? { evaluation: input.evaluation }
      : { evaluation: input.evaluation, digests: input.digests }),
    rules,
    profile,
    now,
    waivers: input.baseline.waivers,
    evaluated,
    fleet,
    mode: vmScope ? 'incremental' : 'full',
    counted: { hosts: fleet.mark.hosts, vms: fleet.mark.vms },
  });
  // The compliance view covers every resource, so only a full audit records one.
  if (result.mode === 'full') {
    result.compliance = buildCompliance({
      at: now,
      profile,
      rules,
      coverage: evaluation.coverage,
      findings: result.findings,
      resources: {
        host: fleet.mark.hosts,
        vm: fleet.mark.vms,
        cluster: input.clusters,
        perimeter: fleet.mark.perimeters,
      },
    });
    await storeCompliance(store, result.compliance);
  }
  const lastFullAuditAt = result.mode === 'full' ? now : input.baseline.previousRun?.lastFullAuditAt;
  const record: AuditRunRecord = {
    generatedAt: now,
    profile,
    mode: result.mode,
    summary: result.summary,
    ...(lastFullAuditAt !== undefined && { lastFullAuditAt }),
    rulePackVersion: rulePackVersion(rules),
    fleet: fleet.mark,
  };
  result.stamp = auditStampOf(record);
  await writeState(store, STATE.auditLatest, record);
  return {
    result,
    findingsWritten: changed.length,
    lifecycleMs,
    writeMs: performance.now() - started - lifecycleMs,
    lifecycleCpuMs,
    writeCpuMs: cpuMsSince(cpuStarted) - lifecycleCpuMs,
  };
}
