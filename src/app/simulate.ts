/**
 * Simulation entry points. `runSimulation`, `simulateCluster` and `mergeClusterResults` are pure (the Step
 * Functions Distributed Map fans out over clusters with them); `simulateStored` replays the store's history
 * and stores the result; `loadTraceDirectory` is the one file reader.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { eventSubject, type FleetEvent } from '../model/event';
import { isPlainTraceName, workloadTraceNames } from '../model/trace-name';
import { emptyFleet, materialiseFleet, type Fleet } from '../model/fleet';
import type { FleetStore, FleetWithHistory } from '../store/types';
import { clusterOf, SimulationInputError } from '../simulation/compile';
import type { PlacementTimeline } from '../simulation/placement';
import { replayHistory } from '../simulation/replay';
import type { SimulationResult, VmResult } from '../simulation/result';
import { readState, STATE, writeState, type StateValue } from '../store/state-keys';
import {
  DEFAULT_STEP_SECONDS,
  DEFAULT_STEPS,
  simulateFleet,
  type SimulationOptions,
} from '../simulation/simulate-fleet';
import { summariseFleet, vmTotals } from '../simulation/summary';
import { parseTrace, TraceFormatError, type Trace } from '../simulation/trace';
import { round } from '../simulation/score';
import { readTraceInside } from './trace-file';
import type { AppAvailability } from '../simulation/availability';
import { auditHosts, auditView } from '../simulation/audit-figures';
import { compareText } from '../model/event-order';
import { isoNow, type Clock } from '../model/ports/clock';

export type { SimulationOptions } from '../simulation/simulate-fleet';
export type { SimulationResult } from '../simulation/result';

export const SIMULATION_LATEST_KEY = STATE.simulationLatest.key;

/** Simulates the whole fleet. Pure: no I/O, same input and seed → same result. */
export function runSimulation(fleet: Fleet, opts: SimulationOptions = {}): SimulationResult {
  return simulateFleet(fleet, opts);
}

/** The cluster ids `simulateCluster` accepts, for the fan-out's item list. */
export function listClusters(fleet: Fleet): string[] {
  return [...new Set([...fleet.hosts.values()].map(clusterOf))].sort();
}

/** The hosts of one cluster and the VMs that run on them at some step of the window. */
export function clusterFleet(fleet: Fleet, clusterId: string, opts: Pick<SimulationOptions, 'placement'> = {}): Fleet {
  const sub = emptyFleet();
  for (const host of fleet.hosts.values()) if (clusterOf(host) === clusterId) sub.hosts.set(host.id, host);
  for (const vm of fleet.vms.values()) {
    const segments = opts.placement?.get(vm.id);
    // A VM that migrates across clusters belongs to the cluster it ends in.
    const hostId = segments ? (segments[segments.length - 1]!.hostId ?? vm.hostId) : vm.hostId;
    if (hostId !== undefined && hostId !== null && sub.hosts.has(hostId)) sub.vms.set(vm.id, vm);
  }
  sub.perimeters = new Map(fleet.perimeters);
  return sub;
}

/**
 * Simulates one cluster. Random draws are keyed by host and VM id, so each host's and VM's figures equal
 * those of the whole-fleet run; only apps spread over several clusters differ (see mergeClusterResults).
 */
export function simulateCluster(fleet: Fleet, clusterId: string, opts: SimulationOptions = {}): SimulationResult {
  if (![...fleet.hosts.values()].some((h) => clusterOf(h) === clusterId)) {
    throw new SimulationInputError(`no host in cluster ${JSON.stringify(clusterId)}`);
  }
  return simulateFleet(clusterFleet(fleet, clusterId, opts), opts);
}

/**
 * Merges per-cluster results into one fleet result. Failures are independent across clusters, so an app
 * spread over clusters is down only when it is down in each: its downtime fractions multiply.
 */
