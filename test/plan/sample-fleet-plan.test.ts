import { readState, STATE } from '../../src/store/state-keys';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ingestOutcomes } from '../../src/app/ingest';
import { planStored } from '../../src/app/plan';
import { loadTraceDirectory } from '../../src/app/simulate';
import { loadRules } from '../../src/engine/load-rules';
import type { Fleet } from '../../src/model/fleet';
import { buildProblem, limitsFromRules } from '../../src/plan/build-problem';
import type { FleetPlan } from '../../src/plan/make-plan';
import { replayMoves } from '../../src/plan/sequence';
import { readSources } from '../../src/sources/read-sources';
import { MemoryStore } from '../../src/store/memory-store';
import type { SourceOutcome } from '../../src/sources/types';
import { SAMPLES } from '../e2e/planted';

describe('plan --goal fix on the sample fleet', () => {
  const store = new MemoryStore();
  const rules = loadRules();
  let fleet: Fleet;
  let plan: FleetPlan;

  beforeAll(async () => {
    const outcomes: SourceOutcome[] = [];
    const files = ['perimeters', 'hosts', 'vms', 'history'].map((f) => join(SAMPLES, 'fleet', `${f}.ndjson`));
    for await (const o of readSources(files)) outcomes.push(o);
    await ingestOutcomes(store, outcomes, {});
    fleet = await store.loadFleet();
    plan = await planStored(store, {
      goal: 'fix',
      maxMoves: 200,
      rules,
      tracesDir: join(SAMPLES, 'traces'),
      trials: 500,
      now: '2026-11-26T00:00:00.000Z',
    });
  }, 240_000);

  it('clears every planted placement finding, and the audit of the planned fleet adds none', () => {
    const cleared = plan.verification.cleared.map((f) => `${f.ruleId} ${f.resourceId}`);
    for (const expected of [
      'perimeter.vm-placement-outside vm-2006',
      'perimeter.clone-outside-source vm-3713',
      'perimeter.mixed-trust-host fra-kvm-02',
      'consolidation.replicas-same-host host-1189',
      'consolidation.vcpu-ratio-high host-1990',
      'consolidation.memory-overcommit host-1990',
      'consolidation.iops-over-capacity host-1217',
      'consolidation.nic-failover-capacity host-1154',
      'simulation.host-overloaded host-1990',
      'simulation.host-overloaded host-1119',
      // The availability rules see the planned fleet's simulation too: spreading the replicas clears them.
      'availability.replica-set-on-one-host host-1189',
      'availability.replica-set-on-one-host host-1990',
      'availability.blast-radius host-1990',
    ])
      expect(cleared).toContain(expected);
    expect(plan.verification.added).toEqual([]);
    expect(plan.verification.findingsAfter).toBe(plan.verification.findingsBefore - plan.verification.cleared.length);
  });

  it('names the one it cannot clear and why: fra-pve N+1, no other Proxmox cluster admits the dev perimeter', () => {
    expect(plan.verification.remainingPlacement.map((f) => `${f.ruleId} ${f.resourceId}`)).toEqual([
      'consolidation.cluster-n-plus-one fra-pve',
    ]);
    expect(plan.unresolved).toHaveLength(1);
    expect(plan.unresolved[0]).toMatchObject({ kind: 'n-plus-one', subject: 'fra-pve' });
    expect(plan.unresolved[0]!.reason).toMatch(/no live migration from proxmox/);
  });

  it('prints a command per move, in an order where every step is valid', async () => {
    const traces = await loadTraceDirectory(join(SAMPLES, 'traces'));
    const problem = buildProblem(fleet, { limits: limitsFromRules(rules), simulation: { traces } });
    expect(plan.steps.length).toBeGreaterThan(0);
    expect(replayMoves(problem, plan.steps)).toBeNull();
    expect(plan.steps.map((s) => s.step)).toEqual(plan.steps.map((_, i) => i + 1));
    for (const s of plan.steps) expect(s.tool, s.vmId).not.toBe('none');
    expect(new Set(plan.steps.map((s) => s.tool))).toEqual(new Set(['govc', 'openstack']));
    // Only the two VMs brought back into their perimeter cross a perimeter boundary.
    expect(
      plan.steps
        .filter((s) => s.crossesPerimeterSets)
        .map((s) => s.vmId)
        .sort(),
    ).toEqual(['vm-2006', 'vm-3713']);
  });

  it('improves the simulated fleet: no overload, no anti-affinity violation', () => {
    const { before, after } = plan.verification.simulation;
    expect(before.overloadedTimeFraction).toBeGreaterThan(0);
    expect(after.overloadedTimeFraction).toBe(0);
    expect(after.antiAffinityViolations).toBe(0);
    expect(after.hostScoreMax).toBeLessThan(before.hostScoreMax);
    expect(after.clustersWithoutFailover).toBeLessThanOrEqual(before.clustersWithoutFailover);
  });

  it('stores the plan for the report', async () => {
    const stored = await readState(store, STATE.planLatest);
    expect(stored?.steps.length).toBe(plan.steps.length);
    expect(stored?.goal).toBe('fix');
  });
});
