import type { Finding } from '../model/finding';
import { eventIdKeyPart } from './items';

/**
 * The compact stored form of one rule's unverified findings under one profile (docs/findings-at-scale.md).
 *
 * A fleet that reports few settings has an unverified result for most rules on most resources (at 100,000 VMs about
 * 750,000), and as one item each they made every audit and report read and write gigabytes that differ only in the
 * resource. A page holds what the rule's findings share once (the rule's title, controls, rationale, remediation)
 * and a table of the values they repeat (evidence, what to collect, cluster, times); each member keeps its
 * fingerprint, resource and indexes into that table. Reading a page gives back the same `Finding` objects.
 */
export interface UnverifiedPage {
  /** Fields every member has unless it carries its own (a finding copied from before a rule text changed). */
  shared: Partial<Finding>;
  /** Distinct values of the interned fields, as JSON text. */
  values: string[];
  members: Member[];
}

/** A finding without its shared fields: interned fields as indexes into `values`, the rest as they are. */
type Member = Record<string, unknown>;

/** Fields that come from the rule, the same for every finding of it. */
const RULE_FIELDS = [
  'ruleId',
  'pack',
  'severity',
  'category',
  'title',
  'controls',
  'rationale',
  'remediation',
  'profile',
] as const;
/** Fields whose values repeat across resources: stored once per page. */
const INTERNED = ['evidence', 'verify', 'cluster', 'datacenter', 'firstSeen', 'lastSeen', 'status', 'resourceType'];
const INTERNED_SET = new Set(INTERNED);
/** Characters of JSON per page: at most 3 bytes each in UTF-8, so a page stays under DynamoDB's 400 KB item limit. */
const PAGE_CHARS = 100_000;

/** One rule's unverified findings as pages of at most `PAGE_CHARS` characters of JSON each (none when empty). */
export function encodeUnverifiedPages(findings: readonly Finding[], pageChars = PAGE_CHARS): string[] {
  if (findings.length === 0) return [];
  const first = findings[0]!;
  const shared: Partial<Finding> = {};
  for (const field of RULE_FIELDS) if (first[field] !== undefined) Object.assign(shared, { [field]: first[field] });
  const sharedJson = new Map(RULE_FIELDS.map((f) => [f, JSON.stringify(shared[f])]));
  const pages: string[] = [];
  let page = newPage(shared);
  let index = new Map<string, number>();
  let chars = JSON.stringify(page).length;
  for (const f of findings) {
    let encoded = encodeMember(f, sharedJson, page, index);
    if (page.members.length > 0 && chars + encoded.size > pageChars) {
      // The values this member interned stay in the page being closed (a few bytes): it starts the next page.
      pages.push(JSON.stringify(page));
      page = newPage(shared);
      index = new Map();
      chars = JSON.stringify(page).length;
      encoded = encodeMember(f, sharedJson, page, index);
    }
    page.members.push(encoded.member);
    chars += encoded.size;
  }
  pages.push(JSON.stringify(page));
  return pages;
}

function newPage(shared: Partial<Finding>): UnverifiedPage {
  return { shared, values: [], members: [] };
}

function encodeMember(
  f: Finding,
  sharedJson: ReadonlyMap<string, string>,
  page: UnverifiedPage,
  index: Map<string, number>,
): { member: Member; size: number } {
  const member: Member = {};
  let added = 0;
  for (const [field, value] of Object.entries(f)) {
    if (value === undefined) continue;
    const json = JSON.stringify(value);
    if (sharedJson.get(field) === json) continue;
    if (!INTERNED_SET.has(field)) {
      member[field] = value;
      continue;
    }
    let at = index.get(json);
    if (at === undefined) {
      at = page.values.push(json) - 1;
      index.set(json, at);
      added += json.length + 4;
    }
    member[field] = at;
  }
  for (const field of RULE_FIELDS) if (page.shared[field] !== undefined && f[field] === undefined) member[field] = null;
  return { member, size: JSON.stringify(member).length + 1 + added };
}

/** The findings one page holds. */
export function decodeUnverifiedPage(text: string): Finding[] {
  const page = JSON.parse(text) as UnverifiedPage;
  const values = page.values.map((v) => JSON.parse(v) as unknown);
  const sharedFields = Object.keys(page.shared) as (keyof Finding)[];
  return page.members.map((member) => {
    // Copied field by field, never spread: objects built from a spread then extended each got a map of their own in
    // V8, which made decoding 40x slower (4.5 s for 100,000 findings) and most of an audit's garbage collection.
    const f: Record<string, unknown> = {};
    for (const field of sharedFields) f[field] = page.shared[field];
    for (const field in member) {
      const value = member[field];
      if (value === null) delete f[field];
      else f[field] = INTERNED_SET.has(field) ? values[value as number] : value;
    }
    return f as unknown as Finding;
  });
}

/** When a finding was last written: its last sighting, or its resolution when that is later. */
function writtenAt(f: Finding): string {
  return f.resolvedAt !== undefined && f.resolvedAt > f.lastSeen ? f.resolvedAt : f.lastSeen;
}

/** Unverified pages of resources without a cluster (unclustered hosts, their VMs, VMs on unreported hosts). */
export const UNCLUSTERED_GROUP = 'NOCLUSTER';
/** Unverified pages of perimeter findings. */
export const PERIMETERS_GROUP = 'PERIMETERS';

/** The page group of one cluster's resources (long ids hashed, like event ids in keys). */
export function clusterUnverifiedGroup(cluster: string): string {
  return `C#${eventIdKeyPart(cluster)}`;
}

/**
 * The page group an unverified finding is stored in (docs/findings-at-scale.md): its resource's cluster, so an
 * incremental evaluation reads the pages of the clusters it touches and no other.
 */
export function unverifiedGroupOf(f: Pick<Finding, 'resourceType' | 'resourceId' | 'cluster'>): string {
  if (f.resourceType === 'perimeter') return PERIMETERS_GROUP;
  const cluster = f.resourceType === 'cluster' ? f.resourceId : f.cluster;
  return cluster === undefined ? UNCLUSTERED_GROUP : clusterUnverifiedGroup(cluster);
}

/**
 * Finding items and page members as one list, one finding per fingerprint. The audit moves a finding between the
 * two forms with two writes (the new form first); if it stopped in between, the copy written later is the current
 * one, and on a tie the item (its writes never lag a page's). Between pages too the later copy wins, on a tie the
 * one listed later (a finding moving between clusters' pages, or from the per-rule pages of an older table, which
 * readers list first).
 */
export function mergeItemsAndPages(items: Iterable<Finding>, pages: Iterable<Finding>): Finding[] {
  const out = new Map<string, Finding>();
  for (const f of pages) {
    const other = out.get(f.fingerprint);
    if (other === undefined || writtenAt(f) >= writtenAt(other)) out.set(f.fingerprint, f);
  }
  for (const f of items) {
    const paged = out.get(f.fingerprint);
    if (paged === undefined || writtenAt(f) >= writtenAt(paged)) out.set(f.fingerprint, f);
  }
  return [...out.values()];
}
