import type { Severity } from '../model/finding';
import type { LoadedRule } from '../engine/types';
import { runAudit } from './audit';
import type { FleetStore } from '../store/types';
import { hasIndexedReads } from '../store/types';
import { changedSubjects, type StreamRecordKeys } from './changed-subjects';
import { evaluateIndexed, type FullReadReason } from './indexed-evaluation';

export interface EvaluateDeps {
  store: FleetStore;
  rules: readonly LoadedRule[];
  now?: () => Date;
}

export interface EvaluateResult {
  subjects: number;
  mode?: 'full' | 'incremental';
  findings?: Record<Severity, number>;
  resolved?: number;
  /** `index`: only the touched clusters were read (docs/store.md, "Cluster index"); `table`: the whole table, and why. */
  reads?: 'index' | 'table';
  fullReadReason?: FullReadReason;
}

/**
 * Incremental audit of what a stream batch touched. Findings it changes are written to the table, whose
 * stream wakes the notify function: evaluation never talks to Slack itself.
 */
export async function evaluateChanges(
  records: readonly StreamRecordKeys[],
  deps: EvaluateDeps,
): Promise<EvaluateResult> {
  const subjects = changedSubjects(records);
  if (subjects.length === 0) return { subjects: 0 };
  const now = (deps.now?.() ?? new Date()).toISOString();
  let fullReadReason: FullReadReason | undefined;
  if (hasIndexedReads(deps.store)) {
    const indexed = await evaluateIndexed(deps.store, { rules: deps.rules, subjects, now });
    if ('result' in indexed)
      return {
        subjects: subjects.length,
        mode: indexed.result.mode,
        findings: indexed.result.summary.findings,
        resolved: indexed.result.resolved.length,
        reads: 'index',
      };
    fullReadReason = indexed.fullRead;
  }
  const audit = await runAudit(deps.store, { rules: deps.rules, scope: subjects, now });
  return {
    subjects: subjects.length,
    mode: audit.mode,
    findings: audit.summary.findings,
    resolved: audit.resolved.length,
    reads: 'table',
    ...(fullReadReason !== undefined && { fullReadReason }),
  };
}
