import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AuditResult } from '../../src/engine/audit-result';
import { EncodedText } from '../../src/report/formats/encoded-text';
import { formatJsonParts, formatJsonPieces } from '../../src/report/formats/json';
import { nestedJsonBytes } from '../../src/report/formats/nested-json-bytes';
import { prettyJson } from '../../src/report/formats/pretty-json';
import { auditJsonInOneString } from './audit-json-reference';

/**
 * The printer against the path it replaced (JSON.stringify of the document, indented by two, unverified group
 * members one line each), on hostile data: the inputs (VM names, settings, evidence, rule texts) are whoever reported
 * them, and other tools parse the output.
 */
const reference = auditJsonInOneString;

const HOSTILE = [
  '',
  '\ud800',
  '\udfff',
  'a\ud83d',
  '\ude00b',
  '😀',
  '\u2028\u2029',
  '\u0000\u0001\u001f\u007f',
  // Latin-1 past ASCII: one byte as a code unit, two in UTF-8 (a writer copying code units as bytes gets it wrong).
  'caf\u00e9',
  '\u0080\u00a0\u00ff',
  '"\\"',
  '</script>',
  '__proto__',
  'constructor',
  'toJSON',
  'x'.repeat(5000),
];
// Values that differ from each other subtly (a cache keyed loosely would print the previous one's text).
const SUBTLE = ['open', 'open ', 'Open', 'ope\u006e\u0301', 'op\u0000en', '1', 'true', 'null'];
const str = fc.oneof(fc.constantFrom(...HOSTILE, ...SUBTLE), fc.string({ unit: 'binary', maxLength: 12 }));
const num = fc.oneof(
  fc.constantFrom(-0, 0, 1e21, 1e-7, -1e-7, 123456789012345680000, Number.NaN, Infinity, -Infinity, 2 ** 53 + 1),
  fc.double(),
);
const leaf = fc.oneof(str, num, fc.boolean(), fc.constant(null), fc.constant(undefined));
const key = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'toJSON', 'length', '0', '', '\ud800'), str);
const { tree } = fc.letrec((tie) => ({
  tree: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('tree'), { maxLength: 4 }),
  // JSON.parse's objects: `__proto__` is an own key, never the prototype.
  object: fc
    .array(fc.tuple(key, tie('tree')), { maxLength: 4 })
    .map((entries) => JSON.parse(JSON.stringify(Object.fromEntries(entries.map(([k]) => [k, 0])))) as object)
    .chain((shape) =>
      fc.tuple(...Object.keys(shape).map(() => tie('tree'))).map((values) => {
        const out = shape as Record<string, unknown>;
        Object.keys(out).forEach((k, i) => {
          Object.defineProperty(out, k, { value: values[i], enumerable: true, writable: true, configurable: true });
        });
        return out;
      }),
    ),
}));

const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const controls = fc.array(fc.record({ framework: str, id: str }), { maxLength: 3 });
const verify = fc.record({ missing: fc.array(str, { maxLength: 3 }), collect: fc.array(str, { maxLength: 3 }) });

/** A finding's fields; some runs share the rule's objects between consecutive findings, as the evaluation does. */
const finding = (sharedControls: object, sharedVerify: object) =>
  fc.record(
    {
      fingerprint: str,
      ruleId: fc.constantFrom('rule-a', 'rule-a ', 'rule-b'),
      severity: fc.constantFrom('critical', 'high', 'high\u0000'),
      category: str,
      resourceType: fc.constantFrom('vm', 'host', 'vm\u2028'),
      resourceId: str,
      resourceName: maybe(fc.oneof(str, fc.constant(null))),
      cluster: maybe(str),
      datacenter: maybe(str),
      title: fc.constantFrom('Title', 'Title ', 'T\u2028itle', '\ud800'),
      evidence: fc.oneof(tree, fc.dictionary(key, tree, { maxKeys: 4 })),
      controls: fc.oneof(controls, fc.constant(sharedControls)),
      remediation: fc.constantFrom('Fix it', 'Fix it.', '"fix"'),
      status: fc.constantFrom(...SUBTLE, 'unverified', 'unverified'),
      firstSeen: fc.constantFrom('2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z\u0000'),
      lastSeen: fc.constantFrom('2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z'),
      waiver: maybe(fc.record({ reason: str, owner: str, expires: maybe(str) }, { requiredKeys: ['reason', 'owner'] })),
      verify: maybe(fc.oneof(verify, fc.constant(sharedVerify), tree)),
    },
    { requiredKeys: [] },
  );

const result = fc
  .tuple(controls, verify)
  .chain(([c, v]) => fc.array(finding(c, v), { maxLength: 8 }))
  .map(
    (findings) =>
      ({
        summary: { hosts: 1, vms: -0, ratio: Number.NaN, note: '\u2028' },
        findings,
      }) as unknown as AuditResult,
  );

