import { describe, expect, it } from 'vitest';
import { planDigests } from '../../src/app/group-digests';
import { firstSeenRuns } from '../../src/engine/finding-digest';
import type { Finding } from '../../src/model/finding';
import type { FindingDigestSet } from '../../src/store/finding-digests';
import { unverifiedGroupOf } from '../../src/store/unverified-pages';

/** A cluster's findings first seen at three times, in the order an evaluation gave them. */
function candidates(): Finding[] {
  return Array.from({ length: 9 }, (_, i) => ({
    fingerprint: `${i.toString(16).padStart(2, '0')}${'ab'.repeat(15)}`,
    ruleId: `r${i % 3}`,
    pack: 'hardening',
    severity: 'medium',
    category: 'hardening',
    resourceType: 'vm',
    resourceId: `vm-${Math.floor(i / 3)}`,
    resourceName: `vm-${Math.floor(i / 3)}`,
    cluster: 'c-1',
    datacenter: 'dc-1',
    title: 'T',
    evidence: { a: i % 3 },
    controls: [],
    remediation: 'R',
    status: 'open',
    firstSeen: `2026-12-0${1 + (i % 3)}T00:00:00.000Z`,
    lastSeen: '2026-12-05T00:00:00.000Z',
  }));
}

/** The records a full audit leaves for these findings (their digest over them, their first-seen times). */
function recorded(found: readonly Finding[]): FindingDigestSet {
  const plan = planDigests(found, 'scg', { complete: true, groups: new Map(), leased: new Set() }, false);
  const groups = new Map(
    [...plan.groups].map(([group, indexes]) => [
      group,
      { token: 't', digest: { digest: plan.digests.get(group)!, firstSeen: firstSeenRuns(found, indexes) } },
    ]),
  );
  return { complete: true, groups, leased: new Set() };
}

/** The same findings as a new audit builds them: first seen now, until the digests settle them. */
const rebuilt = (found: readonly Finding[]) => found.map((f) => ({ ...f, firstSeen: '2026-12-05T00:00:00.000Z' }));

describe('Function: planDigests, the order of the findings', () => {
  it('settles a group whose findings come in the same order, each with its own stored first-seen time', () => {
    const stored = candidates();
    const plan = planDigests(rebuilt(stored), 'scg', recorded(stored), false);
    expect(plan.loud.size).toBe(0);
    expect(plan.firstSeen).toEqual(stored.map((f) => f.firstSeen));
  });

  it('reads a group whose same findings come in another order, and settles none of its findings', () => {
    const stored = candidates();
    const reordered = rebuilt([...stored].reverse());
    const plan = planDigests(reordered, 'scg', recorded(stored), false);
    expect([...plan.loud]).toEqual([unverifiedGroupOf(stored[0]!)]);
    expect(plan.firstSeen.every((t) => t === undefined)).toBe(true);
  });
});
