import { getOrCreate } from '../../model/get-or-create';
import type { AuditResult, AuditStamp } from '../../engine/audit-result';
import type { ComplianceRecord } from '../../engine/compliance';
import { DEFAULT_RULES_DIR, loadRules } from '../../engine/load-rules';
import type { LoadedRule, Profile } from '../../engine/types';
import { countsBySeverity, openCountsBySeverity, type Finding } from '../../model/finding';
import type { Fleet } from '../../model/fleet';
import type { ReportFormat } from '../report-format';
import { AUDIT_FORMAT_PIECES, AUDIT_FORMATS } from '../formats';

/** Audit format → file name beside report.html. JSON and CSV are the report's own (report.json, findings.csv). */
export const AUDIT_REPORT_FILES = {
  sarif: 'findings.sarif',
  junit: 'findings.junit.xml',
  ocsf: 'findings.ocsf.json',
  asff: 'findings.asff.json',
} as const;

export interface AuditFormatOptions {
  /** Already loaded rules (the Lambda has them); otherwise loaded from rulesDir for the profile. */
  rules?: readonly LoadedRule[];
  rulesDir?: string;
  profile?: Profile;
}

/**
 * Rebuilds an AuditResult from the stored findings and the last full audit's compliance record, so the audit's
 * own formatters (src/report/formats) render them as the audit did. The report does not re-run the audit (that
 * would re-apply waivers and move lifecycles). Without a stored record (a store written before it existed),
 * coverage holds only the resources with findings.
 */
export function auditResultFromStore(
  findings: readonly Finding[],
  fleet: Fleet,
  generatedAt: string,
  rules: readonly LoadedRule[],
  profile: Profile,
  compliance?: ComplianceRecord,
  stamp?: AuditStamp,
): AuditResult {
  const current = findings.filter((f) => f.status !== 'resolved');
  const counts = openCountsBySeverity(current);
  const unverified = countsBySeverity(current, 'unverified');
  let coverage: AuditResult['coverage'] | undefined;
  return {
    generatedAt,
    profile,
    mode: 'full',
    summary: { hosts: fleet.hosts.size, vms: fleet.vms.size, findings: counts, unverified },
    findings: current,
    resolved: [],
    rules,
    // Built when first read: of the report's formats only JUnit without a compliance record reads it, and copying
    // and sorting every rule's evaluated resources took 3 s of CPU at 100,000 VMs for nothing.
    get coverage() {
      coverage ??= coverageOf(current, compliance);
      return coverage;
    },
    ...(compliance !== undefined && { compliance }),
    ...(stamp !== undefined && { stamp }),
  };
}

/** Each rule's resources: the compliance record's evaluated ones and those with a current finding, sorted. */
function coverageOf(current: readonly Finding[], compliance: ComplianceRecord | undefined): AuditResult['coverage'] {
  const coverage = new Map<string, Set<string>>();
  for (const r of compliance?.rules ?? []) coverage.set(r.ruleId, new Set(compliance?.evaluatedSets[r.evaluated]));
  for (const f of current) {
    getOrCreate(coverage, f.ruleId, () => new Set()).add(f.resourceId);
  }
  return [...coverage].map(([ruleId, ids]) => ({ ruleId, resourceIds: [...ids].sort() }));
}

export function auditReportFormats(options: AuditFormatOptions = {}): ReportFormat[] {
  const profile = options.profile ?? 'scg';
  let rules: readonly LoadedRule[] | undefined = options.rules;
  let cached: { key: readonly Finding[]; result: AuditResult } | undefined;
  const resultFor = (
    findings: readonly Finding[],
    fleet: Fleet,
    generatedAt: string,
    compliance: ComplianceRecord | undefined,
    stamp: AuditStamp | undefined,
  ) => {
    if (cached?.key === findings) return cached.result;
    rules ??= loadRules(options.rulesDir ?? DEFAULT_RULES_DIR, { profile });
    cached = {
      key: findings,
      result: auditResultFromStore(findings, fleet, generatedAt, rules, profile, compliance, stamp),
    };
    return cached.result;
  };
  return (Object.keys(AUDIT_REPORT_FILES) as (keyof typeof AUDIT_REPORT_FILES)[]).map((format) => ({
    fileName: AUDIT_REPORT_FILES[format],
    render: (findings, fleet, generatedAt, compliance, stamp) => {
      const result = resultFor(findings, fleet, generatedAt, compliance, stamp);
      // In the formatter's own pieces (a finding's, a thousand JUnit cases): the folder store encodes them into its
      // write buffer as they come (write-text-file.ts), and joining them into 64 K strings first cost more than that.
      return { [Symbol.iterator]: () => AUDIT_FORMAT_PIECES[format](result)[Symbol.iterator]() };
    },
  }));
}

/** The audit formats of a fresh audit (full coverage: JUnit lists passing cases too), by file name. */
export function renderAuditFiles(result: AuditResult): Map<string, string> {
  return new Map(
    (Object.keys(AUDIT_REPORT_FILES) as (keyof typeof AUDIT_REPORT_FILES)[]).map((format) => [
      AUDIT_REPORT_FILES[format],
      AUDIT_FORMATS[format](result),
    ]),
  );
}
