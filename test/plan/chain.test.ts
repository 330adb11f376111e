import { describe, expect, it } from 'vitest';
import { buildProblem } from '../../src/plan/build-problem';
import { loadRules } from '../../src/engine/load-rules';
import { makePlan } from '../../src/plan/make-plan';
import { exactMinimumMoves } from '../../src/plan/exact';
import { planPlacement } from '../../src/plan/planner';
import { replayMoves } from '../../src/plan/sequence';
import type { Perimeter } from '../../src/model/perimeter';
import { fleetOf, host, randomFleet, vm } from './small-fleet';

const pci: Perimeter = { id: 'pci', allowedClusters: ['c-pci'], trustLevel: 9 };

/**
 * `pay` (36 GiB) runs outside its perimeter on h1. The PCI cluster's three 64 GiB hosts each hold a 30 GiB VM, so
 * pay fits none as they stand; filler fits beside another. Only filler moving first lets pay in (and the
 * cluster keeps N+1 afterwards: 126 GiB against 128 GiB with a host down).
 */
function oneInTheWay() {
  return fleetOf(
    [
      host('h1'),
      host('h2'),
      host('s1', { cluster: 'c-pci' }),
      host('s2', { cluster: 'c-pci' }),
      host('s3', { cluster: 'c-pci' }),
    ],
    [
      vm('pay', 'h1', { perimeter: 'pci', perimeterSource: 'own', memoryMiB: 36864 }),
      vm('filler', 's1', { perimeter: 'pci', memoryMiB: 30720 }),
      vm('f2', 's2', { perimeter: 'pci', memoryMiB: 30720 }),
      vm('f3', 's3', { perimeter: 'pci', memoryMiB: 30720 }),
    ],
    [pci],
  );
}

const lab: Perimeter = { id: 'lab', allowedClusters: ['c-pci'], trustLevel: 4 };
const corp: Perimeter = { id: 'corp', allowedClusters: ['c-pci'], trustLevel: 6 };

/**
 * Two VMs in the way: pay (trust 9) may only join a PCI host with no other trust level. s1 runs two small lab
 * VMs, s3 and s4 one big lab VM each (no two of them fit one host), s2 a corp VM that fits nowhere (trust,
 * memory). No single move clears a host for pay: it takes two out of the way, then pay's own.
 */
function twoInTheWay() {
  return fleetOf(
    [
      host('h1'),
      host('h2'),
      host('s1', { cluster: 'c-pci' }),
      host('s2', { cluster: 'c-pci' }),
      host('s3', { cluster: 'c-pci' }),
      host('s4', { cluster: 'c-pci' }),
    ],
    [
      vm('pay', 'h1', { perimeter: 'pci', perimeterSource: 'own' }),
      vm('lab1', 's1', { perimeter: 'lab' }),
      vm('lab2', 's1', { perimeter: 'lab' }),
      vm('corp1', 's2', { perimeter: 'corp', memoryMiB: 61440 }),
      vm('lab3', 's3', { perimeter: 'lab', memoryMiB: 51200 }),
      vm('lab4', 's4', { perimeter: 'lab', memoryMiB: 51200 }),
    ],
    [pci, lab, corp],
  );
}

