import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { simulateFleet } from '../../src/simulation/simulate-fleet';
import { fleetOf } from './helpers';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const pause = () => new Promise((resolve) => setTimeout(resolve, 100));
/** Heap and array buffers after collections; the pauses let V8 free dead buffers' memory, which it does apart. */
const bytesAfterGc = async () => {
  gc();
  await pause();
  gc();
  await pause();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

describe('simulateFleet (memory)', () => {
  it('keeps only what the VM results are made from while they are unbuilt, not the compiled fleet', async () => {
    const V = 5000;
    const steps = 1440;
    const hosts = Array.from({ length: 50 }, (_, h) => ({
      id: `h${h}`,
      cluster: `c${h % 2}`,
      cpu: { sockets: 2, coresPerSocket: 16, mhz: 2400 },
      memoryMiB: 1 << 20,
    }));
    const vms = Array.from({ length: V }, (_, v) => ({
      id: `vm${String(v).padStart(5, '0')}`,
      hostId: `h${v % 50}`,
      vcpus: 2,
      memoryMiB: 4096,
      workload: { cpuAvgPct: 10 + (v % 50), cpuPeakPct: 60 + (v % 40), peakHour: v % 24 },
    }));
    const result = simulateFleet(fleetOf(hosts, vms), { steps, trials: 10 });
    const unbuilt = await bytesAfterGc();
    // Assigning settles the record: what the lazy one kept alive goes with it.
    result.vms = {};
    const kept = unbuilt - (await bytesAfterGc());
    // The compiled fleet's utilisation alone is V × steps float32s (29 MB here), all kept with it before; what
    // the results are made from is a few arrays of V numbers (under 1 MB here).
    expect(kept).toBeLessThan((V * steps * 4) / 2);
  });
});
