import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/engine/fingerprint';
import type { Finding } from '../../src/model/finding';
import { decodeUnverifiedPage, encodeUnverifiedPages, mergeItemsAndPages } from '../../src/store/unverified-pages';

function unverified(i: number, overrides: Partial<Finding> = {}): Finding {
  return {
    fingerprint: fingerprint('vm.secure-boot', 'vm', `vm-${i}`),
    ruleId: 'vm.secure-boot',
    pack: 'hardening',
    severity: 'medium',
    category: 'hardening',
    resourceType: 'vm',
    resourceId: `vm-${i}`,
    resourceName: `app-${i}`,
    cluster: `c${i % 3}`,
    datacenter: 'dc1',
    title: 'Secure boot',
    evidence: { 'setting:uefi.secureBoot.enabled': false },
    controls: [{ framework: 'vsphere-8-scg', id: 'vm-8.secure-boot' }],
    rationale: 'why',
    remediation: 'how',
    status: 'unverified',
    firstSeen: '2026-12-01T00:00:00.000Z',
    lastSeen: '2026-12-02T00:00:00.000Z',
    verify: { missing: ['setting:uefi.secureBoot.enabled'], collect: ['hyperaudit collect vsphere'] },
    ...overrides,
  };
}

describe('Function: encodeUnverifiedPages', () => {
  it('gives back every finding exactly, across pages, when members differ from the rule text the first one set', () => {
    const findings = Array.from({ length: 500 }, (_, i) => unverified(i));
    const { rationale: _r, ...withoutRationale } = unverified(500);
    findings.push(withoutRationale, unverified(501, { title: 'Secure boot (old text)', evidence: { other: 1 } }));
    const pages = encodeUnverifiedPages(findings, 4_000);
    expect(pages.length).toBeGreaterThan(5);
    expect(pages.every((p) => p.length <= 4_000 + 400)).toBe(true);
    expect(pages.flatMap(decodeUnverifiedPage)).toEqual(findings);
  });

  it('stores what the findings share once: a page of 1,000 holds far less than the findings one by one', () => {
    const findings = Array.from({ length: 1000 }, (_, i) => unverified(i));
    const paged = encodeUnverifiedPages(findings).join('').length;
    expect(paged * 3).toBeLessThan(JSON.stringify(findings).length);
  });

  it('writes no page for a rule with no unverified finding', () => {
    expect(encodeUnverifiedPages([])).toEqual([]);
  });
});

describe('Function: mergeItemsAndPages', () => {
  it('keeps one finding per fingerprint: the copy written later, the item on a tie', () => {
    const paged = unverified(1, { lastSeen: '2026-12-03T00:00:00.000Z' });
    const staleItem = unverified(1, { status: 'open', lastSeen: '2026-12-02T00:00:00.000Z' });
    expect(mergeItemsAndPages([staleItem], [paged])).toEqual([paged]);
    const resolvedItem = unverified(2, { status: 'resolved', resolvedAt: '2026-12-04T00:00:00.000Z' });
    expect(mergeItemsAndPages([resolvedItem], [unverified(2, { lastSeen: '2026-12-03T00:00:00.000Z' })])).toEqual([
      resolvedItem,
    ]);
    const tie = unverified(3, { status: 'open' });
    expect(mergeItemsAndPages([tie], [unverified(3)])).toEqual([tie]);
  });
});
