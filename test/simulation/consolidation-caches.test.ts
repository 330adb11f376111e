import { describe, expect, it } from 'vitest';
import { CLOUDSIM_HOST_TYPES, cloudSimPower, cloudSimVmTypes } from '../../src/simulation/cloudsim';
import {
  CloudSimDatacenter,
  CloudSimHost,
  CloudSimVms,
  HISTORY_LENGTH,
} from '../../src/simulation/consolidation/datacenter';
import { hostUtilizationHistory } from '../../src/simulation/consolidation/overload-detection';

// The caches the consolidation run keeps must give the very bits CloudSim's recomputation gives: the day figures
// are pinned to CloudSim's last digit (consolidation-day.test.ts), these pin the cached paths on their own.

/** PowerHostUtilizationHistory as CloudSim computes it: the list with the candidate appended, summed afresh. */
function recomputed(dc: CloudSimDatacenter, host: CloudSimHost, extra: number): number[] {
  const sum = new Float64Array(HISTORY_LENGTH);
  for (const vm of extra >= 0 ? [...host.vms, extra] : host.vms) {
    for (let i = 0; i < dc.vms.historyLength[vm]!; i++)
      sum[i]! += (dc.vms.history[vm * HISTORY_LENGTH + i]! * dc.vms.mips[vm]!) / host.totalMips;
  }
  let n = sum.length - 1;
  while (n >= 0 && sum[n] === 0) n--;
  return Array.from(sum.subarray(0, Math.max(1, n + 1)));
}

function smallDatacenter(seed: number) {
  let s = seed;
  const random = () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
  const count = 6;
  const data = Array.from({ length: count }, () => Float64Array.from({ length: 40 }, () => random()));
  const vms = new CloudSimVms(cloudSimVmTypes(count), data, 300);
  const hosts = [0, 1].map((i) => new CloudSimHost(i, CLOUDSIM_HOST_TYPES[i]!));
  const dc = new CloudSimDatacenter(hosts, vms);
  for (let vm = 0; vm < count; vm++) {
    vms.instantiating[vm] = 0;
    dc.vmCreate(hosts[vm % 2]!, vm);
  }
  return { dc, hosts, vms };
}

describe('consolidation caches give CloudSim’s bits', () => {
  it('sums a host’s history with a candidate VM exactly as summing the list with the VM appended', () => {
    const { dc, hosts } = smallDatacenter(7);
    for (let step = 1; step <= 35; step++) {
      const time = 0.1 + 300 * step;
      for (const h of hosts) dc.updateHost(h, time);
      for (const h of hosts) {
        expect(Array.from(hostUtilizationHistory(dc, h))).toEqual(recomputed(dc, h, -1));
        for (const extra of [0, 1, 5]) {
          if (h.vms.includes(extra)) continue;
          expect(Array.from(hostUtilizationHistory(dc, h, extra))).toEqual(recomputed(dc, h, extra));
        }
      }
    }
  });

  it('sees a VM leave or join a host at once, though the histories did not change', () => {
    const { dc, hosts } = smallDatacenter(11);
    for (let step = 1; step <= 12; step++) for (const h of hosts) dc.updateHost(h, 0.1 + 300 * step);
    const [h0, h1] = hosts as [CloudSimHost, CloudSimHost];
    const before = Array.from(hostUtilizationHistory(dc, h0));
    dc.vmDestroy(h0, 0);
    expect(Array.from(hostUtilizationHistory(dc, h0))).toEqual(recomputed(dc, h0, -1));
    expect(Array.from(hostUtilizationHistory(dc, h0))).not.toEqual(before);
    dc.vmCreate(h1, 0);
    expect(Array.from(hostUtilizationHistory(dc, h1))).toEqual(recomputed(dc, h1, -1));
  });

  it('interpolates a VM’s utilisation between samples as CloudSim does, at any time and in any order', () => {
    const { vms } = smallDatacenter(3);
    const literal = (vm: number, time: number) => {
      const d = vms.data[vm]!;
      if (time % 300 === 0) return d[Math.trunc(time) / 300]!;
      const t1 = Math.floor(time / 300);
      const t2 = Math.ceil(time / 300);
      return d[t1]! + ((d[t2]! - d[t1]!) / ((t2 - t1) * 300)) * (time - t1 * 300);
    };
    for (const time of [0, 300, 300.1, 613.94, 600.1, 0.1, 11_700.1, 11_727.94, 300])
      for (let vm = 0; vm < vms.count; vm++) expect(vms.utilizationAt(vm, time)).toBe(literal(vm, time));
  });

  it('prices power as PowerModelSpecPower does: the table on an exact multiple of 0.1, interpolated elsewhere', () => {
    const literal = (watts: readonly number[], u: number) => {
      if (u % 0.1 === 0) return watts[Math.round(u * 10)]!;
      const lo = Math.floor(u * 10);
      const hi = Math.ceil(u * 10);
      return watts[lo]! + ((watts[hi]! - watts[lo]!) / 10) * (u - lo / 10) * 100;
    };
    const watts = CLOUDSIM_HOST_TYPES[0]!.powerWatts;
    // Tenths as literals and as products (0.1 × 3 is 0.30000000000000004: not a multiple of 0.1 for `%`).
    const us = [0, 1, 0.25, 0.999, 1e-12];
    for (let k = 0; k <= 10; k++) us.push(k / 10, k * 0.1, 0.1 * k + 1e-17, 0.1 * k - 1e-16);
    for (let i = 0; i < 2000; i++) us.push(i / 1999);
    for (const u of us.filter((x) => x >= 0 && x <= 1)) expect(cloudSimPower(watts, u)).toBe(literal(watts, u));
  });
});
