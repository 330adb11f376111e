/** Per-host figures the simulation stores under meta `simulation/latest`; only numbers are read. */
export type HostSimulation = Readonly<Record<string, number>>;

/**
 * Reads the stored simulation result. Accepted shapes: `{hosts: [{hostId|id, overloadedTimeFraction, ...}]}` or
 * `{hosts: {<hostId>: {overloadedTimeFraction, ...}}}`. Anything else counts as "no simulation", which makes
 * simulation rules not applicable rather than passing or failing.
 */
export function readSimulation(meta: unknown): Map<string, HostSimulation> | undefined {
  if (meta === null || typeof meta !== 'object') return undefined;
  const hosts = (meta as { hosts?: unknown }).hosts;
  const out = new Map<string, HostSimulation>();
  if (Array.isArray(hosts)) {
    for (const entry of hosts) {
      if (entry === null || typeof entry !== 'object') continue;
      const e = entry as Record<string, unknown>;
      const id = typeof e.hostId === 'string' ? e.hostId : typeof e.id === 'string' ? e.id : undefined;
      if (id !== undefined) out.set(id, numbersOf(e));
    }
  } else if (hosts !== null && typeof hosts === 'object') {
    for (const [id, entry] of Object.entries(hosts as Record<string, unknown>)) {
      if (entry !== null && typeof entry === 'object') out.set(id, numbersOf(entry as Record<string, unknown>));
    }
  } else {
    return undefined;
  }
  return out;
}

function numbersOf(e: Record<string, unknown>): HostSimulation {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(e)) if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  return out;
}

/** A replica set (app and role) whose every running replica is on one host (src/simulation/availability-figures.ts). */
export interface StoredLostReplicaSet {
  app: string;
  role: string;
  vms: readonly string[];
}

/** The availability figures the stored simulation holds beside its per-host numbers; each map is empty when absent. */
export interface StoredAvailability {
  /** Per cluster, its numeric figures (`haToleratedFailures`, `pCannotRestart`, …). */
  clusters: Map<string, Readonly<Record<string, number>>>;
  /** Per running VM, expected downtime in hours per year. */
  vmDowntimeHours: Map<string, number>;
  /** Per host, the replica sets it takes down alone (hosts losing none are absent). */
  lostReplicaSets: Map<string, readonly StoredLostReplicaSet[]>;
}

/**
 * Reads the cluster, VM and replica-set figures of a stored simulation. Entries of the wrong shape are skipped:
 * the resource then reads as not simulated, which makes the availability rules `unverified`, never passed.
 */
export function readAvailability(meta: unknown): StoredAvailability | undefined {
  if (meta === null || typeof meta !== 'object') return undefined;
  const m = meta as Record<string, unknown>;
  const clusters = new Map<string, Readonly<Record<string, number>>>();
  for (const [id, entry] of entriesOf(m.clusters))
    if (entry !== null && typeof entry === 'object') clusters.set(id, numbersOf(entry as Record<string, unknown>));
  const vmDowntimeHours = new Map<string, number>();
  for (const [id, hours] of entriesOf(m.vmDowntimeHoursPerYear))
    if (typeof hours === 'number' && Number.isFinite(hours) && hours >= 0) vmDowntimeHours.set(id, hours);
  const lostReplicaSets = new Map<string, readonly StoredLostReplicaSet[]>();
  for (const [id, sets] of entriesOf(m.lostReplicaSets)) {
    if (!Array.isArray(sets)) continue;
    const valid = sets.filter(isLostReplicaSet);
    if (valid.length > 0) lostReplicaSets.set(id, valid);
  }
  return { clusters, vmDowntimeHours, lostReplicaSets };
}

function entriesOf(x: unknown): [string, unknown][] {
  return x !== null && typeof x === 'object' && !Array.isArray(x) ? Object.entries(x) : [];
}

function isLostReplicaSet(x: unknown): x is StoredLostReplicaSet {
  if (x === null || typeof x !== 'object') return false;
  const s = x as Record<string, unknown>;
  return (
    typeof s.app === 'string' &&
    typeof s.role === 'string' &&
    Array.isArray(s.vms) &&
    s.vms.every((v) => typeof v === 'string')
  );
}