export function mergeClusterResults(results: readonly SimulationResult[]): SimulationResult {
  if (results.length === 0) throw new SimulationInputError('no cluster results to merge');
  const first = results[0]!;
  for (const r of results) {
    if (
      r.window.start !== first.window.start ||
      r.window.steps !== first.window.steps ||
      r.window.stepSeconds !== first.window.stepSeconds ||
      r.seed !== first.seed ||
      r.trials !== first.trials
    ) {
      throw new SimulationInputError('cluster results were produced with different windows, seeds or trial counts');
    }
  }
  const hosts: SimulationResult['hosts'] = {};
  const vms: SimulationResult['vms'] = {};
  const clusters: SimulationResult['clusters'] = {};
  const apps: Record<string, AppAvailability> = {};
  const antiAffinity: SimulationResult['antiAffinity'] = [];
  const warnings = new Set<string>();
  for (const r of results) {
    Object.assign(hosts, r.hosts);
    for (const [id, vm] of Object.entries(r.vms))
      if (!vms[id] || (vms[id].hostId === null && vm.hostId !== null)) vms[id] = vm as VmResult;
    Object.assign(clusters, r.clusters);
    antiAffinity.push(...r.antiAffinity);
    for (const w of r.warnings) warnings.add(w);
    for (const [name, app] of Object.entries(r.apps)) {
      const prev = apps[name];
      apps[name] = prev
        ? {
            vms: prev.vms + app.vms,
            hosts: prev.hosts + app.hosts,
            expectedDowntimeHoursPerYear:
              8760 * (prev.expectedDowntimeHoursPerYear / 8760) * (app.expectedDowntimeHoursPerYear / 8760),
            antiAffinityViolations: prev.antiAffinityViolations + app.antiAffinityViolations,
          }
        : { ...app };
    }
  }
  antiAffinity.sort((a, b) => compareText(`${a.app}\0${a.role}\0${a.hostId}`, `${b.app}\0${b.role}\0${b.hostId}`));
  const sorted = <T>(rec: Record<string, T>) =>
    Object.fromEntries(
      Object.keys(rec)
        .sort()
        .map((k) => [k, rec[k]!]),
    );
  for (const app of Object.values(apps)) app.expectedDowntimeHoursPerYear = round(app.expectedDowntimeHoursPerYear, 12);
  const sortedHosts = sorted(hosts);
  const sortedVms = sorted(vms);
  const sortedClusters = sorted(clusters);
  return {
    ...first,
    fleet: summariseFleet(
      Object.values(sortedHosts),
      vmTotals(Object.values(sortedVms)),
      sortedClusters,
      antiAffinity.length,
      first.window.steps,
    ),
    hosts: sortedHosts,
    vms: sortedVms,
    clusters: sortedClusters,
    apps: sorted(apps),
    antiAffinity,
    warnings: [...warnings],
  };
}

/**
 * Reads every trace file of a folder (or only `names`), rejecting bad ones with file and line. Names that are
 * not plain file names are not read at all; the simulation warns about the VMs that give them.
 */
