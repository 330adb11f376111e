import { createHash } from 'node:crypto';
import { z } from 'zod';
import { emptyFleet, fleetToJson, type Fleet, type HostView, type VmView } from './fleet';
import type { Perimeter } from './perimeter';
import type { PlacementSegment, PlacementTimeline } from '../simulation/placement';

/**
 * Files one audit run keeps under `runs/<runId>/` of the reports bucket: the cluster list the Distributed
 * Map reads, one work file per cluster, and one simulation result per cluster. S3, not the state payload,
 * carries them, so a fleet of any size fits Step Functions' 256 KiB limit.
 */

/** Step Functions execution names: 1-80 characters, none of whitespace or `<>{}[]?*"#%\^|~\`$&,;:/`. */
export const RunId = z.string().regex(/^[^\s<>{}[\]?*"#%\\^|~`$&,;:/]{1,80}$/, 'not a Step Functions execution name');

/** Readable ASCII kept from a cluster id in its file name; the hash makes the name unique whatever was cut. */
const READABLE_CHARS = 48;

/**
 * A cluster's file name: a readable ASCII slug of the id plus a hash of the whole id. The key is plain
 * characters already, so nothing downstream encodes it a second time, and it stays short (under 80 bytes)
 * whatever the id's length or script, far inside S3's 1,024-byte key limit and a file system's 255-byte name.
 */
export function clusterFile(clusterId: string): string {
  const slug = clusterId
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .slice(0, READABLE_CHARS);
  const hash = createHash('sha256').update(clusterId, 'utf8').digest('hex').slice(0, 16);
  return `${slug}-${hash}.json`;
}

export const runKeys = {
  clusterList: (runId: string) => `runs/${runId}/clusters.json`,
  clusterWork: (runId: string, clusterId: string) => `runs/${runId}/clusters/${clusterFile(clusterId)}`,
  simulationPrefix: (runId: string) => `runs/${runId}/simulation/`,
  simulation: (runId: string, clusterId: string) => `runs/${runId}/simulation/${clusterFile(clusterId)}`,
  /** What one audit shard evaluates (its hosts and VMs, every perimeter, the hosts its VMs migrated between). */
  auditSlice: (runId: string, shard: string) => `runs/${runId}/audit/slices/${clusterFile(shard)}`,
  /** One audit shard's hits, coverage and perimeter counts, which the finish step merges. */
  auditPart: (runId: string, shard: string) => `runs/${runId}/audit/parts/${clusterFile(shard)}`,
};

/**
 * One item of the shard list: what each Distributed Map iteration receives. Every shard is audited; only one
 * with hosts is simulated (the `(no cluster)` shard may hold nothing but VMs on hosts nobody reported).
 */
export interface ClusterItem {
  clusterId: string;
  simulate: boolean;
  /**
   * Whether the shard compacts and reads itself first (prepare-shard.ts; `simulate` is then decided there), or the
   * start step already wrote its files from a whole-table read.
   */
  prepare: boolean;
}

const ClusterListSchema = z.array(
  z.object({ clusterId: z.string().min(1), simulate: z.boolean(), prepare: z.boolean().default(false) }),
);

/** Reads the shard list back (the finish step checks every shard reported); a bad file names its key and entry. */
export function readClusterList(value: unknown, key: string): ClusterItem[] {
  const parsed = ClusterListSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${key}: ${issue?.path.join('.') || 'list'}: ${issue?.message ?? 'invalid shard list'}`);
  }
  return parsed.data;
}

/** Everything one shard needs to simulate its cluster, without reading the table. */
export interface ClusterWork {
  clusterId: string;
  window: { start: string; steps: number; stepSeconds: number };
  fleet: ReturnType<typeof fleetToJson>;
  placement: [string, PlacementSegment[]][];
}

export function clusterWork(
  clusterId: string,
  fleet: Fleet,
  placement: PlacementTimeline | undefined,
  window: ClusterWork['window'],
): ClusterWork {
  const entries: [string, PlacementSegment[]][] = [];
  for (const id of fleet.vms.keys()) {
    const segments = placement?.get(id);
    if (segments !== undefined) entries.push([id, [...segments]]);
  }
  return { clusterId, window, fleet: fleetToJson(fleet), placement: entries };
}

const ById = z.array(z.looseObject({ id: z.string() }));
const ClusterWorkSchema = z.object({
  clusterId: z.string().min(1),
  window: z.object({ start: z.string(), steps: z.number().int().positive(), stepSeconds: z.number().positive() }),
  fleet: z.object({ hosts: ById, vms: ById, perimeters: ById }),
  placement: z.array(
    z.tuple([z.string(), z.array(z.object({ fromStep: z.number().int(), hostId: z.string().nullable() }))]),
  ),
});

/** Reads a cluster work file back; the audit step wrote it, so a mismatch means a version skew, said plainly. */
export function readClusterWork(
  value: unknown,
  key: string,
): { work: ClusterWork; fleet: Fleet; placement: PlacementTimeline } {
  const parsed = ClusterWorkSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${key}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid cluster work file'}`);
  }
  const work = parsed.data as unknown as ClusterWork;
  const fleet = emptyFleet();
  for (const h of work.fleet.hosts) fleet.hosts.set(h.id, h as HostView);
  for (const v of work.fleet.vms) fleet.vms.set(v.id, v as VmView);
  for (const p of work.fleet.perimeters) fleet.perimeters.set(p.id, p as Perimeter);
  return { work, fleet, placement: new Map(work.placement) };
}
