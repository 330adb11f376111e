import { systemClock } from '../../src/model/ports/clock';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/store/memory-store';
import { listState, readState, STATE, StateShapeError, writeState } from '../../src/store/state-keys';
import { runAudit } from '../../src/app/audit';
import {
  readClusterSimulationFigures,
  readSimulationFigures,
  storeClusterSimulations,
  HOSTS_PER_PART,
  VMS_PER_PART,
} from '../../src/app/simulation-state';
import { simulateCluster, listClusters } from '../../src/app/simulate';
import { materialiseFleet } from '../../src/model/fleet';
import { foldEvents } from '../../src/model/entity-state';
import type { FleetEvent } from '../../src/model/event';

describe('typed state keys', () => {
  it('refuses a stored value of the wrong shape with an error naming the key and field', async () => {
    const store = new MemoryStore();
    await store.putMeta('audit/latest', { generatedAt: 'yesterday-ish', profile: 'scg', mode: 'full', summary: {} });
    await expect(readState(store, STATE.auditLatest)).rejects.toThrow(StateShapeError);
    await expect(readState(store, STATE.auditLatest)).rejects.toThrow(/stored state audit\/latest: generatedAt/);
  });

  it('makes an audit fail naming the key instead of treating a malformed simulation as "not simulated"', async () => {
    const store = new MemoryStore();
    await store.putMeta('simulation/latest', { series: [1, 2, 3] });
    await expect(runAudit({ store, clock: systemClock }, { rules: [] })).rejects.toThrow(/simulation\/latest: hosts/);
  });

  it('refuses to write a value its readers would refuse', async () => {
    const store = new MemoryStore();
    await expect(
      writeState(store, STATE.reportLatest, { generatedAt: 'x', dir: '/r', url: 'file:///r' }),
    ).rejects.toThrow(/report\/latest: generatedAt/);
    expect(await store.getMeta('report/latest')).toBeUndefined();
  });

  it('lists a family by prefix, each entry parsed', async () => {
    const store = new MemoryStore();
    const at = '2026-11-01T00:00:00.000Z';
    await writeState(store, STATE.runSummaries.key(at), { at, hosts: 1, vms: 2, open: {}, waived: 0, resolved: 0 });
    await store.putMeta('runs/broken', { at });
    await expect(listState(store, STATE.runSummaries)).rejects.toThrow(/stored state runs\/broken: hosts/);
  });
});

function bigFleetEvents(hosts: number, clusters: number): FleetEvent[] {
  const events: FleetEvent[] = [];
  const time = '2026-11-01T00:00:00.000Z';
  for (let h = 0; h < hosts; h++) {
    events.push({
      id: `h${h}`,
      time,
      type: 'host.upsert',
      host: {
        id: `esx-${h}`,
        cluster: `c${h % clusters}`,
        memoryMiB: 65536,
        cpu: { sockets: 2, coresPerSocket: 8, mhz: 2400 },
      },
    } as FleetEvent);
    events.push({
      id: `v${h}`,
      time,
      type: 'vm.upsert',
      vm: { id: `vm-${h}`, hostId: `esx-${h}`, powerState: 'poweredOn', vcpus: 2, memoryMiB: 4096 },
    } as FleetEvent);
  }
  return events;
}

describe('per-cluster simulation state', () => {
  it('keeps every host of a fleet far past one item (2,400 hosts) and the audit reads them all', async () => {
    const store = new MemoryStore();
    const events = bigFleetEvents(2400, 3);
    await store.putEvents(events);
    const fleet = materialiseFleet(foldEvents(events).values());
    const window = { start: '2026-11-01T00:00:00.000Z', steps: 4, stepSeconds: 300, trials: 0 };
    const results = listClusters(fleet).map((c) => simulateCluster(fleet, c, window));
    const { entries } = await storeClusterSimulations(store, 'run-1', results, '2026-11-02T00:00:00.000Z');
    // Host parts, plus each cluster's VM downtime in parts of their own.
    const running = results.map((r) => Object.values(r.vms).filter((v) => v.expectedDowntimeHoursPerYear !== null));
    const vmParts = running.reduce((n, vms) => n + Math.ceil(vms.length / VMS_PER_PART), 0);
    expect(vmParts).toBeGreaterThan(0);
    expect(entries).toBe(3 * Math.ceil(800 / HOSTS_PER_PART) + vmParts);
    for (const { key, value } of await store.listMeta<unknown>('simulation/cluster/'))
      expect(Buffer.byteLength(JSON.stringify(value)), key).toBeLessThan(350_000);
    const figures = await readSimulationFigures(store);
    expect(Object.keys(figures?.hosts ?? {})).toHaveLength(2400);
    expect(Object.keys(figures?.vmDowntimeHoursPerYear ?? {})).toHaveLength(running.flat().length);
    expect(Object.keys(figures?.clusters ?? {})).toHaveLength(3);
  });

  it('reads only the entries of the run the index names, so a half-written run is never mixed in', async () => {
    const store = new MemoryStore();
    const events = bigFleetEvents(4, 2);
    const fleet = materialiseFleet(foldEvents(events).values());
    const window = { start: '2026-11-01T00:00:00.000Z', steps: 2, stepSeconds: 300, trials: 0 };
    const results = listClusters(fleet).map((c) => simulateCluster(fleet, c, window));
    await storeClusterSimulations(store, 'run-1', results, '2026-11-02T00:00:00.000Z');
    // A later run wrote one cluster's entry, then failed before moving the index.
    const stale = (await store.listMeta<Record<string, unknown>>('simulation/cluster/'))[0]!;
    await store.putMeta(stale.key, { ...stale.value, runId: 'run-2', hosts: { 'esx-new': { score: 1 } } });
    const figures = await readSimulationFigures(store);
    expect(Object.keys(figures?.hosts ?? {}).sort()).toEqual(['esx-1', 'esx-3']);
  });

  it("reads one cluster's host and VM parts and none of another cluster's", async () => {
    const store = new MemoryStore();
    const events = bigFleetEvents(4, 2);
    const fleet = materialiseFleet(foldEvents(events).values());
    const window = { start: '2026-11-01T00:00:00.000Z', steps: 2, stepSeconds: 300, trials: 0 };
    const clusters = listClusters(fleet);
    const results = clusters.map((c) => simulateCluster(fleet, c, window));
    await storeClusterSimulations(store, 'run-1', results, '2026-11-02T00:00:00.000Z');
    const whole = await readSimulationFigures(store);
    for (const [i, clusterId] of clusters.entries()) {
      const one = await readClusterSimulationFigures(store, [clusterId]);
      const hosts = Object.keys(results[i]!.hosts).sort();
      expect(Object.keys(one?.hosts ?? {}).sort()).toEqual(hosts);
      expect(Object.keys(one?.clusters ?? {})).toEqual([clusterId]);
      for (const [vm, hours] of Object.entries(one?.vmDowntimeHoursPerYear ?? {}))
        expect(whole?.vmDowntimeHoursPerYear?.[vm]).toBe(hours);
    }
  });

  it('prefers a newer single-item simulation (the CLI) over older per-cluster entries', async () => {
    const store = new MemoryStore();
    await writeState(store, STATE.simulationIndex, {
      simulatedAt: '2026-11-01T00:00:00.000Z',
      runId: 'r',
      clusters: 0,
      hosts: 0,
      vms: 0,
    });
    await writeState(store, STATE.simulationLatest, {
      simulatedAt: '2026-11-03T00:00:00.000Z',
      hosts: { a: { score: 3 } },
    });
    expect((await readSimulationFigures(store))?.hosts).toEqual({ a: { score: 3 } });
  });
});
