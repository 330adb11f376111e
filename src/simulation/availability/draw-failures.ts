/** Which hosts are failed at trial `trial`'s random instant: keyed draws, so one cluster alone sees the same. */
import { counterPart, keyPart, uniformFromParts } from '../random';
import { DOWN, type FailureEvaluator, ISOLATED } from './failure-evaluator';
import type { AvailabilityModel } from './model';

/**
 * The draws of one seed: each host's (and uplink's) key half of `uniformAt` computed once, so a trial costs one
 * finaliser per host instead of two (10,000 trials over 5,000 hosts are 50 million draws). Same numbers.
 */
export class FailureDraws {
  private readonly hostHalf: Uint32Array;
  /** Per host, where its uplinks' key halves start in `uplinkHalf`. */
  private readonly uplinkStart: Int32Array;
  private readonly uplinkHalf: Uint32Array;

  constructor(
    private readonly m: AvailabilityModel,
    readonly seed: number,
  ) {
    const { hostKey } = m.odds;
    const { uplinks } = m.input;
    const H = hostKey.length;
    this.hostHalf = new Uint32Array(H);
    this.uplinkStart = new Int32Array(H + 1);
    for (let h = 0; h < H; h++) {
      this.hostHalf[h] = keyPart(seed, hostKey[h]!);
      this.uplinkStart[h + 1] = this.uplinkStart[h]! + uplinks[h]!;
    }
    this.uplinkHalf = new Uint32Array(this.uplinkStart[H]!);
    for (let h = 0; h < H; h++)
      for (let j = 0; j < uplinks[h]!; j++)
        this.uplinkHalf[this.uplinkStart[h]! + j] = keyPart(
          seed ^ 0x2545f491,
          (hostKey[h]! + Math.imul(j + 1, 0x9e3779b1)) >>> 0,
        );
  }

  /** Refills `failed` and marks each failed host's mode in the evaluator. */
  draw(ev: FailureEvaluator, trial: number, failed: number[]): void {
    const { q, qUplink } = this.m.odds;
    const { hostHalf, uplinkStart, uplinkHalf } = this;
    const counter = counterPart(trial);
    failed.length = 0;
    for (let h = 0; h < q.length; h++) {
      if (uniformFromParts(hostHalf[h]!, counter) < q[h]!) {
        ev.hostMode[h] = DOWN;
        failed.push(h);
        continue;
      }
      const from = uplinkStart[h]!;
      const to = uplinkStart[h + 1]!;
      if (from === to) continue;
      let allDown = true;
      for (let u = from; u < to && allDown; u++) allDown = uniformFromParts(uplinkHalf[u]!, counter) < qUplink;
      if (allDown) {
        ev.hostMode[h] = ISOLATED;
        failed.push(h);
      }
    }
  }
}
