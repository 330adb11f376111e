/** Which hosts are failed at trial `trial`'s random instant: keyed draws, so one cluster alone sees the same. */
import { uniformAt } from '../random';
import { DOWN, type FailureEvaluator, ISOLATED } from './failure-evaluator';
import type { AvailabilityModel } from './model';

/** Refills `failed` and marks each failed host's mode in the evaluator. */
export function drawFailures(
  m: AvailabilityModel,
  ev: FailureEvaluator,
  seed: number,
  trial: number,
  failed: number[],
): void {
  const { q, hostKey, qUplink } = m.odds;
  failed.length = 0;
  for (let h = 0; h < q.length; h++) {
    const key = hostKey[h]!;
    if (uniformAt(seed, key, trial) < q[h]!) {
      ev.hostMode[h] = DOWN;
      failed.push(h);
      continue;
    }
    const n = m.input.uplinks[h]!;
    if (n === 0) continue;
    let allDown = true;
    for (let j = 0; j < n && allDown; j++)
      allDown = uniformAt(seed ^ 0x2545f491, (key + Math.imul(j + 1, 0x9e3779b1)) >>> 0, trial) < qUplink;
    if (allDown) {
      ev.hostMode[h] = ISOLATED;
      failed.push(h);
    }
  }
}
