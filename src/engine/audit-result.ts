import type { Finding, Severity } from '../model/finding';
import type { ComplianceRecord } from './compliance';
import type { LoadedRule, Profile, RuleCoverage } from './types';

/**
 * What every report, digest and audit file says about the audit it shows (issue 15 item 8): when it ran, under
 * which profile and rule pack, and the newest event of the fleet it judged, so a reader can tell a stale view
 * from a clean fleet.
 */
export interface AuditStamp {
  auditedAt: string;
  profile: string;
  rulePackVersion: string;
  newestEventAt?: string;
}

/** What one audit run produced; every output format renders this. */
export interface AuditResult {
  generatedAt: string;
  profile: Profile;
  mode: 'full' | 'incremental';
  /** `findings`: open (observed failing) by severity; `unverified`: failing only on defaults nobody reported. */
  summary: {
    hosts: number;
    vms: number;
    findings: Record<Severity, number>;
    unverified: Record<Severity, number>;
  };
  /** Current findings of the loaded rules: open, unverified and waived, most severe first. */
  findings: Finding[];
  /** Findings this run resolved. */
  resolved: Finding[];
  rules: readonly LoadedRule[];
  /** Resources each rule was evaluated on in this run (JUnit's passing cases). */
  coverage: readonly RuleCoverage[];
  /** Per rule × resource outcomes (full audits, and reports of one): what JUnit and the compliance view read. */
  compliance?: ComplianceRecord;
  /** The audit these findings come from; SARIF and JUnit carry it as the HTML report and digests do. */
  stamp?: AuditStamp;
}
