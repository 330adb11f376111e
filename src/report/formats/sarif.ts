import type { AuditResult } from '../../engine/audit-result';
import type { Finding, Severity } from '../../model/finding';
import type { LoadedRule } from '../../engine/types';
import { jsonDocumentPieces } from './json-pieces';
import { byId } from '../../model/event-order';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};
/** GitHub code scanning reads `security-severity` (0–10) from rule properties. */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '0.0',
};

/**
 * A stable pseudo-path per resource: GitHub code scanning drops a result without a physical location, and a
 * fleet has no source files. Ids are percent-encoded so a `/` or `..` in an id stays inside its segment.
 */
export function resourceUri(resourceType: string, resourceId: string): string {
  return `hyperaudit/${encodeURIComponent(resourceType)}/${encodeURIComponent(resourceId)}`;
}

function where(f: Finding): string {
  const parts = [
    f.resourceName !== undefined && f.resourceName !== f.resourceId
      ? `${f.resourceName} (${f.resourceId})`
      : f.resourceId,
    f.cluster !== undefined ? `cluster ${f.cluster}` : undefined,
    f.datacenter !== undefined ? `datacenter ${f.datacenter}` : undefined,
  ];
  return `${f.resourceType} ${parts.filter((p) => p !== undefined).join(', ')}`;
}

/**
 * The audit the results come from (issue 15 item 8), as the HTML report and digests state it: SARIF's run
 * `invocations[0]` (when it ended, that it succeeded) and the stamp in the run's and the invocation's property bags.
 */
function auditInvocation(result: AuditResult): { invocations: object[]; properties?: object } {
  const stamp = result.stamp;
  if (stamp === undefined) return { invocations: [{ executionSuccessful: true, endTimeUtc: result.generatedAt }] };
  const properties = {
    auditedAt: stamp.auditedAt,
    profile: stamp.profile,
    rulePackVersion: stamp.rulePackVersion,
    ...(stamp.newestEventAt !== undefined && { newestEventAt: stamp.newestEventAt }),
  };
  return {
    invocations: [{ executionSuccessful: true, endTimeUtc: stamp.auditedAt, properties }],
    properties: { audit: properties },
  };
}

/** The SARIF log with `results` as given (the results themselves, or a placeholder for the streamed writer). */
function sarifLog(result: AuditResult, rules: readonly LoadedRule[], results: unknown) {
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'hyperaudit',
            version: '0.1.0',
            informationUri: 'https://github.com/hyperaudit/hyperaudit',
            rules: rules.map((r) => ({
              id: r.id,
              name: r.id,
              shortDescription: { text: r.title },
              fullDescription: { text: r.rationale },
              help: {
                text: r.remediation,
                markdown: `**Remediation:** ${r.remediation}\n\n**Controls:** ${r.controls.map((c) => `${c.framework} ${c.id}`).join(', ') || 'none'}`,
              },
              defaultConfiguration: { level: LEVEL[r.severity] },
              properties: {
                category: r.category,
                pack: r.pack,
                resourceType: r.resourceType,
                'security-severity': SECURITY_SEVERITY[r.severity],
                tags: [r.category, ...r.controls.map((c) => `${c.framework}/${c.id}`)],
              },
            })),
          },
        },
        automationDetails: { id: `hyperaudit/${result.profile}/` },
        ...auditInvocation(result),
        results,
      },
    ],
  };
}

function sortedRules(result: AuditResult): LoadedRule[] {
  return [...result.rules].sort(byId);
}

function sarifResult(f: Finding, ruleIndex: ReadonlyMap<string, number>) {
  return {
    ruleId: f.ruleId,
    ...(ruleIndex.has(f.ruleId) && { ruleIndex: ruleIndex.get(f.ruleId) }),
    ...(f.status === 'unverified' ? { kind: 'review', level: 'none' } : { level: LEVEL[f.severity] }),
    message: {
      text:
        `${f.title} (${where(f)})` +
        (f.verify !== undefined
          ? ` Unverified: not reported ${f.verify.missing.join(', ')}; collect ${f.verify.collect.join('; ')}.`
          : ''),
    },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: resourceUri(f.resourceType, f.resourceId) },
          region: { startLine: 1 },
        },
        logicalLocations: [
          { name: f.resourceId, fullyQualifiedName: `${f.resourceType}/${f.resourceId}`, kind: f.resourceType },
        ],
      },
    ],
    partialFingerprints: { 'hyperaudit/v1': f.fingerprint },
    ...(f.status === 'waived' && {
      suppressions: [
        {
          kind: 'external',
          status: 'accepted',
          justification: `${f.waiver?.reason ?? ''} (owner ${f.waiver?.owner ?? '?'}, expires ${f.waiver?.expires ?? '?'})`,
        },
      ],
    }),
    properties: {
      evidence: f.evidence,
      status: f.status,
      firstSeen: f.firstSeen,
      lastSeen: f.lastSeen,
      resourceType: f.resourceType,
      resourceId: f.resourceId,
      ...(f.resourceName !== undefined && { resourceName: f.resourceName }),
      ...(f.cluster !== undefined && { cluster: f.cluster }),
      ...(f.datacenter !== undefined && { datacenter: f.datacenter }),
      ...(f.waiver !== undefined && { waiver: f.waiver }),
      ...(f.verify !== undefined && { verify: f.verify }),
    },
  };
}

/**
 * SARIF 2.1.0: one rule per loaded rule (stable ruleId = rule id), one result per current finding, each with a
 * physical location (resourceUri). An unverified finding is kind `review` (the tool could not decide; SARIF
 * then requires level `none`) and says what to collect. Written one result per piece: the same text as
 * `JSON.stringify(log, null, 2)`, never held as one string.
 */
export function* formatSarifPieces(result: AuditResult): Generator<string> {
  const rules = sortedRules(result);
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  yield* jsonDocumentPieces(
    (placeholder) => sarifLog(result, rules, placeholder),
    result.findings,
    (f) => sarifResult(f, ruleIndex),
  );
  yield '\n';
}

/** The whole SARIF log as one string, for small audits and tests. */
export function formatSarif(result: AuditResult): string {
  const rules = sortedRules(result);
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const log = sarifLog(
    result,
    rules,
    result.findings.map((f) => sarifResult(f, ruleIndex)),
  );
  return `${JSON.stringify(log, null, 2)}\n`;
}
