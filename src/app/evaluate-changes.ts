import type { Severity } from '../model/finding';
import type { LoadedRule } from '../engine/types';
import { runAudit } from './audit';
import { isoNow } from '../model/ports/clock';
import { hasIndexedReads } from '../store/types';
import { changedSubjects, type StreamRecordKeys } from './changed-subjects';
import { evaluateIndexed, type FullReadReason } from './indexed-evaluation';
import type { Ports } from './ports';

/** `clock` stamps the findings this evaluation opens or resolves. */
export interface EvaluateDeps extends Ports<'store' | 'clock'> {
  rules: readonly LoadedRule[];
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
  const now = isoNow(deps.clock);
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
  const audit = await runAudit(deps, { rules: deps.rules, scope: subjects });
  return {
    subjects: subjects.length,
    mode: audit.mode,
    findings: audit.summary.findings,
    resolved: audit.resolved.length,
    reads: 'table',
    ...(fullReadReason !== undefined && { fullReadReason }),
  };
}
