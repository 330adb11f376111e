import type { AuditResult } from '../../engine/audit-result';
import type { Finding, Severity } from '../../model/finding';
import { jsonDocumentPieces } from './json-pieces';

const LABEL: Record<Severity, string> = {
  critical: 'CRITICAL',
  high: 'HIGH',
  medium: 'MEDIUM',
  low: 'LOW',
  info: 'INFORMATIONAL',
};

export interface AsffOptions {
  accountId?: string;
  region?: string;
}

const clip = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

/** AWS Security Finding Format (BatchImportFindings input), custom-integration product ARN. */
export function toAsff(result: AuditResult, opts: AsffOptions = {}) {
  const where = asffWhere(opts);
  return result.findings.map((f) => asffFinding(f, result.generatedAt, where));
}

function asffWhere(opts: AsffOptions): { account: string; region: string } {
  return {
    account: opts.accountId ?? process.env.AWS_ACCOUNT_ID ?? '000000000000',
    region: opts.region ?? process.env.AWS_REGION ?? 'us-east-1',
  };
}

function asffFinding(f: Finding, generatedAt: string, { account, region }: { account: string; region: string }) {
  return {
    SchemaVersion: '2018-10-08',
    Id: `hyperaudit/${f.fingerprint}`,
    ProductArn: `arn:aws:securityhub:${region}:${account}:product/${account}/default`,
    ProductName: 'hyperaudit',
    GeneratorId: `hyperaudit/${f.ruleId}`,
    AwsAccountId: account,
    Types: [`Software and Configuration Checks/Industry and Regulatory Standards/${f.category}`],
    CreatedAt: f.firstSeen,
    UpdatedAt: generatedAt,
    FirstObservedAt: f.firstSeen,
    LastObservedAt: f.lastSeen,
    Severity: { Label: LABEL[f.severity], Original: f.severity },
    Title: clip(f.title, 256),
    Description: clip(f.rationale ?? f.title, 1024),
    Remediation: { Recommendation: { Text: clip(f.remediation, 512) } },
    Resources: [
      {
        Type: 'Other',
        Id: `${f.resourceType}/${f.resourceId}`,
        Details: {
          Other: {
            resourceType: f.resourceType,
            resourceId: f.resourceId,
            ...(f.resourceName !== undefined && { name: f.resourceName }),
            ...(f.cluster !== undefined && { cluster: f.cluster }),
            ...(f.datacenter !== undefined && { datacenter: f.datacenter }),
          },
        },
      },
    ],
    Compliance: {
      // NOT_AVAILABLE: failing only on defaults nobody reported, so the check could not be made.
      Status: f.status === 'unverified' ? 'NOT_AVAILABLE' : 'FAILED',
      RelatedRequirements: f.controls.slice(0, 32).map((c) => clip(`${c.framework} ${c.id}`, 256)),
    },
    Workflow: { Status: f.status === 'waived' ? 'SUPPRESSED' : 'NEW' },
    RecordState: 'ACTIVE',
    ProductFields: {
      'hyperaudit/fingerprint': f.fingerprint,
      'hyperaudit/evidence': clip(JSON.stringify(f.evidence), 4096),
    },
    ...(f.waiver && {
      Note: {
        Text: clip(`Waived: ${f.waiver.reason}`, 512),
        UpdatedBy: clip(f.waiver.owner, 512),
        UpdatedAt: generatedAt,
      },
    }),
  };
}

export function formatAsff(result: AuditResult, opts?: AsffOptions): string {
  return `${JSON.stringify({ Findings: toAsff(result, opts) }, null, 2)}\n`;
}

/** The same text as formatAsff, one finding per piece, never held as one string. */
export function* formatAsffPieces(result: AuditResult, opts: AsffOptions = {}): Generator<string> {
  const where = asffWhere(opts);
  yield* jsonDocumentPieces(
    (placeholder) => ({ Findings: placeholder }),
    result.findings,
    (f) => asffFinding(f, result.generatedAt, where),
  );
  yield '\n';
}