describe('audit --format json printer (hostile data)', () => {
  it('prints every document byte for byte as the plain reference (JSON.stringify, members one line each)', () => {
    fc.assert(
      fc.property(result, (r) => {
        expect([...formatJsonPieces(r)].join('')).toBe(reference(r));
      }),
      { numRuns: 2000 },
    );
  });

  it('never reuses a previous finding text when the next differs only subtly', () => {
    // Same rule objects, strings that differ in one code unit: each must print its own.
    const shared = { missing: ['a'], collect: ['b'] };
    const base = {
      fingerprint: 'f',
      ruleId: 'r',
      severity: 'high',
      category: 'c',
      resourceType: 'vm',
      resourceId: 'vm-1',
      title: 't',
      evidence: { k: 1 },
      controls: [],
      remediation: 'x',
      status: 'open',
      firstSeen: 'a',
      lastSeen: 'a',
      verify: shared,
    };
    const findings = SUBTLE.flatMap((s) => [
      { ...base, status: s, cluster: s, title: `t${s}`, evidence: { [s]: s } },
      { ...base, status: `${s}\ud800`, cluster: `${s}\u2028`, evidence: { [`${s}\ud800`]: -0 } },
    ]);
    const r = { summary: {}, findings } as unknown as AuditResult;
    expect([...formatJsonPieces(r)].join('')).toBe(reference(r));
  });

  it('hands over a repeated finding end encoded only where the bytes equal the reference', () => {
    // Runs of open findings of one rule that differ from the first in at most one field, often in none (as the
    // open findings of a rule a fleet fails alike do), so the end a finding shares with the previous one is taken often, and must be left when any
    // field it prints differs: equal-looking evidence (-0, '1', key order, Infinity/null, NFC/NFD), another object of
    // what to collect with the same lists, waivers, times, rule texts.
    const controls = [{ framework: 'f', id: 'i' }];
    const verify = { missing: ['setting:A'], collect: ['collect A'] };
    const base = {
      ruleId: 'r',
      severity: 'high',
      category: 'c',
      resourceType: 'vm',
      cluster: 'c1',
      title: 't',
      controls,
      remediation: 'x',
      status: 'open',
      firstSeen: 'a',
      lastSeen: 'a',
      verify,
    };
    const evidence = [
      { a: 1, b: false },
      { b: false, a: 1 },
      { a: -0, b: false },
      { a: '1', b: false },
      { a: Infinity, b: false },
      { a: null, b: false },
      { a: 1, b: false, c: undefined },
      { a: 1, b: [false] },
      { a: 1, b: { x: 1 } },
      { 1: 1, a: 2 },
      { a: 1, b: '\u00fc' },
      { a: 1, b: 'u\u0308' },
    ];
    const change = fc.oneof(
      fc.constant({}),
      fc.constant({}),
      fc.constantFrom(...evidence).map((e) => ({ evidence: { ...e } })),
      fc.constantFrom(
        { ruleId: 's' },
        { title: 'T' },
        { controls: [{ framework: 'f', id: 'i' }] },
        { status: 'waived', waiver: { reason: 'r', owner: 'o' } },
        { status: 'unverified' },
        { waiver: { reason: 'r', owner: 'o', expires: 'e' } },
        { verify: undefined },
        { verify: { missing: ['setting:A'], collect: ['collect A'] } },
        { verify: { missing: ['setting:A'], collect: ['collect B'] } },
        { firstSeen: 'b' },
        { lastSeen: 'b' },
        { cluster: undefined },
        { datacenter: 'd' },
      ),
    );
    let repeated = 0;
    fc.assert(
      fc.property(fc.array(fc.tuple(change, fc.nat(9)), { maxLength: 12 }), (changes) => {
        const findings = changes.map(([c, n]) => ({
          ...base,
          fingerprint: `f${n}`,
          resourceId: `vm-${n}`,
          evidence: { a: 1, b: false },
          ...c,
        }));
        const r = { summary: {}, findings } as unknown as AuditResult;
        const parts = [...formatJsonParts(r)];
        repeated += parts.filter((p) => p instanceof EncodedText).length;
        // Lent bytes are copied as they come: the next piece may write over them.
        const bytes = Buffer.concat(
          Array.from(formatJsonParts(r), (p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p.bytes))),
        );
        expect(bytes.equals(Buffer.from(reference(r)))).toBe(true);
      }),
      { numRuns: 2000 },
    );
    expect(repeated).toBeGreaterThan(1000);
  });

  it('prints the compliance part in pieces whose text is JSON.stringify re-indented', () => {
    fc.assert(
      fc.property(tree, fc.integer({ min: 0, max: 3 }), (value, depth) => {
        if (value === undefined) return;
        const expected = JSON.stringify(value, null, 2).replaceAll('\n', `\n${'  '.repeat(depth)}`);
        expect(Array.from(nestedJsonBytes(value, depth), (p) => (typeof p === 'string' ? p : p.text)).join('')).toBe(
          expected,
        );
        expect(prettyJson(value, depth)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });
});