export async function loadTraceDirectory(dir: string, names?: readonly string[]): Promise<Map<string, Trace>> {
  let files: string[];
  try {
    files = names
      ? [...new Set(names)].filter(isPlainTraceName)
      : (await readdir(dir, { withFileTypes: true }))
          .filter((d) => d.isFile() && isPlainTraceName(d.name))
          .map((d) => d.name);
  } catch (err) {
    throw new SimulationInputError(
      `cannot read trace folder ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  const traces = new Map<string, Trace>();
  await Promise.all(
    files.map(async (name) => {
      const text = await readTraceInside(dir, name);
      try {
        traces.set(name, parseTrace(join(dir, name), text));
      } catch (err) {
        if (err instanceof TraceFormatError) throw new SimulationInputError(err.message);
        throw err;
      }
    }),
  );
  return traces;
}

/**
 * Records where the stored fleet's traces are, so `simulate` and `plan` on that store find them without
 * `--traces` (the demo records the sample traces it ingested the fleet with).
 */
export async function recordTracesFolder(store: FleetStore, dir: string, clock: Clock): Promise<void> {
  await writeState(store, STATE.tracesFolder, { dir, recordedAt: isoNow(clock) });
}

/**
 * The traces the fleet's VMs name: from `dir` when given, else from the folder recorded for this store; none
 * when no VM names a trace or no folder is known (a named trace then fails the simulation, naming it).
 */
export async function tracesForFleet(
  store: FleetStore,
  fleet: Fleet,
  dir: string | undefined,
): Promise<Map<string, Trace> | undefined> {
  const names = workloadTraceNames(fleet);
  if (names.length === 0) return undefined;
  const folder = dir ?? (await readState(store, STATE.tracesFolder))?.dir;
  return folder !== undefined ? loadTraceDirectory(folder, names) : undefined;
}

export interface StoredSimulationOptions extends SimulationOptions {
  /** Gives the time the run is recorded under. */
  clock: Clock;
  /** Store the result (default true). */
  save?: boolean;
}

export interface StoredSimulation {
  result: SimulationResult;
  placementChanges: number;
  runKey?: string;
}

/**
 * The compact per-host figures (numbers only) audit rules read as facts; full results go to --out. `hosts`: the
 * figures `auditHosts` gives, when the caller has them; `perVm`: the per-VM figures, when the caller knows them.
 */
export function storedForm(
  result: SimulationResult,
  hosts = auditHosts(result),
  perVm?: Pick<ReturnType<typeof auditView>, 'vmDowntimeHoursPerYear' | 'lostReplicaSets'>,
) {
  const view = perVm ? { hosts, clusters: result.clusters, ...perVm } : auditView(result, hosts);
  return {
    kind: result.kind,
    version: result.version,
    window: result.window,
    seed: result.seed,
    trials: result.trials,
    fleet: result.fleet,
    hosts: view.hosts,
    clusters: view.clusters,
    apps: result.apps,
    // What the availability rules read beside the host figures (docs/rules.md, "Availability rules").
    vmDowntimeHoursPerYear: view.vmDowntimeHoursPerYear,
    lostReplicaSets: view.lostReplicaSets,
    antiAffinity: result.antiAffinity.slice(0, 200),
    warnings: result.warnings,
  };
}

/**
 * `fitForItem` of the stored form, without deriving the per-VM figures (downtime, lost replica sets; 0.4 s of CPU
 * at 100k VMs) when the hosts' figures alone are over one item: every form that still fits drops them.
 */
export function latestEntry(result: SimulationResult, simulatedAt: string): StateValue<typeof STATE.simulationLatest> {
  const hosts = auditHosts(result);
  if (jsonBytes(hosts) <= MAX_STORED_BYTES) return fitForItem({ ...storedForm(result, hosts), simulatedAt });
  return fitForItem({
    ...storedForm(result, hosts, { vmDowntimeHoursPerYear: {}, lostReplicaSets: {} }),
    simulatedAt,
  });
}

const jsonBytes = (x: unknown) => Buffer.byteLength(JSON.stringify(x), 'utf8');

/** DynamoDB items stop at 400 KB; leave room for keys and attribute names. */
export const MAX_STORED_BYTES = 350_000;
const ESSENTIAL_HOST_FIELDS = [
  'score',
  'overloadedTimeFraction',
  'cpuReadyPct',
  'memoryOvercommit',
  'coincidingPeaks',
  'unavailability',
  'singleFailureRestartable',
] as const;

/**
 * Keeps `simulation/latest` inside one item: first drops the per-app and per-cluster detail, then keeps only
 * the essential numbers per host (what the audit rules read), and says so in `storedDetail`.
 */
export function fitForItem(
  stored: ReturnType<typeof storedForm> & { simulatedAt: string },
): StateValue<typeof STATE.simulationLatest> {
  const size = jsonBytes;
  // The full and the lean form both hold every host's full figures: when those alone are over the limit, neither
  // fits, and measuring them would encode megabytes at 100k VMs for nothing.
  const hostsFit = size(stored.hosts) <= MAX_STORED_BYTES;
  if (hostsFit && size(stored) <= MAX_STORED_BYTES) return { ...stored, storedDetail: 'full' };
  const lean = {
    ...stored,
    apps: {},
    clusters: {},
    vmDowntimeHoursPerYear: {},
    lostReplicaSets: {},
    antiAffinity: [],
    storedDetail: 'hosts',
  };
  if (hostsFit && size(lean) <= MAX_STORED_BYTES) return lean;
  const essential = Object.entries(stored.hosts).map(
    ([id, h]) => [id, Object.fromEntries(ESSENTIAL_HOST_FIELDS.map((k) => [k, h[k] ?? null]))] as const,
  );
  const all = { ...lean, warnings: [], hosts: Object.fromEntries(essential), storedDetail: 'essential' };
  if (size(all) <= MAX_STORED_BYTES) return all;
  // Still too large: keep the riskiest hosts that fit. Omitted hosts read as "not simulated", so rules skip
  // them instead of passing them.
  const ranked = [...essential].sort(
    (a, b) =>
      Number(b[1].score) - Number(a[1].score) ||
      Number(b[1].overloadedTimeFraction) - Number(a[1].overloadedTimeFraction) ||
      compareText(a[0], b[0]),
  );
  const budget = MAX_STORED_BYTES - size({ ...lean, hosts: {}, warnings: [] }) - 200;
  const kept: (typeof essential)[number][] = [];
  let used = 0;
  for (const entry of ranked) {
    const bytes = size(entry[0]) + size(entry[1]) + 2;
    if (used + bytes > budget) break;
    used += bytes;
    kept.push(entry);
  }
  const omitted = ranked.length - kept.length;
  return {
    ...lean,
    hosts: Object.fromEntries(kept),
    hostsOmitted: omitted,
    warnings: [
      `${omitted} of ${ranked.length} hosts (the lowest scores) left out of the stored result to fit one item; the full result is in --out`,
    ],
    storedDetail: 'essential-riskiest',
  };
}

export interface ReplayOptions {
  steps?: number;
  stepSeconds?: number;
  /** First step of the window; default: the window whose last step holds the newest event. */
  start?: string;
  /**
   * The fleet is only simulated: the store may leave the upserts' configuration members out (FleetWithHistoryOptions).
   * Not for a fleet that is also audited (start-run.ts hands its slices to the audit shards).
   */
  simulationOnly?: boolean;
}

export interface ReplayedStore {
  fleet: Fleet;
  /** Per-VM host over the window; absent when the store holds no history (state from snapshots only). */
  placement?: PlacementTimeline;
  /** The window's first step: the replay's, or `opts.start` when there was no history to replay. */
  start?: string;
  placementChanges: number;
}

/**
 * The fleet and its placement over the window, from the store's history; falls back to the folded state
 * (no placement) when no event items are left, e.g. all expired into snapshots.
 */
export async function replayStored(store: FleetStore, opts: ReplayOptions = {}): Promise<ReplayedStore> {
  // The default window ends on the newest event, so the replay applies every event: a fleet that is the history's
  // fold would only repeat what the replay builds.
  const { fleet: stored, history } = await fleetWithHistory(
    store,
    opts.start === undefined,
    opts.simulationOnly === true,
  );
  if (history.length === 0)
    return {
      fleet: stored ?? materialiseFleet([]),
      placementChanges: 0,
      ...(opts.start !== undefined && { start: opts.start }),
    };
  const startMs = opts.start !== undefined ? Date.parse(opts.start) : undefined;
  if (startMs !== undefined && Number.isNaN(startMs))
    throw new SimulationInputError(`start is not a date-time: ${opts.start}`);
  const replay = replayHistory(history, {
    steps: opts.steps ?? DEFAULT_STEPS,
    stepSeconds: opts.stepSeconds ?? DEFAULT_STEP_SECONDS,
    ...(startMs !== undefined && { startMs }),
  });
  const { fleet, placement } = stored
    ? withExpiredHistory(replay, stored, history)
    : { fleet: entitiesOf(replay.fleet), placement: replay.placement };
  return { fleet, placement, start: new Date(replay.startMs).toISOString(), placementChanges: replay.placementChanges };
}

/** The fleet's entity maps, as `withExpiredHistory` returns them. */
function entitiesOf({ hosts, vms, perimeters }: Fleet): Fleet {
  return { hosts, vms, perimeters };
}

/**
 * The store's one read of both when it has it, else its two reads side by side. `fleetOnlyBeyondHistory`: the
 * store may leave the fleet out when the history holds all of it. `leaveOutConfiguration`: the fleet is only
 * simulated, and no simulation reads the configuration members (test/simulation/config-members.test.ts), most of a
 * configured fleet's bytes: the store may leave them out.
 */
async function fleetWithHistory(
  store: FleetStore,
  fleetOnlyBeyondHistory: boolean,
  leaveOutConfiguration: boolean,
): Promise<FleetWithHistory> {
  if (store.loadFleetWithHistory) return store.loadFleetWithHistory({ fleetOnlyBeyondHistory, leaveOutConfiguration });
  const history: FleetEvent[] = [];
  const readAll = async () => {
    for await (const event of store.readHistory()) history.push(event);
  };
  const [fleet] = await Promise.all([store.loadFleet(), readAll()]);
  return { fleet, history };
}

/**
 * `{ ...stored, ...replayed }`, or the replayed entity itself when it has the stored one's fields in the same order
 * (the usual case: no event of it has expired), which that spread would only copy. At 100k VMs the copies were
 * 100,000 long-lived objects for the garbage collector.
 */
function withStoredFields<T extends object>(stored: T, replayed: T): T {
  const a = Object.keys(stored);
  const b = Object.keys(replayed);
  if (a.length === b.length && a.every((k, i) => k === b[i])) return replayed;
  return { ...stored, ...replayed };
}

/**
 * Events expire (TTL) once a snapshot holds them, so the history alone can miss an entity entirely, or its
 * older fields. The stored fleet is complete: it adds the entities with no event left (they predate the
 * history, so they stood still through the window) and fills the fields the replay lacks; what the replay
 * knows wins.
 */
export function withExpiredHistory(
  replay: { fleet: Fleet; placement: PlacementTimeline },
  stored: Fleet,
  history: readonly FleetEvent[],
): { fleet: Fleet; placement: PlacementTimeline } {
  const replayed = replay.fleet;
  const placement = new Map(replay.placement);
  const inHistory = new Set<string>();
  for (const e of history) {
    const s = eventSubject(e);
    inHistory.add(`${s.kind}#${s.id}`);
  }
  const fleet: Fleet = {
    hosts: new Map(replayed.hosts),
    vms: new Map(replayed.vms),
    perimeters: new Map(replayed.perimeters),
  };
  for (const [id, host] of stored.hosts) {
    const r = fleet.hosts.get(id);
    if (r) fleet.hosts.set(id, withStoredFields(host, r));
    else if (!inHistory.has(`host#${id}`)) fleet.hosts.set(id, host);
  }
  for (const [id, vm] of stored.vms) {
    const r = fleet.vms.get(id);
    if (r) fleet.vms.set(id, withStoredFields(vm, r));
    else if (!inHistory.has(`vm#${id}`)) fleet.vms.set(id, vm);
    // No surviving event placed it: the host it has now is the one it had all along (static placement).
    if (r && r.hostId === undefined && vm.hostId !== undefined) placement.delete(id);
  }
  for (const [id, perimeter] of stored.perimeters) {
    const r = fleet.perimeters.get(id);
    fleet.perimeters.set(id, r ? { ...perimeter, ...r } : perimeter);
  }
  return { fleet, placement };
}

/**
 * Replays the stored history into placement over the window (by default the `steps × stepSeconds` whose last
 * step holds the newest event), simulates, and stores the compact result under `simulation/latest` and a run summary
 * under `simulation/runs/<iso time>`.
 */
export async function simulateStored(store: FleetStore, opts: StoredSimulationOptions): Promise<StoredSimulation> {
  const steps = opts.steps ?? DEFAULT_STEPS;
  const stepSeconds = opts.stepSeconds ?? DEFAULT_STEP_SECONDS;
  const replay = await replayStored(store, {
    steps,
    stepSeconds,
    simulationOnly: true,
    ...(opts.start !== undefined && { start: opts.start }),
  });
  const placement = opts.placement ?? replay.placement;
  const { fleet, start, placementChanges } = replay;
  // The clock stamps the stored run; the simulation keeps its own step clock.
  const { clock, ...simulation } = opts;
  const traces = opts.traces ?? (await tracesForFleet(store, fleet, undefined));
  const result = runSimulation(fleet, {
    ...simulation,
    ...(traces && { traces }),
    ...(placement && { placement }),
    ...(start !== undefined && { start }),
  });
  if (opts.save === false) return { result, placementChanges };
  const now = isoNow(clock);
  const run = STATE.simulationRuns.key(now);
  await writeState(store, STATE.simulationLatest, latestEntry(result, now));
  await writeState(store, run, {
    simulatedAt: now,
    window: result.window,
    seed: result.seed,
    trials: result.trials,
    fleet: result.fleet,
    placementChanges,
  });
  return { result, placementChanges, runKey: run.key };
}
