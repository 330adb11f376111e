import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { viewDigest } from '../../src/engine/finding-digest';
import type { Finding } from '../../src/model/finding';

/**
 * viewDigest takes a finding's unverified list as the previous one's when it is the same object (the evaluation
 * shares one per distinct list). The digest must not depend on that sharing: a copy read back from the store (every
 * list its own object) digests alike, and a list that differs, however slightly, digests apart.
 */
const text = fc.constantFrom('setting:A', 'setting:A ', 'setting:a', '\ud800', '', 'collect "A"', 'x\u2028');
const list = fc.record({ missing: fc.array(text, { maxLength: 3 }), collect: fc.array(text, { maxLength: 3 }) });

function finding(i: number, ruleId: string, verify: Finding['verify']): Finding {
  return {
    fingerprint: `fp-${i}`,
    ruleId,
    pack: 'hardening',
    severity: 'high',
    category: 'hardening',
    resourceType: 'vm',
    resourceId: `vm-${i}`,
    title: 'T',
    evidence: { 'setting:A': null },
    controls: [],
    remediation: 'R',
    status: verify === undefined ? 'open' : 'unverified',
    firstSeen: '2026-12-01T00:00:00.000Z',
    lastSeen: '2026-12-01T00:00:00.000Z',
    ...(verify !== undefined && { verify }),
  };
}

const all = (findings: readonly Finding[]) =>
  viewDigest(
    findings,
    findings.map((_, i) => i),
  );

describe('Function: viewDigest, shared unverified lists', () => {
  it('digests shared lists as their copies, and any changed list apart', () => {
    fc.assert(
      fc.property(
        fc.array(list, { minLength: 1, maxLength: 3 }),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom('r1', 'r2'), fc.boolean()), { minLength: 1, maxLength: 12 }),
        fc.nat(),
        list,
        (pool, picks, which, other) => {
          const findings = picks.map(([p, ruleId, has], i) =>
            finding(i, ruleId, has ? pool[p % pool.length] : undefined),
          );
          const digest = all(findings);
          expect(all(structuredClone(findings))).toBe(digest);
          const withList = findings.flatMap((f, i) => (f.verify === undefined ? [] : [i]));
          if (withList.length === 0) return;
          const at = withList[which % withList.length]!;
          const changed = [...findings];
          changed[at] = { ...findings[at]!, verify: other };
          const same = JSON.stringify(other) === JSON.stringify(findings[at]!.verify);
          expect(all(changed) === digest).toBe(same);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
