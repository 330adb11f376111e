import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AuditResult } from '../../src/engine/audit-result';
import { formatJsonParts, formatJsonPieces } from '../../src/report/formats/json';
import type { PrintedFinding } from '../../src/report/formats/json-finding';
import { groupUnverified, memberIndexes } from '../../src/report/formats/unverified-groups';
import { auditJsonInOneString, FLAT_FINDING_KEYS, flatJsonDocument, flattenAuditJson } from './audit-json-reference';

type Json = Record<string, unknown>;
interface GroupedDoc {
  summary: unknown;
  findings: Json[];
  unverified: (Json & { count: number; resources: Json[] })[];
  compliance?: unknown;
}

/** The fields an unverified group shares, as the flat document printed them. */
const HEAD_KEYS = [
  'ruleId',
  'severity',
  'category',
  'resourceType',
  'title',
  'controls',
  'remediation',
  'status',
  'lastSeen',
  'waiver',
  'verify',
];
const headKey = (f: Json) => JSON.stringify(HEAD_KEYS.map((k) => (Object.hasOwn(f, k) ? f[k] : '<left out>')));
const flatText = (f: Json) =>
  JSON.stringify(FLAT_FINDING_KEYS.filter((k) => Object.hasOwn(f, k)).map((k) => [k, f[k]]));

/**
 * The grouped document against the flat one the same result gave before (`flatJsonDocument`): `findings` is the
 * flat list without its unverified findings, in order; the groups' members with their group's fields are the flat
 * list's unverified findings, grouped by every shared field, groups in the order of their first member and members in
 * theirs; nothing lost, nothing added.
 */
function expectLossless(r: AuditResult): GroupedDoc {
  const text = [...formatJsonPieces(r)].join('');
  const doc = JSON.parse(text) as GroupedDoc;
  const flat = JSON.parse(JSON.stringify(flatJsonDocument(r))) as { findings: Json[]; summary: unknown };
  expect(Object.keys(doc)).toEqual([
    'summary',
    'findings',
    'unverified',
    ...(r.compliance === undefined ? [] : ['compliance']),
  ]);
  expect(doc.summary).toEqual(flat.summary);
  const unverified = flat.findings.filter((f) => f.status === 'unverified');
  expect(doc.findings.map(flatText)).toEqual(flat.findings.filter((f) => f.status !== 'unverified').map(flatText));
  const rank = new Map<string, number>();
  for (const f of unverified) if (!rank.has(headKey(f))) rank.set(headKey(f), rank.size);
  const grouped = unverified
    .map((f, i) => ({ f, i }))
    .sort((a, b) => rank.get(headKey(a.f))! - rank.get(headKey(b.f))! || a.i - b.i)
    .map(({ f }) => flatText(f));
  expect(flattenAuditJson(doc).slice(doc.findings.length).map(flatText)).toEqual(grouped);
  expect(doc.unverified.length).toBe(rank.size);
  for (const g of doc.unverified) expect(g.count).toBe(g.resources.length);
  // One line per member, each a whole JSON object: the document can be read and grepped a member at a time.
  const memberLines = text.split('\n').filter((line) => line.startsWith('        {"'));
  expect(memberLines.length).toBe(unverified.length);
  for (const line of memberLines) expect(JSON.parse(line.replace(/,$/, ''))).toHaveProperty('firstSeen');
  return doc;
}

const ODD = ['', 'vm-1', 'vm-1 ', 'vm\u2028-1', '\ud800', '😀/é', 'a"b\\c', '\u0000\n\t', '__proto__', '</script>'];
const odd = fc.oneof(fc.constantFrom(...ODD), fc.string({ unit: 'binary', maxLength: 8 }));
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

/**
 * Findings as the evaluation gives them: a few rules, each with its shared controls and lists of what to collect
 * (several per rule, so what to collect differs within a rule), sometimes an equal copy of them in an object of its
 * own; evidence equal between members or their own; most unverified, some open or waived between them.
 */
