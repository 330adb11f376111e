import { describe, expect, it } from 'vitest';
import { buildProblem } from '../../src/plan/build-problem';
import { exactMinimumMoves } from '../../src/plan/exact';
import { planPlacement } from '../../src/plan/planner';
import { replayMoves } from '../../src/plan/sequence';
import { randomFleet } from './small-fleet';

describe('the planner against the exact minimum', () => {
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
    // With chained moves the planner clears every fleet the exact solver clears (one needs a VM moved out of
    // the way first), each with exactly the minimum number of moves.
    expect(greedyCleared).toBe(solvable);
    expect(optimal).toBe(greedyCleared);
    expect(greedyTotal).toBe(exactTotal);
  }, 300_000);
});
