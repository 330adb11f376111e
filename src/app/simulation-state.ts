import { clusterFile } from '../model/run-files';
import type { SimulationResult } from '../simulation/result';
import { listState, readState, STATE, writeState, type StateValue } from '../store/state-keys';
import type { FleetStore } from '../store/types';
import { storedForm } from './simulate';

type HostFigures = StateValue<typeof STATE.simulationCluster>['hosts'];

/**
 * Hosts per stored cluster entry. About 600 bytes of figures per host, so a part stays near 120 KB, far inside
 * DynamoDB's 400 KB item limit whatever a cluster's size (vSphere allows 96 hosts; other sources have no bound).
 */
export const HOSTS_PER_PART = 200;

/** VMs per part of a cluster's downtime figures: about 40 bytes each, so a part stays near 160 KB. */
export const VMS_PER_PART = 4000;

/** What every part of a cluster's entry starts with; `clusterFile` keeps it short and plain whatever the id. */
function clusterPartsPrefix(clusterId: string): string {
  return `${clusterFile(clusterId).replace(/\.json$/, '')}#`;
}

/** The key suffix of one part of a cluster's entry. */
export function clusterPartSuffix(clusterId: string, part: number): string {
  return `${clusterPartsPrefix(clusterId)}${String(part).padStart(4, '0')}`;
}

/**
 * Stores one workflow run's simulation per cluster (in parts of `HOSTS_PER_PART` hosts), then the index that
 * makes them current. Written index-last, so a reader never sees half a run: until the index moves it reads the
 * previous run's entries, whose `runId` still matches the old index.
 */
export async function storeClusterSimulations(
  store: FleetStore,
  runId: string,
  results: readonly SimulationResult[],
  simulatedAt: string,
): Promise<{ entries: number }> {
  let entries = 0;
  let hosts = 0;
  let vms = 0;
  for (const result of results) {
    const form = storedForm(result);
    const vmFigures = Object.entries(form.vmDowntimeHoursPerYear);
    const clusterIds = new Set(Object.values(result.hosts).map((h) => h.cluster));
    const hostEntries = Object.entries(form.hosts);
    hosts += hostEntries.length;
    vms += Object.keys(result.vms).length;
    for (const clusterId of clusterIds) {
      const own = hostEntries.filter(([id]) => result.hosts[id]?.cluster === clusterId);
      for (let part = 0; part * HOSTS_PER_PART < own.length; part++) {
        const slice = own.slice(part * HOSTS_PER_PART, (part + 1) * HOSTS_PER_PART);
        const cluster = result.clusters[clusterId];
        await writeState(store, STATE.simulationCluster.key(clusterPartSuffix(clusterId, part)), {
          runId,
          clusterId,
          simulatedAt,
          hosts: Object.fromEntries(slice),
          ...(part === 0 && cluster !== undefined && { cluster: { ...cluster } }),
          lostReplicaSets: Object.fromEntries(
            slice.flatMap(([id]) => {
              const lost = form.lostReplicaSets[id];
              return lost === undefined ? [] : [[id, lost] as const];
            }),
          ),
        });
        entries++;
      }
      // VM figures in their own parts: a cluster's VM count has no bound tied to its host count.
      const ownVms = vmFigures.filter(([id]) => result.vms[id]?.cluster === clusterId);
      for (let part = 0; part * VMS_PER_PART < ownVms.length; part++) {
        await writeState(store, STATE.simulationCluster.key(`${clusterPartSuffix(clusterId, part)}#vms`), {
          runId,
          clusterId,
          simulatedAt,
          hosts: {},
          vmDowntimeHoursPerYear: Object.fromEntries(ownVms.slice(part * VMS_PER_PART, (part + 1) * VMS_PER_PART)),
        });
        entries++;
      }
    }
  }
  await writeState(store, STATE.simulationIndex, { simulatedAt, runId, clusters: results.length, hosts, vms });
  return { entries };
}

/** What the audit's simulation and availability rules read (src/engine/facts/simulation-input.ts parses it). */
export interface SimulationFigures {
  simulatedAt?: string;
  hosts: StateValue<typeof STATE.simulationLatest>['hosts'];
  clusters?: Record<string, unknown>;
  vmDowntimeHoursPerYear?: Record<string, unknown>;
  lostReplicaSets?: Record<string, unknown>;
}

/**
 * The simulation figures the audit rules read, or undefined when nothing was simulated. The newer of the two
 * forms wins: the workflow's per-cluster entries (every host, any fleet size) or the CLI's single
 * `simulation/latest` item.
 */
export async function readSimulationFigures(store: FleetStore): Promise<SimulationFigures | undefined> {
  return readFiguresOf(store, async () => (await listState(store, STATE.simulationCluster)).map((e) => e.value));
}

type ClusterEntry = StateValue<typeof STATE.simulationCluster>;

/** The newer stored form's figures, the per-cluster entries read by `entries` when they are the newer. */
async function readFiguresOf(
  store: FleetStore,
  entries: () => Promise<ClusterEntry[]>,
): Promise<SimulationFigures | undefined> {
  const [index, latest] = await Promise.all([
    readState(store, STATE.simulationIndex),
    readState(store, STATE.simulationLatest),
  ]);
  if (index === undefined || (latest?.simulatedAt !== undefined && latest.simulatedAt > index.simulatedAt))
    return latest;
  const hosts: HostFigures = {};
  const clusters: Record<string, unknown> = {};
  const vmDowntimeHoursPerYear: Record<string, unknown> = {};
  const lostReplicaSets: Record<string, unknown> = {};
  for (const value of await entries()) {
    if (value.runId !== index.runId) continue;
    for (const [id, figures] of Object.entries(value.hosts)) setKey(hosts, id, figures);
    if (value.cluster !== undefined) setKey(clusters, value.clusterId, value.cluster);
    for (const [id, hours] of Object.entries(value.vmDowntimeHoursPerYear ?? {}))
      setKey(vmDowntimeHoursPerYear, id, hours);
    for (const [id, lost] of Object.entries(value.lostReplicaSets ?? {})) setKey(lostReplicaSets, id, lost);
  }
  return { simulatedAt: index.simulatedAt, hosts, clusters, vmDowntimeHoursPerYear, lostReplicaSets };
}

/** defineProperty, not assignment: an id such as `__proto__` must stay a plain key. */
function setKey(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * `readSimulationFigures` for the hosts of some clusters only: one Query per cluster's entries instead of all of
 * them, for an incremental evaluation that reads a few clusters of a large fleet.
 */
export async function readClusterSimulationFigures(
  store: FleetStore,
  clusterIds: readonly string[],
): Promise<SimulationFigures | undefined> {
  // Every figure of those clusters, the availability ones too, or their availability rules would read unverified.
  return readFiguresOf(store, async () => {
    const lists = await Promise.all(
      clusterIds.map((id) => listState(store, STATE.simulationCluster, clusterPartsPrefix(id))),
    );
    return lists.flat().map(({ value }) => value);
  });
}
