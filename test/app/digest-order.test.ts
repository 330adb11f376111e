import { describe, expect, it } from 'vitest';
import { runAudit, type AuditTimings } from '../../src/app/audit';
import { planDigests } from '../../src/app/group-digests';
import { firstSeenRuns } from '../../src/engine/finding-digest';
import { DEFAULT_RULES_DIR, loadRules } from '../../src/engine/load-rules';
import type { FleetEvent } from '../../src/model/event';
import type { Finding } from '../../src/model/finding';
import type { Fleet } from '../../src/model/fleet';
import { fixedClock } from '../../src/model/ports/clock';
import { MemoryStore } from '../../src/store/memory-store';
import type { FindingDigestSet } from '../../src/store/finding-digests';
import { unverifiedGroupOf } from '../../src/store/unverified-pages';
import { fleetEvents, generateFleet } from '../support/generated-fleet';

const rules = loadRules(DEFAULT_RULES_DIR, { profile: 'scg' });

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

describe('Function: runAudit, the same stored fleet read in another order', () => {
  it('settles every group, each finding with its own first-seen time, as a full read gives them', async () => {
    const store = new MemoryStore();
    await store.putEvents(fleetEvents(generateFleet({ hosts: 12, vmsPerHost: 3, hostsPerCluster: 4, strayVms: 2 })));
    const audit = (now: string, fleet?: Fleet, timings: AuditTimings = {} as AuditTimings) =>
      runAudit({ store, clock: fixedClock(now) }, { rules, full: true, timings, ...(fleet && { fleet }) });
    await audit('2026-12-01T00:00:00.000Z');
    // A VM's findings first seen later than its group's others: the groups' first-seen times come in runs.
    const vm = [...(await store.loadFleet()).vms.values()].find((v) => v.cluster !== undefined)!;
    await store.putEvents([
      {
        id: 'later',
        time: '2026-12-01T12:00:00.000Z',
        type: 'vm.upsert',
        vm: { id: vm.id, settings: { 'RemoteDisplay.maxConnections': 5 } },
      } as FleetEvent,
    ]);
    const expected = await audit('2026-12-02T00:00:00.000Z');
    expect(new Set(expected.findings.map((f) => f.firstSeen)).size).toBe(2);
    // The fleet as a Scan whose pages (parallel segments, another endpoint) arrive in another order would build it.
    const fleet = await store.loadFleet();
    const reversed: Fleet = {
      ...fleet,
      hosts: new Map([...fleet.hosts].reverse()),
      vms: new Map([...fleet.vms].reverse()),
      perimeters: new Map([...fleet.perimeters].reverse()),
    };
    const timings = {} as AuditTimings;
    const again = await audit('2026-12-03T00:00:00.000Z', reversed, timings);
    expect(timings.groupsRead).toBe(0);
    expect(timings.findingsWritten).toBe(0);
    expect(again.findings.map((f) => [f.fingerprint, f.firstSeen])).toEqual(
      expected.findings.map((f) => [f.fingerprint, f.firstSeen]),
    );
  });
});
