import type { AuditResult } from '../../engine/audit-result';

export type PrintedFinding = AuditResult['findings'][number];

/** The document's waiver: absent fields as null, so every entry has the same keys. */
function jsonWaiver(w: PrintedFinding['waiver']) {
  return w === undefined ? null : { reason: w.reason, owner: w.owner, expires: w.expires ?? null };
}

/**
 * A finding as `audit --format json` lists it in `findings` (every current finding that is not unverified), and as
 * an unverified group's shared fields and one of its `resources` rebuild it (docs/rules.md, "Output formats").
 */
export function jsonFinding(f: PrintedFinding) {
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
    waiver: jsonWaiver(f.waiver),
    verify: f.verify ?? null,
  };
}

/**
 * What the unverified findings of one group share, printed once per group: `jsonFinding`'s fields without those of
 * `unverifiedMember`, in `jsonFinding`'s order. Findings whose heads print alike are one group.
 */
export function unverifiedHead(f: PrintedFinding) {
  return {
    ruleId: f.ruleId,
    severity: f.severity,
    category: f.category,
    resourceType: f.resourceType,
    title: f.title,
    controls: f.controls,
    remediation: f.remediation,
    status: f.status,
    lastSeen: f.lastSeen,
    waiver: jsonWaiver(f.waiver),
    verify: f.verify ?? null,
  };
}

/** What differs between the members of an unverified group: one entry of its `resources`. */
export function unverifiedMember(f: PrintedFinding) {
  return {
    fingerprint: f.fingerprint,
    resourceId: f.resourceId,
    resourceName: f.resourceName ?? null,
    cluster: f.cluster ?? null,
    datacenter: f.datacenter ?? null,
    evidence: f.evidence,
    firstSeen: f.firstSeen,
  };
}

/** Whether the document lists `f` in an unverified group rather than in `findings`. */
export function isListedUnverified(f: PrintedFinding): boolean {
  return f.status === 'unverified';
}
