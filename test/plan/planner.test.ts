import { describe, expect, it } from 'vitest';
import { buildProblem } from '../../src/plan/build-problem';
import { moveRefusal } from '../../src/plan/constraints';
import { Placement } from '../../src/plan/placement';
import { planPlacement } from '../../src/plan/planner';
import { orderAssignment, replayMoves } from '../../src/plan/sequence';
import { findViolations } from '../../src/plan/violations';
import type { Perimeter } from '../../src/model/perimeter';
import { fleetOf, host, vm } from './small-fleet';

const pci: Perimeter = { id: 'pci', allowedClusters: ['c-pci'], trustLevel: 9 };
const corp: Perimeter = { id: 'corp', allowedClusters: ['c1'], trustLevel: 6 };

describe('the greedy planner', () => {
  it('moves a VM outside its perimeter onto a host the perimeter admits, never elsewhere', () => {
    const fleet = fleetOf(
      [host('h1'), host('h2'), host('p1', { cluster: 'c-pci' }), host('p2', { cluster: 'c-pci' })],
      [vm('pay', 'h1', { perimeter: 'pci', perimeterSource: 'own' }), vm('web', 'h2', { perimeter: 'corp' })],
      [pci, corp],
    );
    const problem = buildProblem(fleet);
    const out = planPlacement(problem, { goal: 'fix', maxMoves: 10 });
    expect(out.moves).toHaveLength(1);
    expect(out.moves[0]).toMatchObject({ vmId: 'pay', fromHostId: 'h1', crossesPerimeterSets: true });
    expect(['p1', 'p2']).toContain(out.moves[0]!.toHostId);
    expect(out.after).toEqual([]);
    expect(replayMoves(problem, out.moves)).toBeNull();
  });

  it('separates trust levels by moving the minority, and never next to another level', () => {
    const fleet = fleetOf(
      [host('h1'), host('h2'), host('h3')],
      [
        vm('a', 'h1', { perimeter: 'corp' }),
        vm('b', 'h1', { perimeter: 'corp' }),
        vm('r', 'h1', { perimeter: 'research' }),
        vm('c', 'h2', { perimeter: 'corp' }),
      ],
      [
        { id: 'corp', trustLevel: 6 },
        { id: 'research', trustLevel: 4 },
      ],
    );
    const out = planPlacement(buildProblem(fleet), { goal: 'fix', maxMoves: 10 });
    expect(out.moves.map((m) => [m.vmId, m.toHostId])).toEqual([['r', 'h3']]);
    expect(out.after).toEqual([]);
  });

  it('splits replicas of one app and role across hosts', () => {
    const labels = { app: 'orders', role: 'db' };
    const fleet = fleetOf(
      [host('h1'), host('h2')],
      [vm('db1', 'h1', { labels }), vm('db2', 'h1', { labels }), vm('x', 'h2')],
    );
    const out = planPlacement(buildProblem(fleet), { goal: 'fix', maxMoves: 10 });
    expect(out.moves.map((m) => [m.vmId, m.toHostId])).toEqual([['db2', 'h2']]);
  });

  it('relieves an overcommitted host only onto hosts with room (memory, vCPU ratio, CPU)', () => {
    const big = { vcpus: 8, memoryMiB: 32768 };
    const fleet = fleetOf(
      [host('h1'), host('full'), host('free'), host('free2')],
      [...[1, 2, 3].map((i) => vm(`v${i}`, 'h1', big)), vm('f1', 'full', { vcpus: 8, memoryMiB: 60000 })],
    );
    const problem = buildProblem(fleet);
    expect(findViolations(new Placement(problem)).map((v) => v.kind)).toEqual(['capacity']);
    const out = planPlacement(problem, { goal: 'fix', maxMoves: 10 });
    expect(out.moves).toHaveLength(1);
    expect(['free', 'free2']).toContain(out.moves[0]!.toHostId);
    expect(out.after).toEqual([]);
  });

  it('says why it cannot restore N+1 when no other cluster of the same platform takes the VMs', () => {
    const fleet = fleetOf(
      [
        host('k1', { hypervisor: { vendor: 'kvm' } }),
        host('k2', { hypervisor: { vendor: 'kvm' } }),
        host('e1', { cluster: 'c2' }),
      ],
      [vm('a', 'k1', { memoryMiB: 40000 }), vm('b', 'k2', { memoryMiB: 40000 })],
    );
    const out = planPlacement(buildProblem(fleet), { goal: 'fix', maxMoves: 10 });
    expect(out.moves).toEqual([]);
    expect(out.unresolved).toHaveLength(1);
    expect(out.unresolved[0]).toMatchObject({ kind: 'n-plus-one', subject: 'c1' });
    expect(out.unresolved[0]!.reason).toMatch(/no live migration from kvm to vmware/);
  });

  it('never crosses a perimeter boundary for a VM that is inside its perimeter', () => {
    const fleet = fleetOf([host('h1'), host('h2', { perimeter: 'other' })], [vm('v', 'h1')], [{ id: 'other' }]);
    const placement = new Placement(buildProblem(fleet));
    expect(moveRefusal(placement, placement.vmById.get('v')!, 'h2')).toBe('would cross a perimeter boundary');
  });

  it('empties the least loaded host for maintenance under the energy goal, keeping N+1', () => {
    const fleet = fleetOf(
      [host('h1'), host('h2'), host('h3'), host('h4')],
      [vm('a', 'h1'), vm('b', 'h2'), vm('c', 'h3'), vm('d', 'h4')],
    );
    const out = planPlacement(buildProblem(fleet), { goal: 'energy', maxMoves: 10 });
    expect(out.maintenance.length).toBeGreaterThanOrEqual(1);
    for (const h of out.maintenance) expect([...out.final.loads.get(h)!.vmIds]).toEqual([]);
    expect(out.after).toEqual([]);
  });

  it('evens out CPU under the balance goal: the busiest host sheds load while that lowers its peak', () => {
    const busy = { vcpus: 8, workload: { cpuAvgPct: 40, cpuPeakPct: 40 } };
    const fleet = fleetOf(
      [host('h1'), host('h2'), host('h3')],
      [vm('a', 'h1', busy), vm('b', 'h1', busy), vm('c', 'h1', { workload: { cpuAvgPct: 10, cpuPeakPct: 10 } })],
    );
    const problem = buildProblem(fleet);
    expect(planPlacement(problem, { goal: 'fix', maxMoves: 10 }).moves).toEqual([]);
    const out = planPlacement(problem, { goal: 'balance', maxMoves: 10 });
    expect(out.moves.length).toBeGreaterThanOrEqual(1);
    expect(out.moves.every((m) => m.fromHostId === 'h1' && m.reason.startsWith('balance c1'))).toBe(true);
    const peak = (p: Placement, id: string) => Math.max(...p.loads.get(id)!.cpu);
    expect(peak(out.final, 'h1')).toBeLessThan(peak(new Placement(problem), 'h1'));
    expect(replayMoves(problem, out.moves)).toBeNull();
  });

  it('stops at the move budget and says so', () => {
    const labels = { app: 'web', role: 'fe' };
    const fleet = fleetOf(
      [host('h1'), host('h2'), host('h3'), host('h4')],
      [vm('w1', 'h1', { labels }), vm('w2', 'h1', { labels }), vm('w3', 'h1', { labels }), vm('w4', 'h1', { labels })],
    );
    const out = planPlacement(buildProblem(fleet), { goal: 'fix', maxMoves: 1 });
    expect(out.moves).toHaveLength(1);
    expect(out.budgetExhausted).toBe(true);
    expect(out.unresolved[0]!.reason).toMatch(/move budget/);
  });
});

