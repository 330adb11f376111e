import { describe, expect, it, vi } from 'vitest';
import { CompiledRules, MAX_SHARED_LISTS } from '../../src/engine/compile';
import { vmAvailabilityFacts } from '../../src/engine/facts/availability';
import { indexFleet } from '../../src/engine/fleet-index';
import { DEFAULT_RULES_DIR, loadRules } from '../../src/engine/load-rules';
import type { LoadedRule, RuleFixture } from '../../src/engine/types';
import { fleetFromFixture } from '../support/fixture-fleet';

/**
 * A rule reading a fact whose collect hint names the resource (the VM's expected downtime: "run simulate (VM x has no
 * expected downtime …)") and firing when it is unreported: every VM's list of what to collect is its own. The
 * evaluation keeps a bounded number of lists per rule to share (test/engine/unverified-lists-shared.test.ts pins the
 * sharing); past it, each hit still gets its own right lists.
 */
const base = loadRules(DEFAULT_RULES_DIR).find((r) => r.id === 'availability.vm-downtime-over-target');
if (base === undefined) throw new Error('no availability.vm-downtime-over-target rule');
const unguarded: LoadedRule = {
  ...base,
  id: 'test.vm-downtime-unguarded',
  conditions: { all: [{ fact: 'sim.expectedDowntimeMinutesPerYear', operator: 'equal', value: null }] },
};

function fleetOf(vms: number): RuleFixture {
  return {
    hosts: [
      {
        id: 'esx-01',
        cluster: 'c1',
        datacenter: 'dc1',
        cpu: { sockets: 2, coresPerSocket: 16, mhz: 2600 },
        memoryMiB: 262144,
      },
    ],
    vms: Array.from({ length: vms }, (_, i) => ({
      id: `vm-${i}`,
      hostId: 'esx-01',
      powerState: 'poweredOn',
      labels: { criticality: 'critical' },
    })),
    subject: 'vm-0',
  } as RuleFixture;
}

describe('unverified lists naming their resource', () => {
  it('give every hit past the shared ones its own lists, naming its own VM', () => {
    const vms = MAX_SHARED_LISTS * 3;
    const { hits } = new CompiledRules([unguarded]).evaluate(indexFleet(fleetFromFixture(fleetOf(vms))));
    expect(hits).toHaveLength(vms);
    for (const hit of hits) {
      expect(hit.unverified?.missing).toEqual([expect.stringMatching(/^sim\.expectedDowntimeMinutesPerYear\b/)]);
      expect(hit.unverified?.collect).toHaveLength(1);
      expect(hit.unverified?.collect[0]).toContain(`VM ${hit.resourceId} has no expected downtime`);
    }
    // No two VMs' lists were taken as one, before or past the bound.
    expect(new Set(hits.map((h) => h.unverified)).size).toBe(vms);
  });

  it('compare a hit with at most the shared lists, not with every VM before it', () => {
    const provenance = vmAvailabilityFacts.find((f) => f.id === 'sim.expectedDowntimeMinutesPerYear')?.provenance;
    if (provenance === undefined) throw new Error('the expected downtime fact has no provenance');
    const hints = vi.spyOn(provenance, 'collect');
    try {
      const vms = 400;
      const { hits } = new CompiledRules([unguarded]).evaluate(indexFleet(fleetFromFixture(fleetOf(vms))));
      expect(hits).toHaveLength(vms);
      // One hint to build each hit's own list, one per shared list it is compared with: kept without a bound, the
      // VMs before it (about 80,000 here).
      expect(hints.mock.calls.length).toBeGreaterThanOrEqual(vms);
      expect(hints.mock.calls.length).toBeLessThanOrEqual(vms * (MAX_SHARED_LISTS + 1));
    } finally {
      hints.mockRestore();
    }
  });
});
