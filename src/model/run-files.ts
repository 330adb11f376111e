import { createHash } from 'node:crypto';
import { z } from 'zod';
import { fleetFromJson, FleetJsonSchema, fleetToJson, type Fleet, type FleetJson } from './fleet';
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

const MiB = 1024 * 1024;

/**
 * The largest each run file may be when read back (`getJson` refuses a larger one before reading more of it): a run
 * file is hostile input like any other, and a damaged or planted one of gigabytes must not take a step's memory.
 * Sized from one full-size shard (96 hosts, 1,920 VMs, 8 events a VM; `bench/run-steps` 1, 2026-12-04): work file
 * 1.8 MB, simulation 1.6 MB, audit slice 1.2 MB, audit part 4.2 MB, staged lifecycle 8.3 MB on a first audit (every
 * finding new), and the judged list at 19.6 bytes a host or VM (≈ 21 MB at 1,000,000 VMs and 50,000 hosts). Each
 * bound leaves a cluster 15 to 55 times that shard's size (vSphere allows 96 hosts, 10,000 VMs a cluster; the
 * unclustered shard holds what it is given). A bound is per file, not per step: the report step reads 32 parts at once
 * (and keeps every part), so parts all near their bound (32 × 64 MiB = 2 GiB) would still pass its 1,536 MB; what
 * the bounds stop is one file of gigabytes, not many large ones.
 */
export const RUN_FILE_LIMITS = {
  /** 521 shards ≈ 27 KB; 16 MiB holds 50,000 one-host clusters with ids of 255 bytes. */
  clusterList: { kind: 'shard list', maxBytes: 16 * MiB },
  clusterWork: { kind: 'cluster work file', maxBytes: 64 * MiB },
  simulation: { kind: 'cluster simulation', maxBytes: 64 * MiB },
  auditSlice: { kind: 'audit slice', maxBytes: 64 * MiB },
  auditPart: { kind: 'audit part', maxBytes: 64 * MiB },
  lifecycleStage: { kind: 'staged lifecycle', maxBytes: 128 * MiB },
  /** `audit/judged.json`: about six times the list of a million-VM fleet. */
  judged: { kind: 'judged list', maxBytes: 128 * MiB },
} as const satisfies Record<string, { kind: string; maxBytes: number }>;

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

/**
 * A run file that does not parse: its key, the first offending field and zod's message. Only this code writes
 * run files, so this is a version skew or a damaged object, said plainly.
 */
export function refuseRunFile(key: string, error: z.ZodError): never {
  const issue = error.issues[0];
  throw new Error(`${key}: ${issue?.path.join('.') || 'file'}: ${issue?.message ?? 'invalid'}`);
}

/** Reads the shard list back (the finish step checks every shard reported); a bad file names its key and entry. */
export function readClusterList(value: unknown, key: string): ClusterItem[] {
  const parsed = ClusterListSchema.safeParse(value);
  if (!parsed.success) refuseRunFile(key, parsed.error);
  return parsed.data;
}

/** Everything one shard needs to simulate its cluster, without reading the table. */
export interface ClusterWork {
  clusterId: string;
  window: { start: string; steps: number; stepSeconds: number };
  fleet: FleetJson;
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

const ClusterWorkSchema = z.object({
  clusterId: z.string().min(1),
  window: z.object({ start: z.string(), steps: z.number().int().positive(), stepSeconds: z.number().positive() }),
  fleet: FleetJsonSchema,
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
  if (!parsed.success) refuseRunFile(key, parsed.error);
  const work = parsed.data as unknown as ClusterWork;
  return { work, fleet: fleetFromJson(parsed.data.fleet), placement: new Map(work.placement) };
}
