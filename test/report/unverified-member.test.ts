import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonBytes } from '../../src/report/formats/json-bytes';
import { type PrintedFinding, unverifiedMember } from '../../src/report/formats/json-finding';
import { UnverifiedMemberPrinter } from '../../src/report/formats/unverified-member';

/** Each member's line as the printer writes it, one after another into one buffer (as a group's members are). */
function printed(members: readonly PrintedFinding[]): string[] {
  const printer = new UnverifiedMemberPrinter();
  const out = new JsonBytes(1 << 10);
  return members.map((f) => {
    printer.write(f, out);
    return out.take()?.toString('utf8') ?? '';
  });
}

const reference = (members: readonly PrintedFinding[]) => members.map((f) => JSON.stringify(unverifiedMember(f)));

const hostile = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom('a"b', 'a\\b', '\u0000\n', '\u007f', '\ud800', 'caf\u00e9', '😀', '</script>'),
);
/** Mostly what the fleet gives (plain ASCII ids), sometimes anything. */
const text = (plain: fc.Arbitrary<string>) =>
  fc.oneof({ weight: 4, arbitrary: plain }, { weight: 1, arbitrary: hostile });
const shared = [{ 'setting:A': null }, { 'setting:A': false, 'settingReported:A': false }, { nested: { k: ['é'] } }];

const memberArb = fc.record({
  fingerprint: text(fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 32, maxLength: 32 })),
  resourceId: text(fc.nat(50).map((i) => `vm-${i}`)),
  resourceName: fc.option(text(fc.constantFrom('app-1', 'esx-1.example')), { nil: undefined }),
  // Few clusters and datacenters, so a cluster comes back with the same or another datacenter.
  cluster: fc.option(fc.constantFrom('c1', 'c2', 'c3', 'caf\u00e9 "x"'), { nil: undefined }),
  datacenter: fc.oneof(fc.constantFrom('d1', 'd2', null), fc.constant(undefined)),
  evidence: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...shared) },
    // An equal object of its own, and one whose text differs.
    fc.constantFrom(...shared).map((e) => structuredClone(e)),
    fc.dictionary(hostile, fc.oneof(hostile, fc.integer(), fc.boolean(), fc.constant(null)), { maxKeys: 2 }),
  ),
  firstSeen: fc.constantFrom('2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z'),
});

describe('UnverifiedMemberPrinter', () => {
  it('prints every member as JSON.stringify(unverifiedMember(f)), escapes and line ends included (generated runs)', () => {
    fc.assert(
      fc.property(fc.array(memberArb, { maxLength: 60 }), (drawn) => {
        const members = drawn as unknown as PrintedFinding[];
        expect(printed(members)).toEqual(reference(members));
      }),
      { numRuns: 3000 },
    );
  });

  it("prints a cluster's line end with the datacenter, evidence and first seen of the member, not of the cluster's last", () => {
    const a = { 'setting:A': null };
    const b = { 'setting:A': 1 };
    const tails = [
      { cluster: 'c1', datacenter: 'd1', evidence: a, firstSeen: 'f' },
      { cluster: 'c2', datacenter: 'd1', evidence: a, firstSeen: 'f' },
      // c1 again: with another datacenter, then its first one, then other evidence, then another first seen.
      { cluster: 'c1', datacenter: 'd2', evidence: a, firstSeen: 'f' },
      { cluster: 'c1', datacenter: 'd1', evidence: a, firstSeen: 'f' },
      { cluster: 'c1', datacenter: 'd1', evidence: b, firstSeen: 'f' },
      { cluster: 'c2', datacenter: 'd1', evidence: a, firstSeen: 'f' },
      { cluster: 'c2', datacenter: 'd1', evidence: a, firstSeen: 'g' },
      { cluster: 'c1', datacenter: undefined, evidence: a, firstSeen: 'g' },
      { cluster: undefined, datacenter: undefined, evidence: a, firstSeen: 'g' },
      { cluster: null, datacenter: null, evidence: a, firstSeen: 'g' },
    ];
    const members = tails.map((t, i) => ({
      fingerprint: `f${i}`,
      resourceId: `vm-${i}`,
      ...t,
    })) as unknown as PrintedFinding[];
    expect(printed(members)).toEqual(reference(members));
  });

  it('prints members of more clusters than it keeps line ends for, coming back to the first ones, as their own', () => {
    const evidence = { 'setting:A': null };
    const members = Array.from({ length: 12_000 }, (_, i) => ({
      fingerprint: `f${i}`,
      resourceId: `vm-${i}`,
      resourceName: `app-${i}`,
      cluster: `cluster-${i % 6_000}`,
      datacenter: `dc-${i % 7}`,
      evidence,
      firstSeen: 'f',
    })) as unknown as PrintedFinding[];
    expect(printed(members)).toEqual(reference(members));
  });

  it('prints a member whose evidence object changed since the last as it is now', () => {
    const evidence: Record<string, unknown> = { 'setting:A': null };
    const first = { fingerprint: 'f1', resourceId: 'vm-1', evidence, firstSeen: 'f' } as unknown as PrintedFinding;
    const second = { fingerprint: 'f2', resourceId: 'vm-2', evidence: { 'setting:A': 2 }, firstSeen: 'f' };
    expect(printed([first, second as unknown as PrintedFinding])).toEqual(
      reference([first, second as unknown as PrintedFinding]),
    );
  });
});
