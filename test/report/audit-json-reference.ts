import { randomUUID } from 'node:crypto';
import type { AuditResult } from '../../src/engine/audit-result';
import { jsonFinding } from '../../src/report/formats/json-finding';
import { toJsonDocument } from '../../src/report/formats/json';

/**
 * `audit --format json`'s text built the plain way: `JSON.stringify(toJsonDocument(result), null, 2)` with each
 * unverified group member's entry put back as `JSON.stringify(member)` on its line (placeholders a finding's text
 * cannot forge stand in for them while the document is indented).
 */
export function auditJsonInOneString(result: AuditResult): string {
  const doc = toJsonDocument(result);
  const token = `member-${randomUUID()}-`;
  const members: string[] = [];
  const withPlaceholders = {
    ...doc,
    unverified: doc.unverified.map((g) => ({
      ...g,
      resources: g.resources.map((m) => `${token}${members.push(JSON.stringify(m)) - 1}`),
    })),
  };
  const placeholder = new RegExp(`"${token}(\\d+)"`, 'g');
  return `${JSON.stringify(withPlaceholders, null, 2).replace(placeholder, (_, n: string) => members[Number(n)]!)}\n`;
}

/** The document `audit --format json` wrote before unverified findings were grouped: every finding in one list. */
export function flatJsonDocument(result: AuditResult) {
  const { summary, unverified: _u, findings: _f, ...compliance } = toJsonDocument(result);
  return { summary, findings: result.findings.map(jsonFinding), ...compliance };
}

/** A flat finding's keys, in the order the flat document printed them. */
export const FLAT_FINDING_KEYS = Object.keys(jsonFinding({} as AuditResult['findings'][number]));

type Json = Record<string, unknown>;

/**
 * The findings of a grouped document as one flat list: `findings`, then each group's members with the group's
 * fields, keys in the flat order (what docs/rules.md's `jq` line gives). Groups keep their members' order.
 */
export function flattenAuditJson(doc: { findings: Json[]; unverified: Json[] }): Json[] {
  const out: Json[] = [...doc.findings];
  for (const { count: _c, resources, ...head } of doc.unverified) {
    for (const member of resources as Json[]) {
      const merged: Json = { ...head, ...member };
      const flat: Json = {};
      for (const key of FLAT_FINDING_KEYS) if (Object.hasOwn(merged, key)) flat[key] = merged[key];
      out.push(flat);
    }
  }
  return out;
}
