/** Per host, the stationary odds of each way it can fail, and the key its draws are made under. */
import type { AvailabilityDefaults } from '../coefficients';
import { hashString } from '../random';
import type { AvailabilityInput } from './types';

export interface HostOdds {
  /** P(host down) = MTTR/(MTBF+MTTR). */
  q: Float64Array;
  /** P(every uplink down), 0 without uplink inventory. */
  qIso: Float64Array;
  /** P(down or, up but isolated). */
  pFail: Float64Array;
  /** Share of an outage a restarted VM is still down for. */
  restartFrac: Float64Array;
  hostKey: Uint32Array;
  /** P(one uplink down). */
  qUplink: number;
}

export function hostOdds(input: AvailabilityInput, d: AvailabilityDefaults): HostOdds {
  const H = input.hostIds.length;
  const q = new Float64Array(H);
  const qIso = new Float64Array(H);
  const pFail = new Float64Array(H);
  const restartFrac = new Float64Array(H);
  const qUplink = d.uplinkMttrHours / (d.uplinkMtbfHours + d.uplinkMttrHours);
  const hostKey = new Uint32Array(H);
  for (let h = 0; h < H; h++) {
    q[h] = input.mttrHours[h]! / (input.mtbfHours[h]! + input.mttrHours[h]!);
    qIso[h] = input.uplinks[h]! > 0 ? qUplink ** input.uplinks[h]! : 0;
    pFail[h] = q[h]! + (1 - q[h]!) * qIso[h]!;
    restartFrac[h] = Math.min(1, d.restartHours / input.mttrHours[h]!);
    hostKey[h] = hashString(input.hostIds[h]!);
  }
  return { q, qIso, pFail, restartFrac, hostKey, qUplink };
}
