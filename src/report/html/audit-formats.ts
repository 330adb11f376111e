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
  /**
   * Renders the four files elsewhere (the CLI's worker thread, on the other core while this one writes the page):
   * a body read asynchronously (a folder's writer, through `Readable.from`, which takes an async iterator first)
   * waits for its bytes, the same for each place it is written; read synchronously, or when `aside` has none, it is
   * rendered here as before. Only without `rules` (the other side loads them from rulesDir).
   */
  aside?: AuditFormatsAside;
}

/** What an audit result is rebuilt from, as it crosses to another thread (the fleet only counts). */
export interface AuditFormatsRequest {
  findings: readonly Finding[];
  hosts: number;
  vms: number;
  generatedAt: string;
  profile: Profile;
  rulesDir?: string;
  compliance?: ComplianceRecord;
  stamp?: AuditStamp;
}

/** Renders the audit formats of a request: each file's UTF-8 bytes by its name, or undefined when it could not. */
export interface AuditFormatsAside {
  render(request: AuditFormatsRequest): Promise<ReadonlyMap<string, Uint8Array> | undefined>;
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
  return auditResultOfCounts(
    findings,
    { hosts: fleet.hosts.size, vms: fleet.vms.size },
    generatedAt,
    rules,
    profile,
    compliance,
    stamp,
  );
}

/** auditResultFromStore with the fleet's counts, all it reads of the fleet. */
export function auditResultOfCounts(
  findings: readonly Finding[],
  fleet: { hosts: number; vms: number },
  generatedAt: string,
  rules: readonly LoadedRule[],
  profile: Profile,
  compliance?: ComplianceRecord,
  stamp?: AuditStamp,
): AuditResult {
  const current = findings.filter((f) => f.status !== 'resolved');
  const counts = openCountsBySeverity(current);
  const unverified = countsBySeverity(current, 'unverified');
  const coverage = new Map<string, Set<string>>();
  for (const r of compliance?.rules ?? []) coverage.set(r.ruleId, new Set(compliance?.evaluatedSets[r.evaluated]));
  for (const f of current) {
    getOrCreate(coverage, f.ruleId, () => new Set()).add(f.resourceId);
  }
  return {
    generatedAt,
    profile,
    mode: 'full',
    summary: { hosts: fleet.hosts, vms: fleet.vms, findings: counts, unverified },
    findings: current,
    resolved: [],
    rules,
    coverage: [...coverage].map(([ruleId, ids]) => ({ ruleId, resourceIds: [...ids].sort() })),
    ...(compliance !== undefined && { compliance }),
    ...(stamp !== undefined && { stamp }),
  };
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
  const aside = options.rules === undefined ? options.aside : undefined;
  // One request for the four files, like resultFor's one result.
  let asked: { key: readonly Finding[]; texts: Promise<ReadonlyMap<string, Uint8Array> | undefined> } | undefined;
  const textsFor = (
    findings: readonly Finding[],
    fleet: Fleet,
    generatedAt: string,
    compliance: ComplianceRecord | undefined,
    stamp: AuditStamp | undefined,
  ) => {
    if (asked?.key === findings) return asked.texts;
    const request: AuditFormatsRequest = {
      // Only what the result keeps: each finding is copied to the other thread.
      findings: findings.filter((f) => f.status !== 'resolved'),
      hosts: fleet.hosts.size,
      vms: fleet.vms.size,
      generatedAt,
      profile,
      ...(options.rulesDir !== undefined && { rulesDir: options.rulesDir }),
      ...(compliance !== undefined && { compliance }),
      ...(stamp !== undefined && { stamp }),
    };
    const texts = aside!.render(request).catch(() => undefined);
    asked = { key: findings, texts };
    return texts;
  };
  return (Object.keys(AUDIT_REPORT_FILES) as (keyof typeof AUDIT_REPORT_FILES)[]).map((format) => ({
    fileName: AUDIT_REPORT_FILES[format],
    render: (findings, fleet, generatedAt, compliance, stamp) => {
      const here = () => AUDIT_FORMAT_PIECES[format](resultFor(findings, fleet, generatedAt, compliance, stamp));
      if (aside === undefined) return { [Symbol.iterator]: () => here()[Symbol.iterator]() };
      const texts = textsFor(findings, fleet, generatedAt, compliance, stamp);
      return {
        [Symbol.iterator]: () => here()[Symbol.iterator](),
        async *[Symbol.asyncIterator]() {
          const text = (await texts)?.get(AUDIT_REPORT_FILES[format]);
          if (text === undefined) yield* here();
          else yield text;
        },
      };
    },
  }));
}

/** The audit formats of a request, as the report writes them (the same pieces), by file name. */
export function renderAuditFormatsRequest(
  request: AuditFormatsRequest,
  rules?: readonly LoadedRule[],
): Map<string, Iterable<string>> {
  const result = auditResultOfCounts(
    request.findings,
    request,
    request.generatedAt,
    rules ?? loadRules(request.rulesDir ?? DEFAULT_RULES_DIR, { profile: request.profile }),
    request.profile,
    request.compliance,
    request.stamp,
  );
  return new Map(
    (Object.keys(AUDIT_REPORT_FILES) as (keyof typeof AUDIT_REPORT_FILES)[]).map((format) => [
      AUDIT_REPORT_FILES[format],
      AUDIT_FORMAT_PIECES[format](result),
    ]),
  );
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
