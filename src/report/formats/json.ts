import type { AuditResult } from '../../engine/audit-result';
import { lineAt, nestedJsonText, prettyJson } from './pretty-json';

/**
 * The `audit --format json` document: summary, one entry per current (open, unverified or waived) finding with
 * the resource's name, cluster and datacenter beside its id, the waiver (reason, owner, expiry) or what to
 * collect to verify it, and the compliance view's figures when the audit recorded one.
 */
export function toJsonDocument(result: AuditResult) {
  return {
    summary: result.summary,
    findings: result.findings.map(jsonFinding),
    ...complianceOf(result),
  };
}

function jsonFinding(f: AuditResult['findings'][number]) {
  return {
    fingerprint: f.fingerprint,
    ruleId: f.ruleId,
    severity: f.severity,
    category: f.category,
    resourceType: f.resourceType,
    resourceId: f.resourceId,
    resourceName: f.resourceName ?? null,
    cluster: f.cluster ?? null,
    datacenter: f.datacenter ?? null,
    title: f.title,
    evidence: f.evidence,
    controls: f.controls,
    remediation: f.remediation,
    status: f.status,
    firstSeen: f.firstSeen,
    lastSeen: f.lastSeen,
    waiver:
      f.waiver === undefined
        ? null
        : { reason: f.waiver.reason, owner: f.waiver.owner, expires: f.waiver.expires ?? null },
    verify: f.verify ?? null,
  };
}

function complianceOf(result: AuditResult) {
  return {
    ...(result.compliance !== undefined && {
      compliance: {
        at: result.compliance.at,
        profile: result.compliance.profile,
        frameworks: result.compliance.frameworks,
        controls: result.compliance.controls,
        rules: result.compliance.rules.map(({ evaluated: _e, ...r }) => r),
      },
    }),
  };
}

export function formatJson(result: AuditResult): string {
  return [...formatJsonPieces(result)].join('');
}

/** The keys of `jsonFinding`'s object, in its order, as they open their line. */
const FINDING_KEYS = [
  'fingerprint',
  'ruleId',
  'severity',
  'category',
  'resourceType',
  'resourceId',
  'resourceName',
  'cluster',
  'datacenter',
  'title',
  'evidence',
  'controls',
  'remediation',
  'status',
  'firstSeen',
  'lastSeen',
  'waiver',
  'verify',
].map((key) => `${lineAt(3)}${JSON.stringify(key)}: `);
const CONTROLS = 11;
const VERIFY = 17;

/**
 * Prints findings as `JSON.stringify(jsonFinding(f), null, 2)` prints them two levels deep, field by field, with
 * what consecutive findings repeat printed once: findings come sorted by severity and rule, so the rule's title,
 * remediation and most other strings are the previous finding's again (`lastValue`), and the rule's controls and
 * what to collect are shared objects (one per rule, one per distinct list of unreported facts: src/engine/compile.ts)
 * printed once per object (`shared`).
 */
class FindingPrinter {
  private readonly values: unknown[] = new Array(FINDING_KEYS.length);
  private readonly lastValue: unknown[] = new Array(FINDING_KEYS.length);
  private readonly lastText: string[] = new Array(FINDING_KEYS.length);
  private readonly shared = new WeakMap<object, string>();

  /** The finding's text, or undefined when a field is not plain data (the caller then asks JSON.stringify). */
  text(f: AuditResult['findings'][number]): string | undefined {
    const values = this.values;
    values[0] = f.fingerprint;
    values[1] = f.ruleId;
    values[2] = f.severity;
    values[3] = f.category;
    values[4] = f.resourceType;
    values[5] = f.resourceId;
    values[6] = f.resourceName ?? null;
    values[7] = f.cluster ?? null;
    values[8] = f.datacenter ?? null;
    values[9] = f.title;
    values[10] = f.evidence;
    values[CONTROLS] = f.controls;
    values[12] = f.remediation;
    values[13] = f.status;
    values[14] = f.firstSeen;
    values[15] = f.lastSeen;
    values[16] =
      f.waiver === undefined
        ? null
        : { reason: f.waiver.reason, owner: f.waiver.owner, expires: f.waiver.expires ?? null };
    values[VERIFY] = f.verify ?? null;
    let out = '';
    for (let i = 0; i < FINDING_KEYS.length; i++) {
      const value = values[i];
      // Left out of the object by JSON.stringify, as a damaged stored finding's missing field would be.
      if (value === undefined) continue;
      const entry = this.entry(i, value);
      if (entry === undefined) return undefined;
      out += `${out === '' ? '{' : ','}${FINDING_KEYS[i]}${entry}`;
    }
    return out === '' ? '{}' : `${out}${lineAt(2)}}`;
  }

  private entry(i: number, value: unknown): string | undefined {
    if (typeof value === 'string') {
      if (value === this.lastValue[i]) return this.lastText[i];
      const text = JSON.stringify(value);
      this.lastValue[i] = value;
      this.lastText[i] = text;
      return text;
    }
    if ((i === CONTROLS || i === VERIFY) && typeof value === 'object' && value !== null) {
      const known = this.shared.get(value);
      if (known !== undefined) return known;
      const text = prettyJson(value, 3);
      if (text !== undefined) this.shared.set(value, text);
      return text;
    }
    return prettyJson(value, 3);
  }
}

/**
 * The same text as `JSON.stringify(toJsonDocument(result), null, 2)`, one finding per piece, so an audit with
 * hundreds of thousands of findings is written without ever being one string (V8 caps strings at about 512 MB).
 */
export function* formatJsonPieces(result: AuditResult): Generator<string> {
  yield `{\n  "summary": ${nestedJsonText(result.summary, 1)},\n  "findings": [`;
  const printer = new FindingPrinter();
  for (let i = 0; i < result.findings.length; i++) {
    const f = result.findings[i]!;
    const text = printer.text(f) ?? nestedJsonText(jsonFinding(f), 2);
    yield `${i === 0 ? '' : ','}\n    ${text}`;
  }
  yield result.findings.length > 0 ? '\n  ]' : ']';
  for (const [key, value] of Object.entries(complianceOf(result)))
    yield `,\n  ${JSON.stringify(key)}: ${nestedJsonText(value, 1)}`;
  yield '\n}\n';
}
