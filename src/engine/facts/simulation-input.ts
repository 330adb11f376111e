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
