import { readState, STATE } from '../../src/store/state-keys';
import { describe, expect, it } from 'vitest';
import { planStep } from '../../src/app/plan';
import { loadRules } from '../../src/engine/load-rules';
import { MemoryStore } from '../../src/store/memory-store';
import { fixedClock } from '../../src/model/ports/clock';

describe('the workflow plan step', () => {
  it('plans on the stored fleet, stores the plan for the report and returns a small summary', async () => {
    const store = new MemoryStore();
    const time = '2026-11-26T00:00:00.000Z';
    await store.putEvents([
      {
        id: 'p1',
        time,
        source: 'canonical',
        type: 'perimeter.upsert',
        perimeter: { id: 'pci', allowedClusters: ['c-pci'], trustLevel: 9 },
      },
      ...['h1', 'h2'].map((id) => ({
        id: `e-${id}`,
        time,
        source: 'canonical' as const,
        type: 'host.upsert' as const,
        host: {
          id,
          cluster: 'c1',
          datacenter: 'dc1',
          hypervisor: { vendor: 'vmware' as const },
          cpu: { sockets: 2, coresPerSocket: 8, mhz: 2000 },
          memoryMiB: 65536,
        },
      })),
      ...['p1h', 'p2h'].map((id) => ({
        id: `e-${id}`,
        time,
        source: 'canonical' as const,
        type: 'host.upsert' as const,
        host: {
          id,
          cluster: 'c-pci',
          datacenter: 'dc1',
          hypervisor: { vendor: 'vmware' as const },
          cpu: { sockets: 2, coresPerSocket: 8, mhz: 2000 },
          memoryMiB: 65536,
        },
      })),
      {
        id: 'v1',
        time,
        source: 'canonical',
        type: 'vm.upsert',
        vm: {
          id: 'pay',
          hostId: 'h1',
          perimeter: 'pci',
          vcpus: 2,
          memoryMiB: 4096,
          workload: { cpuAvgPct: 10, cpuPeakPct: 20 },
        },
      },
    ] as never);
    const out = await planStep({ runId: 'run-1' }, { store, rules: loadRules(), clock: fixedClock(time) });
    expect(out).toEqual({ runId: 'run-1', goal: 'fix', steps: 1, maintenance: 0, cleared: 1, added: 0, unresolved: 0 });
    const stored = await readState(store, STATE.planLatest);
    expect(stored?.steps[0]).toMatchObject({ vmId: 'pay', fromHostId: 'h1', tool: 'govc' });
    expect(stored?.generatedAt).toBe(time);
  });
});
