import type { Severity } from '../model/finding';
import type { LoadedRule } from '../engine/types';
import { runAudit } from './audit';
import type { FleetStore } from '../store/types';
import { changedSubjects, type StreamRecordKeys } from './changed-subjects';

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
  const audit = await runAudit(deps.store, { rules: deps.rules, scope: subjects, now: deps.now?.().toISOString() });
  return {
    subjects: subjects.length,
    mode: audit.mode,
    findings: audit.summary.findings,
    resolved: audit.resolved.length,
  };
}