const resultArb = fc
  .tuple(
    fc.array(
      fc.record({
        ruleId: fc.constantFrom('esxi.ntp', 'vm.tpm', 'vm.tpm ', 'r\u2028'),
        controls: fc.array(fc.record({ framework: odd, id: odd }), { maxLength: 2 }),
        verifies: fc.array(fc.record({ missing: fc.array(odd, { maxLength: 2 }), collect: fc.array(odd) }), {
          minLength: 1,
          maxLength: 3,
        }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    fc.boolean(),
  )
  .chain(([rules, withCompliance]) =>
    fc
      .array(
        fc.record({
          rule: fc.nat(rules.length - 1),
          verify: fc.nat(2),
          copyOfVerify: fc.boolean(),
          status: fc.constantFrom('unverified', 'unverified', 'unverified', 'open', 'waived'),
          fingerprint: odd,
          resourceId: odd,
          resourceName: maybe(fc.oneof(odd, fc.constant(null))),
          cluster: maybe(odd),
          datacenter: maybe(fc.constantFrom('dc', 'dc ', '\ud83d')),
          evidence: fc.oneof(
            fc.constant({ 'setting:A': null, assumed: true }),
            fc.dictionary(odd, fc.oneof(odd, fc.integer(), fc.boolean(), fc.constant(null)), { maxKeys: 3 }),
            fc.constant({ nested: { deep: ['x', 1, null] } }),
          ),
          firstSeen: fc.constantFrom('2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z'),
          lastSeen: fc.constantFrom('2026-03-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z', '2026-03-02T00:00:00Z'),
          title: fc.constantFrom('Keep NTP', 'Keep NTP', 'Keep NTP.'),
          waiver: maybe(fc.constant({ reason: 'accepted', owner: 'sec' })),
        }),
        { maxLength: 40 },
      )
      .map((drawn) => {
        const findings = drawn.map((d) => {
          const rule = rules[d.rule]!;
          const verify = rule.verifies[d.verify % rule.verifies.length]!;
          const { rule: _r, verify: _v, copyOfVerify, ...own } = d;
          return {
            ...own,
            pack: 'hardening',
            severity: 'high',
            category: 'hardening',
            resourceType: 'host',
            ruleId: rule.ruleId,
            controls: rule.controls,
            remediation: 'Set it.',
            verify: copyOfVerify ? structuredClone(verify) : verify,
          };
        });
        return {
          summary: { hosts: 1, vms: 2, findings: {}, unverified: {} },
          findings,
          ...(withCompliance && { compliance: { at: 'a', profile: 'scg', frameworks: [], controls: [], rules: [] } }),
        } as unknown as AuditResult;
      }),
  );

describe('audit --format json: unverified findings grouped', () => {
  it('loses nothing: the flat list of before rebuilds from findings and the groups (generated results)', () => {
    fc.assert(
      fc.property(resultArb, (r) => {
        expectLossless(r);
      }),
      { numRuns: 1500 },
    );
  });

  it('prints the document byte for byte as the plain reference does, encoded pieces included', () => {
    fc.assert(
      fc.property(resultArb, (r) => {
        // Lent bytes are copied as they come: the next piece may write over them.
        const parts = Array.from(formatJsonParts(r), (p) =>
          typeof p === 'string' ? Buffer.from(p) : Buffer.from(p.bytes),
        );
        const bytes = Buffer.concat(parts);
        expect(bytes.toString()).toBe(auditJsonInOneString(r));
        expect([...formatJsonPieces(r)].join('')).toBe(auditJsonInOneString(r));
      }),
      { numRuns: 1500 },
    );
  });

  it('starts a group when the next finding differs from the previous in any one shared field, every other one the same object', () => {
    // The evaluation shares a rule's controls and what to collect between its findings, and two rules may share
    // them too (equal lists): the grouping must compare every field, not only those the generated results vary.
    const verify = { missing: ['setting:A'], collect: ['collect A'] };
    const base = { ...unverifiedOfOneRule(), verify, evidence: { 'setting:A': null } };
    const changes: Record<string, unknown>[] = [
      { ruleId: 'esxi.s' },
      { severity: 'medium' },
      { category: 'logging' },
      { resourceType: 'vm' },
      { title: 'u' },
      { controls: [{ framework: 'scg', id: 'ESXI-2' }] },
      { remediation: 'y' },
      { lastSeen: 'm' },
      { waiver: { reason: 'r', owner: 'o' } },
      { verify: { missing: ['setting:B'], collect: ['collect B'] } },
    ];
    // base, changed, base, changed, …: each change makes its own group, and the base findings stay one group.
    const findings = changes.flatMap((change, i) => [
      { ...base, fingerprint: `b${i}`, resourceId: `h${i}` },
      { ...base, ...change, fingerprint: `c${i}`, resourceId: `h${i}` },
    ]);
    const doc = expectLossless({ summary: {}, findings } as unknown as AuditResult);
    expect(doc.unverified.map((g) => g.count)).toEqual([changes.length, ...changes.map(() => 1)]);
    for (const [i, change] of changes.entries()) expect(doc.unverified[i + 1]).toMatchObject(change);
  });

  it('makes one group per distinct what-to-collect within a rule, in the order of each first member', () => {
    const a = { missing: ['setting:A'], collect: ['collect A'] };
    const b = { missing: ['setting:B'], collect: ['collect B'] };
    const base = unverifiedOfOneRule();
    const findings = [
      { ...base, fingerprint: '1', resourceId: 'h1', verify: a, evidence: { 'setting:A': 1 } },
      { ...base, fingerprint: '2', resourceId: 'h2', verify: b, evidence: { 'setting:B': 2 } },
      { ...base, fingerprint: '3', resourceId: 'h3', status: 'open', verify: undefined, evidence: { x: 1 } },
      // An equal list in another object: the same group as h1.
      { ...base, fingerprint: '4', resourceId: 'h4', verify: { ...a }, evidence: { 'setting:A': 4 } },
      { ...base, fingerprint: '5', resourceId: 'h5', verify: b, evidence: { 'setting:B': 2 }, lastSeen: 'm' },
    ];
    const r = { summary: {}, findings } as unknown as AuditResult;
    const doc = expectLossless(r);
    expect(doc.findings.map((f) => f.resourceId)).toEqual(['h3']);
    expect(doc.unverified.map((g) => [g.verify, g.lastSeen, g.count])).toEqual([
      [a, 'l', 2],
      [b, 'l', 1],
      [b, 'm', 1],
    ]);
    expect(doc.unverified[0]!.resources).toEqual([
      {
        fingerprint: '1',
        resourceId: 'h1',
        resourceName: null,
        cluster: null,
        datacenter: null,
        evidence: { 'setting:A': 1 },
        firstSeen: 'f',
      },
      {
        fingerprint: '4',
        resourceId: 'h4',
        resourceName: null,
        cluster: null,
        datacenter: null,
        evidence: { 'setting:A': 4 },
        firstSeen: 'f',
      },
    ]);
    expect(Object.keys(doc.unverified[0]!)).toEqual([...HEAD_KEYS, 'count', 'resources']);
  });

  it('writes a group of 50,000 members in pieces of about 16 K characters, never as one string', () => {
    const controls = [{ framework: 'scg', id: 'VM-1' }];
    const verify = { missing: ['setting:A'], collect: ['collect A'] };
    const findings = Array.from({ length: 50_000 }, (_, i) => ({
      fingerprint: `f${i}`,
      ruleId: 'vm.r',
      pack: 'hardening',
      severity: 'high',
      category: 'hardening',
      resourceType: 'vm',
      resourceId: `vm-${i}`,
      cluster: `c-${i >> 4}`,
      title: 't',
      evidence: { 'setting:A': null },
      controls,
      remediation: 'x',
      status: 'unverified',
      firstSeen: 'f',
      lastSeen: 'l',
      verify,
    }));
    const r = { summary: {}, findings } as unknown as AuditResult;
    const pieces = [...formatJsonPieces(r)];
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(20_000);
    expect(pieces.length).toBeGreaterThan(100);
    expect(pieces.join('')).toBe(auditJsonInOneString(r));
  });

  it('holds a group as runs of the findings, not an index per member: one run per stretch of the group', () => {
    const a = { missing: ['setting:A'], collect: ['collect A'] };
    const b = { missing: ['setting:B'], collect: ['collect B'] };
    const base = unverifiedOfOneRule();
    const of = (i: number, verify: typeof a | undefined, status = 'unverified') => ({
      ...base,
      fingerprint: String(i),
      resourceId: `h${i}`,
      status,
      verify,
      evidence: {},
    });
    // 1,000 of a, an open finding among them, 10 of b, then a again: a's members in two runs, b's in one.
    const findings = [
      ...Array.from({ length: 500 }, (_, i) => of(i, a)),
      of(500, undefined, 'open'),
      ...Array.from({ length: 500 }, (_, i) => of(501 + i, a)),
      ...Array.from({ length: 10 }, (_, i) => of(1001 + i, b)),
      of(1011, a),
    ] as unknown as PrintedFinding[];
    const groups = groupUnverified(findings);
    expect(groups.map((g) => [g.count, g.runs])).toEqual([
      [1001, [0, 1001, 1011, 1012]],
      [10, [1001, 1011]],
    ]);
    expect(memberIndexes(findings, groups[0]!)).toEqual([
      ...Array.from({ length: 500 }, (_, i) => i),
      ...Array.from({ length: 500 }, (_, i) => 501 + i),
      1011,
    ]);
  });

  it("prints each member's end (cluster, datacenter, evidence, first seen) as its own, when only one of them changes", () => {
    const verify = { missing: ['setting:A'], collect: ['collect A'] };
    const base = { ...unverifiedOfOneRule(), verify };
    const shared = { 'setting:A': null };
    const tails = [
      { cluster: 'c1', datacenter: 'd1', evidence: shared, firstSeen: 'f' },
      { cluster: 'c1', datacenter: 'd1', evidence: shared, firstSeen: 'f' },
      { cluster: 'c2', datacenter: 'd1', evidence: shared, firstSeen: 'f' },
      { cluster: 'c2', datacenter: 'd2', evidence: shared, firstSeen: 'f' },
      { cluster: 'c2', datacenter: 'd2', evidence: shared, firstSeen: 'g' },
      { cluster: 'c2', datacenter: 'd2', evidence: { 'setting:A': 1 }, firstSeen: 'g' },
      { cluster: 'c2', datacenter: 'd2', evidence: { 'setting:A': 1 }, firstSeen: 'g' },
      { datacenter: 'd2', evidence: shared, firstSeen: 'g' },
      { cluster: null, datacenter: 'd2', evidence: shared, firstSeen: 'g' },
      { cluster: 'caf\u00e9 "x"', datacenter: undefined, evidence: shared, firstSeen: 'g' },
      { cluster: 'c1', datacenter: 'd1', evidence: shared, firstSeen: 'f' },
    ];
    const findings = tails.map((tail, i) => ({ ...base, fingerprint: `f${i}`, resourceId: `h${i}`, ...tail }));
    const r = { summary: {}, findings } as unknown as AuditResult;
    const parts = Array.from(formatJsonParts(r), (p) =>
      typeof p === 'string' ? Buffer.from(p) : Buffer.from(p.bytes),
    );
    expect(Buffer.concat(parts).toString()).toBe(auditJsonInOneString(r));
    expect(expectLossless(r).unverified[0]!.resources.map((m) => [m.cluster, m.datacenter, m.firstSeen])).toEqual(
      tails.map((t) => [t.cluster ?? null, t.datacenter ?? null, t.firstSeen]),
    );
  });

  it('writes an audit without unverified findings with an empty unverified list', () => {
    const r = { summary: {}, findings: [] } as unknown as AuditResult;
    expect([...formatJsonPieces(r)].join('')).toBe('{\n  "summary": {},\n  "findings": [],\n  "unverified": []\n}\n');
  });
});

/** An unverified host finding's rule-level fields, one list of controls shared as the evaluation shares it. */
function unverifiedOfOneRule() {
  const controls = [{ framework: 'scg', id: 'ESXI-1' }];
  return {
    ruleId: 'esxi.r',
    pack: 'hardening',
    severity: 'high',
    category: 'hardening',
    resourceType: 'host',
    title: 't',
    controls,
    remediation: 'x',
    status: 'unverified',
    firstSeen: 'f',
    lastSeen: 'l',
  };
}
