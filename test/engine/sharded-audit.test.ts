import { describe, expect, it } from 'vitest';
import { CompiledRules } from '../../src/engine/compile';
import { indexFleet } from '../../src/engine/fleet-index';
import { computeLifecycle } from '../../src/engine/lifecycle';
import { loadRules } from '../../src/engine/load-rules';
import {
  auditShards,
  evaluateFleetLevel,
  evaluateShard,
  fleetSlice,
  fleetSlices,
  mergeEvaluations,
  UNCLUSTERED_SHARD,
} from '../../src/engine/sharded-audit';
import { waiverMatcher } from '../../src/engine/waivers';
import type { Fleet } from '../../src/model/fleet';
import type { Evaluation } from '../../src/engine/compile';
import { generateFleet } from '../support/generated-fleet';

const rules = loadRules(undefined, { profile: 'scg' });
const compiled = new CompiledRules(rules);

/** The workflow's path: every slice from one pass (fleetSlices), each evaluated, then merged. */
function sharded(fleet: Fleet, simulation?: unknown): Evaluation {
  const shards = fleetSlices(fleet).map((slice) => evaluateShard(compiled, slice, simulation));
  return mergeEvaluations([...shards, evaluateFleetLevel(compiled, fleet.perimeters, shards)]);
}

const view = (e: Evaluation) => ({
  hits: e.hits.map((h) => [h.rule.id, h.resourceType, h.resourceId, h.resourceName, h.evidence]),
  coverage: e.coverage,
});

function findingsOf(e: Evaluation) {
  return computeLifecycle({
    previous: [],
    hits: e.hits,
    ruleIds: new Set(rules.map((r) => r.id)),
    evaluated: () => true,
    waivers: waiverMatcher([]),
    now: '2026-12-01T00:00:00.000Z',
  }).findings;
}

describe('sharded full audit', () => {
  it('gives the whole-fleet audit’s hits, coverage and findings on a generated multi-cluster fleet', () => {
    // 40 clusters, hosts with no cluster, VMs on hosts nobody reported, migrations that cross clusters.
    const fleet = generateFleet({ hosts: 640, vmsPerHost: 6, unclusteredEvery: 37, strayVms: 25, seed: 7 });
    // A perimeter with no constraints whose members sit in many clusters: the fleet-level rule must count them all.
    fleet.perimeters.set('open', { id: 'open', name: 'open' });
    for (const vm of fleet.vms.values()) if (vm.id.endsWith('7')) fleet.vms.set(vm.id, { ...vm, perimeter: 'open' });
    const shards = auditShards(fleet);
    expect(shards.length).toBeGreaterThan(40);
    expect(shards).toContain(UNCLUSTERED_SHARD);
    const crossing = [...fleet.vms.values()].filter((vm) =>
      vm.movements.some(
        (m) => fleet.hosts.get(m.fromHostId ?? '')?.cluster !== fleet.hosts.get(vm.hostId ?? '')?.cluster,
      ),
    );
    expect(crossing.length).toBeGreaterThan(0);

    const whole = compiled.evaluate(indexFleet(fleet));
    const merged = sharded(fleet);
    expect(whole.hits.length).toBeGreaterThan(1000);
    expect(whole.hits.some((h) => h.resourceType === 'perimeter' && h.resourceId === 'open')).toBe(true);
    expect(view(merged)).toEqual(view(whole));
    expect(findingsOf(merged)).toEqual(findingsOf(whole));
  }, 120_000);

  it('agrees with the whole-fleet audit when simulation figures feed the host rules', () => {
    const fleet = generateFleet({ hosts: 96, vmsPerHost: 4, seed: 11 });
    const hosts = Object.fromEntries(
      [...fleet.hosts.keys()].map((id, i) => [id, { overloadedTimeFraction: (i % 10) / 20, score: i % 100 }]),
    );
    const simulation = { simulatedAt: '2026-12-01T00:00:00.000Z', hosts };
    expect(view(sharded(fleet, simulation))).toEqual(view(compiled.evaluate(indexFleet(fleet, simulation))));
  }, 60_000);

  it('counts a perimeter’s members over every shard for the fleet-level rules', () => {
    const fleet = generateFleet({ hosts: 64, vmsPerHost: 3, seed: 3 });
    const shards = auditShards(fleet).map((s) => evaluateShard(compiled, fleetSlice(fleet, s)));
    const perShard = shards.map((s) => s.perimeterMembers.pci ?? 0);
    expect(perShard.filter((n) => n > 0).length).toBeGreaterThan(1);
    const total = perShard.reduce((a, b) => a + b, 0);
    expect(total).toBe([...fleet.vms.values()].filter((v) => v.perimeter === 'pci').length);
    // Each shard is a fraction of the fleet: no shard holds every VM.
    expect(Math.max(...shards.map((s) => s.vms))).toBeLessThan(fleet.vms.size / 2);
  });

  it('slices one shard exactly as the one-pass slicing of every shard does', () => {
    const fleet = generateFleet({ hosts: 96, vmsPerHost: 3, unclusteredEvery: 11, strayVms: 5, seed: 5 });
    const all = fleetSlices(fleet);
    expect(all.map((s) => s.shard)).toEqual(auditShards(fleet));
    for (const slice of all) expect(fleetSlice(fleet, slice.shard)).toEqual(slice);
    expect(fleetSlice(fleet, 'no-such-cluster').vmIds.size).toBe(0);
  });
});
