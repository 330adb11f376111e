import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planStored } from '../../src/app/plan';
import { systemClock } from '../../src/model/ports/clock';
import { recordTracesFolder, simulateStored } from '../../src/app/simulate';
import type { FleetEvent } from '../../src/model/event';
import { SimulationInputError } from '../../src/simulation/compile';
import { MemoryStore } from '../../src/store/memory-store';

const DAY = join(import.meta.dirname, '../fixtures/planetlab/20110303');
const TRACE = '146-179_surfsnel_dsl_internl_net_colostate_557';
const cpu = { sockets: 2, coresPerSocket: 8, mhz: 2200 };

/** Two hosts and a VM whose workload is a PlanetLab trace, as the demo's sample fleet names them. */
async function fleetNamingATrace(): Promise<MemoryStore> {
  const store = new MemoryStore();
  const events: FleetEvent[] = [
    {
      id: 'h1',
      time: '2026-01-01T00:00:00Z',
      type: 'host.upsert',
      host: { id: 'esx-a', cluster: 'c', cpu, memoryMiB: 65536 },
    },
    {
      id: 'h2',
      time: '2026-01-01T00:00:00Z',
      type: 'host.upsert',
      host: { id: 'esx-b', cluster: 'c', cpu, memoryMiB: 65536 },
    },
    {
      id: 'v1',
      time: '2026-01-01T00:01:00Z',
      type: 'vm.upsert',
      vm: { id: 'vm-1', hostId: 'esx-a', vcpus: 4, memoryMiB: 8192, workload: { trace: TRACE } },
    },
  ];
  await store.putEvents(events);
  return store;
}

describe('the traces folder recorded with a stored fleet', () => {
  it('lets simulate run on a fleet naming traces without being given the folder again', async () => {
    const store = await fleetNamingATrace();
    await recordTracesFolder(store, DAY, systemClock);
    const { result } = await simulateStored(store, { trials: 50, steps: 12, clock: systemClock });
    expect(result.vms['vm-1']).toBeDefined();
  });

  it('lets plan run on that fleet without the folder', async () => {
    const store = await fleetNamingATrace();
    await recordTracesFolder(store, DAY, systemClock);
    const plan = await planStored(store, { goal: 'fix', maxMoves: 5, trials: 20 });
    expect(plan.steps).toEqual([]);
  });

  it('still refuses, naming the trace and --traces, when no folder was recorded or given', async () => {
    const store = await fleetNamingATrace();
    const failure = simulateStored(store, { trials: 50, steps: 12, clock: systemClock });
    await expect(failure).rejects.toBeInstanceOf(SimulationInputError);
    await expect(failure).rejects.toThrow(/workload\.trace "146-179_surfsnel.*--traces/);
  });
});
