import type { AuditResult } from '../engine/audit-result';
import { buildCompliance } from '../engine/compliance';
import type { Evaluation } from '../engine/compile';
import { rulePackVersion } from '../engine/rule-pack-version';
import type { LoadedRule, Profile } from '../engine/types';
import { countsBySeverity, openCountsBySeverity, type Finding } from '../model/finding';
import { STATE, writeState } from '../store/state-keys';
import type { FleetStore } from '../store/types';
import { storeCompliance } from './compliance-store';
import { auditStampOf, type AuditRunRecord, type FleetDigest } from './record-audit';
import type { CurrentFinding } from './shard-lifecycle';

/** A sharded audit's result without the findings themselves: the finish step no longer holds every finding. */
export type StagedAuditResult = Omit<AuditResult, 'findings' | 'resolved'>;

export interface RecordStagedInput {
  fleet: FleetDigest;
  evaluation: Pick<Evaluation, 'coverage'>;
  /** Every current finding after the run: the shards' (as they counted them) and the perimeters'. */
  current: Iterable<CurrentFinding>;
  rules: readonly LoadedRule[];
  profile: Profile;
  now: string;
  clusters: number;
}

/** What the compliance view and the summary read of a finding: its rule, resource, status and severity. */
type Counted = Pick<Finding, 'ruleId' | 'resourceType' | 'resourceId' | 'status' | 'severity'>;

/**
 * The compliance record and run record of a full audit whose lifecycle ran in its shards: the same records
 * `recordAudit` stores, from the shards' current findings (rule, resource, status, severity) instead of the findings.
 */
export async function recordStagedAudit(store: FleetStore, input: RecordStagedInput): Promise<StagedAuditResult> {
  const { fleet, profile, rules, now } = input;
  const current: Counted[] = [];
  for (const [ruleId, resourceType, resourceId, status, severity] of input.current)
    current.push({ ruleId, resourceType, resourceId, status, severity });
  const compliance = buildCompliance({
    at: now,
    profile,
    rules,
    coverage: input.evaluation.coverage,
    // buildCompliance reads only these fields of a finding.
    findings: current as Finding[],
    resources: {
      host: fleet.mark.hosts,
      vm: fleet.mark.vms,
      cluster: input.clusters,
      perimeter: fleet.mark.perimeters,
    },
  });
  await storeCompliance(store, compliance);
  const summary: AuditResult['summary'] = {
    hosts: fleet.mark.hosts,
    vms: fleet.mark.vms,
    findings: openCountsBySeverity(current),
    unverified: countsBySeverity(current, 'unverified'),
  };
  const record: AuditRunRecord = {
    generatedAt: now,
    profile,
    mode: 'full',
    summary,
    lastFullAuditAt: now,
    rulePackVersion: rulePackVersion(rules),
    fleet: fleet.mark,
  };
  await writeState(store, STATE.auditLatest, record);
  return {
    generatedAt: now,
    profile,
    mode: 'full',
    summary,
    rules,
    coverage: input.evaluation.coverage,
    compliance,
    stamp: auditStampOf(record),
  };
}