describe('execution order', () => {
  it('hops a VM through a staging host when two moves wait on each other (a swap)', () => {
    // a and b must trade hosts: each target is full until the other VM leaves.
    const fleet = fleetOf(
      [host('h1'), host('h2'), host('spare')],
      [vm('a', 'h1', { memoryMiB: 60000 }), vm('b', 'h2', { memoryMiB: 60000 })],
    );
    const problem = buildProblem(fleet);
    const ordered = orderAssignment(
      problem,
      new Map([
        ['a', 'h2'],
        ['b', 'h1'],
      ]),
    );
    expect(ordered.blocked).toEqual([]);
    expect(ordered.moves).toHaveLength(3);
    expect(ordered.moves[0]).toMatchObject({ toHostId: 'spare', reason: expect.stringMatching(/staging/) });
    expect(replayMoves(problem, ordered.moves)).toBeNull();
  });

  it('rejects a sequence whose step lands on a host that cannot take it yet', () => {
    const fleet = fleetOf(
      [host('h1'), host('h2')],
      [vm('a', 'h1', { memoryMiB: 60000 }), vm('b', 'h2', { memoryMiB: 60000 })],
    );
    const failure = replayMoves(buildProblem(fleet), [
      { vmId: 'a', fromHostId: 'h1', toHostId: 'h2', reason: 'test', crossesPerimeterSets: false },
    ]);
    expect(failure).toMatchObject({ step: 0, reason: 'not enough memory' });
  });
});