describe('chained moves', () => {
  it('moves a VM out of the way first when no valid host has room, and the sequence replays step by step', () => {
    const problem = buildProblem(oneInTheWay());
    const direct = planPlacement(problem, { goal: 'fix', maxMoves: 10, chainDepth: 0 });
    expect(direct.moves).toEqual([]);
    expect(direct.unresolved.map((u) => u.subject)).toEqual(['pay']);
    expect(direct.unresolved[0]!.reason).toMatch(/not enough memory/);

    const out = planPlacement(problem, { goal: 'fix', maxMoves: 10 });
    expect(out.moves.map((m) => [m.vmId, m.fromHostId, m.toHostId])).toEqual([
      ['filler', 's1', 's2'],
      ['pay', 'h1', 's1'],
    ]);
    expect(out.moves[0]!.reason).toMatch(/^chain: makes room on s1 for pay \(perimeter on pay/);
    expect(out.moves[0]!.crossesPerimeterSets).toBe(false);
    expect(out.after).toEqual([]);
    expect(replayMoves(problem, out.moves)).toBeNull();
    // The reverse order is not executable: pay does not fit s1 while filler is there.
    expect(replayMoves(problem, [...out.moves].reverse())).toMatchObject({ step: 0, reason: 'not enough memory' });
    // As few moves as the exact solver needs.
    expect(exactMinimumMoves(problem, 3).moves).toBe(2);
  });

  it('prints the chain’s commands in the order they must run, checked by the audit of the planned fleet', () => {
    const plan = makePlan(oneInTheWay(), {
      goal: 'fix',
      maxMoves: 10,
      rules: loadRules(),
      now: '2026-12-03T00:00:00Z',
    });
    expect(plan.warnings).toEqual([]);
    expect(plan.steps.map((s) => [s.step, s.command])).toEqual([
      [1, 'govc vm.migrate -host s2.example.net filler'],
      [2, 'govc vm.migrate -host s1.example.net pay'],
    ]);
    expect(plan.unresolved).toEqual([]);
    expect(plan.verification.added).toEqual([]);
  });

  it('follows a chain two deep (a blocker’s own blocker moves first) and no deeper than asked', () => {
    const problem = buildProblem(twoInTheWay());
    const out = planPlacement(problem, { goal: 'fix', maxMoves: 10 });
    // Found: lab3 is in pay's way on s3 and fits only s1, where lab1 is in its way and fits s4.
    expect(out.moves.map((m) => [m.vmId, m.toHostId])).toEqual([
      ['lab1', 's4'],
      ['lab3', 's1'],
      ['pay', 's3'],
    ]);
    expect(out.moves.map((m) => m.reason.replace(/ \(.*/, ''))).toEqual([
      'chain: makes room on s1 for pay',
      'chain: makes room on s3 for pay',
      expect.stringMatching(/^perimeter on pay/),
    ]);
    expect(out.after).toEqual([]);
    expect(replayMoves(problem, out.moves)).toBeNull();
    expect(exactMinimumMoves(problem, 3).moves).toBe(3);

    const shallow = planPlacement(problem, { goal: 'fix', maxMoves: 10, chainDepth: 1 });
    expect(shallow.moves).toEqual([]);
    expect(shallow.unresolved.map((u) => u.subject)).toEqual(['pay']);
  });

  it('stays within the move budget: a chain longer than the budget left is not started', () => {
    const problem = buildProblem(twoInTheWay());
    const out = planPlacement(problem, { goal: 'fix', maxMoves: 2 });
    expect(out.moves).toEqual([]);
    expect(out.unresolved.map((u) => u.subject)).toEqual(['pay']);
  });

  it('does not chain where a direct move clears the finding, and adds no move on random small fleets', () => {
    // Same fleets as the exact-vs-greedy comparison: wherever direct moves alone clear everything, the chaining
    // planner returns the very same moves.
    let compared = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const problem = buildProblem(randomFleet(seed), { simulation: { steps: 24, stepSeconds: 3600 } });
      const direct = planPlacement(problem, { goal: 'fix', maxMoves: 20, chainDepth: 0 });
      const chained = planPlacement(problem, { goal: 'fix', maxMoves: 20 });
      expect(replayMoves(problem, chained.moves), `seed ${seed}`).toBeNull();
      expect(chained.after.length, `seed ${seed}`).toBeLessThanOrEqual(direct.after.length);
      if (direct.after.length > 0) continue;
      compared++;
      expect(chained.moves, `seed ${seed}`).toEqual(direct.moves);
    }
    expect(compared).toBeGreaterThanOrEqual(20);
  });
});
