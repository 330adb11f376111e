import { describe, expect, it } from 'vitest';
import { buildProblem } from '../../src/plan/build-problem';
import { exactMinimumMoves } from '../../src/plan/exact';
import { planPlacement } from '../../src/plan/planner';
import { replayMoves } from '../../src/plan/sequence';
import { mulberry32 } from '../../src/simulation/random';
import type { Perimeter } from '../../src/model/perimeter';
import { fleetOf, host, vm } from './small-fleet';

const perimeters: Perimeter[] = [
  { id: 'secure', allowedClusters: ['c2'], trustLevel: 9 },
  { id: 'corp', trustLevel: 6 },
  { id: 'lab', trustLevel: 4 },
];

/** A small fleet with planted problems: VMs outside their perimeter, mixed trust, replicas together, a full host. */
function randomFleet(seed: number) {
  const random = mulberry32(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const hosts = [host('h1'), host('h2'), host('h3'), host('s1', { cluster: 'c2' }), host('s2', { cluster: 'c2' })];
  const vms = Array.from({ length: 6 }, (_, i) => {
    const perimeter = pick(['secure', 'corp', 'corp', 'lab']);
    const home = perimeter === 'secure' && random() < 0.6 ? pick(['s1', 's2']) : pick(['h1', 'h2', 'h3']);
    return vm(`v${i}`, home, {
      perimeter,
      perimeterSource: 'own',
      memoryMiB: pick([8192, 16384, 32768]),
      vcpus: pick([2, 4, 8]),
      ...(random() < 0.4 && { labels: { app: 'app', role: pick(['web', 'db']) } }),
    });
  });
  return fleetOf(hosts, vms, perimeters);
}

describe('the greedy planner against the exact minimum', () => {
  it('clears what the exact solver clears, with close to the fewest moves, on 40 random small fleets', () => {
    let solvable = 0;
    let greedyCleared = 0;
    let exactTotal = 0;
    let greedyTotal = 0;
    let optimal = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const problem = buildProblem(randomFleet(seed), { simulation: { steps: 24, stepSeconds: 3600 } });
      const exact = exactMinimumMoves(problem, 4);
      const greedy = planPlacement(problem, { goal: 'fix', maxMoves: 20 });
      expect(replayMoves(problem, greedy.moves), `seed ${seed}`).toBeNull();
      if (exact.moves === null) continue;
      solvable++;
      // The exact count is a lower bound on any plan that clears everything.
      if (greedy.after.length === 0) {
        greedyCleared++;
        expect(greedy.moves.length, `seed ${seed}`).toBeGreaterThanOrEqual(exact.moves);
        exactTotal += exact.moves;
        greedyTotal += greedy.moves.length;
        if (greedy.moves.length === exact.moves) optimal++;
      }
    }
    console.log(
      `exact vs greedy: ${solvable} solvable fleets, greedy cleared ${greedyCleared}, optimal on ${optimal}; moves ${greedyTotal} vs ${exactTotal} (${(greedyTotal / Math.max(1, exactTotal)).toFixed(3)}×)`,
    );
    expect(solvable).toBeGreaterThanOrEqual(20);
    expect(greedyCleared / solvable).toBeGreaterThanOrEqual(0.9);
    expect(greedyTotal / exactTotal).toBeLessThanOrEqual(1.25);
  }, 300_000);
});
