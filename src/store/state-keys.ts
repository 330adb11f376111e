import { z } from 'zod';
import type { ComplianceSummary } from '../engine/compliance';
import { WaiverSchema } from '../engine/waivers';
import { SEVERITIES } from '../model/finding';
import type { FleetStore, ListMetaOptions } from './types';

/**
 * Every state entry the store keeps under `META`, declared once with its shape. Writers and readers go through
 * `writeState` / `readState` / `listState`, so what one step stores and another reads cannot drift apart
 * unnoticed: a stored value that does not parse is a `StateShapeError` naming its key and field, never a
 * silent "not applicable". Key layout and access patterns: docs/store.md.
 */

/** One entry under a fixed key. */
export interface StateKey<T> {
  readonly key: string;
  readonly schema: z.ZodType<T>;
}

/** Entries sharing a prefix (one per run, shard, scope ...), all of one shape. */
export interface StateFamily<T> {
  readonly prefix: string;
  readonly schema: z.ZodType<T>;
  key(suffix: string): StateKey<T>;
}

function single<T>(key: string, schema: z.ZodType<T>): StateKey<T> {
  return { key, schema };
}

function family<T>(prefix: string, schema: z.ZodType<T>): StateFamily<T> {
  return { prefix, schema, key: (suffix) => ({ key: `${prefix}${suffix}`, schema }) };
}

const IsoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'not a date');
const Counts = z.record(z.string(), z.number());

const AuditRunRecord = z.looseObject({
  generatedAt: IsoTime,
  profile: z.string(),
  mode: z.enum(['full', 'incremental', 'sharded']),
  summary: z.looseObject({ hosts: z.number(), vms: z.number(), findings: Counts }),
  lastFullAuditAt: IsoTime.optional(),
  /** Which rules judged the fleet (`rulePackVersion`); absent on records written before issue 15. */
  rulePackVersion: z.string().optional(),
  /** The fleet as audited: `report` and `notify` audit again when it has moved since (issue 15 item 8). */
  fleet: z
    .object({ hosts: z.number(), vms: z.number(), perimeters: z.number(), newestEventAt: z.string().optional() })
    .optional(),
});

/** Per-host figures the audit's simulation rules read (numbers), plus a few labels. */
const HostFigures = z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()]));

/**
 * `simulation/latest`: `storedForm` of src/app/simulate.ts (hosts keyed by id). A list of hosts each naming its
 * `id` or `hostId` is still read (earlier versions and hand-made fixtures stored it); any other shape is refused.
 */
const StoredSimulation = z.looseObject({
  simulatedAt: IsoTime.optional(),
  hosts: z.union([
    z.record(z.string(), z.looseObject({})),
    z.array(z.union([z.looseObject({ id: z.string() }), z.looseObject({ hostId: z.string() })])),
  ]),
});

/** Index of the per-cluster simulation entries: small whatever the fleet's size. */
const SimulationIndex = z.object({
  simulatedAt: IsoTime,
  /** The run that wrote the cluster entries; entries of another run are stale and not read. */
  runId: z.string(),
  clusters: z.number().int().nonnegative(),
  hosts: z.number().int().nonnegative(),
  vms: z.number().int().nonnegative(),
});

const ClusterSimulation = z.object({
  runId: z.string(),
  clusterId: z.string(),
  simulatedAt: IsoTime,
  hosts: z.record(z.string(), HostFigures),
  /** The cluster's summary figures as the simulation reports them. */
  cluster: z.record(z.string(), z.unknown()).optional(),
  /** Expected downtime (hours per year) of the cluster's running VMs, in parts of their own. */
  vmDowntimeHoursPerYear: z.record(z.string(), z.number()).optional(),
  /** Per host of this part, the replica sets that go down with it alone (`lostReplicaSets` of the simulation). */
  lostReplicaSets: z
    .record(z.string(), z.array(z.object({ app: z.string(), role: z.string(), vms: z.array(z.string()) })))
    .optional(),
});

const SimulationRun = z.looseObject({
  simulatedAt: IsoTime,
  window: z.unknown(),
  seed: z.unknown(),
  trials: z.unknown(),
  fleet: z.unknown(),
  placementChanges: z.number(),
});

const LatestReport = z.object({ generatedAt: IsoTime, dir: z.string(), url: z.string() });

const RunSummary = z.object({
  at: IsoTime,
  hosts: z.number(),
  vms: z.number(),
  open: Counts,
  /** Findings that fail only on defaults or unreported values, by severity (issue 15 item 9). */
  unverified: Counts.optional(),
  waived: z.number(),
  resolved: z.number(),
  energyKWh: z.number().optional(),
  overloadedTimeFraction: z.number().optional(),
});

const RunFailureRecord = z.object({
  runId: z.string(),
  trigger: z.string(),
  state: z.string(),
  error: z.string(),
  cause: z.string(),
  status: z.literal('failed'),
  at: IsoTime,
});

const NotifyLast = z.object({
  at: z.string(),
  seq: z.number().optional(),
  announced: z.array(z.string()).optional(),
  sharded: z.boolean().optional(),
});
const NotifyShard = z.object({ at: z.string(), fingerprints: z.array(z.string()) });

const PlanText = z.string().max(4096);
const PlanFinding = z.looseObject({ ruleId: PlanText, resourceId: PlanText, severity: PlanText });
/**
 * `plan/latest`: `storedPlan` of src/app/plan.ts, as far as the report's "Planned fixes" reads it (lists bounded,
 * strings short: the section renders what is here); the plan's other fields are kept as they are.
 */
const StoredPlan = z.looseObject({
  goal: z.enum(['fix', 'balance', 'energy']),
  generatedAt: PlanText,
  steps: z
    .array(
      z.looseObject({
        step: z.number().int(),
        vmName: PlanText,
        fromHostId: PlanText,
        toHostId: PlanText,
        reason: PlanText,
        command: PlanText,
      }),
    )
    .max(10_000),
  maintenance: z.array(z.looseObject({ hostId: PlanText, afterStep: z.number().int(), command: PlanText })).max(10_000),
  unresolved: z
    .array(z.looseObject({ kind: PlanText, subject: PlanText, detail: PlanText, reason: PlanText }))
    .max(10_000),
  verification: z.looseObject({
    findingsBefore: z.number(),
    findingsAfter: z.number(),
    cleared: z.array(PlanFinding).max(10_000),
    added: z.array(PlanFinding).max(10_000),
    simulation: z.looseObject({
      before: z.record(z.string(), z.number()),
      after: z.record(z.string(), z.number()),
    }),
  }),
});

const OutcomeCounts = z.object({
  pass: z.number(),
  fail: z.number(),
  waived: z.number(),
  notApplicable: z.number(),
  unverified: z.number(),
});
const ResourceTypeName = z.enum(['host', 'vm', 'cluster', 'perimeter']);
const FrameworkCompliance = z.object({
  framework: z.string(),
  name: z.string(),
  controls: z.number(),
  controlsPassing: z.number(),
  controlsFailing: z.number(),
  controlsUnverified: z.number(),
  checks: OutcomeCounts,
  percentCompliant: z.number().nullable(),
});
/**
 * `compliance/latest`: the latest full audit's ComplianceRecord (src/engine/compliance.ts) without its id lists,
 * plus how many `compliance/latest/part/` entries hold them (src/app/compliance-store.ts).
 */
const ComplianceHeader = z.object({
  at: IsoTime,
  profile: z.string(),
  resources: z.object({ host: z.number(), vm: z.number(), cluster: z.number(), perimeter: z.number() }),
  rules: z.array(
    OutcomeCounts.extend({
      ruleId: z.string(),
      title: z.string(),
      severity: z.enum(SEVERITIES),
      resourceType: ResourceTypeName,
      controls: z.array(z.object({ framework: z.string(), id: z.string() })),
      evaluated: z.number().int().nonnegative(),
    }),
  ),
  controls: z.array(
    OutcomeCounts.extend({
      framework: z.string(),
      id: z.string(),
      rules: z.array(z.string()),
      status: z.enum(['pass', 'fail', 'unverified', 'notApplicable']),
    }),
  ),
  frameworks: z.array(FrameworkCompliance),
  parts: z.number().int().nonnegative(),
  /**
   * SHA-256 (hex) of the parts' joined text, present only while the parts hold exactly that text (a writer of other
   * parts removes it first): an audit with the same id lists leaves the parts as they are. Absent in older headers.
   */
  partsDigest: z.string().optional(),
});
/** Each full audit's compliance figures without resource ids, for the trend. */
const ComplianceRun: z.ZodType<ComplianceSummary> = z.object({
  at: IsoTime,
  profile: z.string(),
  frameworks: z.array(FrameworkCompliance),
  rules: z.array(OutcomeCounts.extend({ ruleId: z.string() })),
});

/** Per vCenter: where the next collection's event reading starts. Written only after its events are stored. */
const VsphereCheckpoint = z.object({
  /** Newest event creation time stored (never later than the vCenter's clock at that collection). */
  eventsSince: IsoTime,
  collectedAt: z.string(),
  url: z.string(),
});
/** One of a vCenter's inventory digest shards: MoRef → [digest of its last upsert, that upsert's time]. */
const VsphereDigestShard = z.record(z.string(), z.tuple([z.string(), z.string()]));

/**
 * Per-webhook pacing shared by every run through the store: when the last request went out, and after a
 * 429 or an outage, the time before which no run may post again (with the pause's length, so a writer
 * whose clock runs ahead cannot stall delivery for longer than the pause it was told to take).
 */
const WebhookPacing = z.object({
  at: z.number(),
  notBefore: z.number().optional(),
  pauseMs: z.number().optional(),
  reason: z.string().optional(),
  /** Outage attempts in a row without an answer, across runs: the next backoff doubles from here. */
  failures: z.number().optional(),
});
/** A Slack message Slack refused for good, with the answer, kept for a person to look at. */
const DeadLetter = z.object({
  id: z.string(),
  status: z.number(),
  body: z.string(),
  at: IsoTime,
  /** The refused message as it was queued; kept for a person, never read back by the code. */
  message: z.unknown(),
});

/**
 * `serve`'s "stored but not yet evaluated" marker: the entities one write touched, removed after their evaluation
 * (src/server/pending-evaluation.ts). The kinds are `SubjectKind` of src/model/event.ts.
 */
const PendingEvaluation = z.object({
  subjects: z
    .array(z.object({ kind: z.enum(['host', 'vm', 'perimeter', 'scope']), id: z.string().min(1) }))
    .max(100_000),
});

/** The folder holding the traces the stored fleet's workloads name (`workload.trace`), recorded by the demo. */
const TracesFolder = z.object({ dir: z.string().min(1).max(4096), recordedAt: IsoTime });

/** Written by a compaction that placed every entity in the cluster index; incremental reads need it. */
/** `index`: the index the snapshots were placed for (absent: the previous `cluster-index`, projection ALL). */
const ClusterIndexBuilt = z.object({ builtAt: IsoTime, entities: z.number(), index: z.string().optional() });

/** Written by a full compaction once every placement is in the shard registry; the daily run lists shards from it. */
const ShardRegistryBuilt = z.object({ builtAt: IsoTime, shards: z.number() });

export const STATE = {
  /** The shard registry (`SHARDS` items) lists every cluster-index partition of hosts and VMs since this compaction. */
  shardRegistry: single('store/shard-registry', ShardRegistryBuilt),
  /** Every entity snapshot carries its cluster-index placement (src/store/cluster-index.ts) since this compaction. */
  clusterIndex: single('store/cluster-index', ClusterIndexBuilt),
  /** The latest audit's run record; `lastFullAuditAt` stands in for every unresolved finding's last sighting. */
  auditLatest: single('audit/latest', AuditRunRecord),
  /** The waivers last given to an audit: later audits (CLI, evaluate Lambda) keep honouring them. */
  auditWaivers: single('audit/waivers', z.array(WaiverSchema)),
  /** Whole-fleet simulation figures in one item (CLI `simulate`, fleets up to ~1,500 hosts). */
  simulationLatest: single('simulation/latest', StoredSimulation),
  /** Points at the newest workflow run's per-cluster simulation entries. */
  simulationIndex: single('simulation/index', SimulationIndex),
  /** One workflow run's simulation figures for one cluster: no single-item limit on the fleet's size. */
  simulationCluster: family('simulation/cluster/', ClusterSimulation),
  /** Where the stored fleet's traces are: `simulate` and `plan` read them from there when given no `--traces`. */
  tracesFolder: single('simulation/traces-folder', TracesFolder),
  /** What each `simulate` run was (window, seed, trials, fleet figures). */
  simulationRuns: family('simulation/runs/', SimulationRun),
  /** Where the last report was written, so `notify` can link to it. */
  reportLatest: single('report/latest', LatestReport),
  /** One audit run's headline figures per report time, for the trend chart. */
  runSummaries: family('runs/', RunSummary),
  /** A failed workflow run, per run id. */
  runFailures: family('run/', RunFailureRecord),
  /** What the last digest announced (inline, or sharded into `notifyAnnounced`). */
  notifyLast: single('notify/last', NotifyLast),
  notifyAnnounced: family('notify/announced/', NotifyShard),
  /** The latest full audit's compliance view; its resource id lists are in `complianceParts`. */
  complianceLatest: single('compliance/latest', ComplianceHeader),
  /** Slices of one JSON text of the id lists, split to stay far under DynamoDB's item limit. */
  complianceParts: family('compliance/latest/part/', z.string()),
  complianceRuns: family('compliance/runs/', ComplianceRun),
  /** The last plan (`hyperaudit plan` or the workflow's plan step), for the report. */
  planLatest: single('plan/latest', StoredPlan),
  /** Per webhook (a hash of its URL): request spacing and any 429 or outage pause. */
  webhookPacing: family('notify/rate/', WebhookPacing),
  /** Messages Slack refused for good, per message id. */
  deadLetters: family('notify/dead/', DeadLetter),
  /** CloudEvent `source` → vCenter instanceUuid, so VEBA events of a collected vCenter scope their MoRefs the same way. */
  vsphereScopeAliases: family('vsphere#source#', z.string()),
  /** `serve`: entities stored but not yet evaluated, one entry per write; a restart evaluates what is left. */
  pendingEvaluation: family('pending-evaluation/', PendingEvaluation),
} as const;

/** A collected vCenter's checkpoint (its scope is the vCenter's instanceUuid). */
export function vsphereCheckpointKey(scope: string): StateKey<z.infer<typeof VsphereCheckpoint>> {
  return single(`vsphere#${scope}#checkpoint`, VsphereCheckpoint);
}

/** A collected vCenter's inventory digests, in shards. */
export function vsphereDigestKeys(scope: string): StateFamily<z.infer<typeof VsphereDigestShard>> {
  return family(`vsphere#${scope}#inventory#`, VsphereDigestShard);
}

/**
 * A profile's own digest state (issue 15 item 7): the default profile keeps `notify/last` and its shards, another
 * one has `notify/<profile>/last` and `notify/<profile>/announced/`, so switching profiles announces nothing.
 */
export function notifyStateKeys(profile: string | undefined): {
  last: StateKey<z.infer<typeof NotifyLast>>;
  announced: StateFamily<z.infer<typeof NotifyShard>>;
} {
  if (profile === undefined || profile === 'scg') return { last: STATE.notifyLast, announced: STATE.notifyAnnounced };
  return {
    last: single(`notify/${profile}/last`, NotifyLast),
    announced: family(`notify/${profile}/announced/`, NotifyShard),
  };
}

export type StateValue<K> = K extends StateKey<infer T> ? T : K extends StateFamily<infer T> ? T : never;

/** A stored state entry whose shape is not the declared one: names the key and the first field that is wrong. */
export class StateShapeError extends Error {
  constructor(
    readonly key: string,
    readonly field: string,
    detail: string,
  ) {
    super(`stored state ${key}: ${field || 'value'}: ${detail}`);
    this.name = 'StateShapeError';
  }
}

/** Validates a state value against its declaration; throws `StateShapeError` naming the key. */
export function parseState<T>(k: StateKey<T>, value: unknown): T {
  const parsed = k.schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new StateShapeError(k.key, issue?.path.join('.') ?? '', issue?.message ?? 'invalid');
}

export async function readState<T>(store: FleetStore, k: StateKey<T>): Promise<T | undefined> {
  const value = await store.getMeta<unknown>(k.key);
  return value === undefined ? undefined : parseState(k, value);
}

/** Checks the value before it is stored, so a writer cannot leave a shape its readers would refuse. */
export async function writeState<T>(store: FleetStore, k: StateKey<T>, value: T): Promise<void> {
  await store.putMeta(k.key, parseState(k, value));
}

/**
 * Every entry of a family, sorted by key; with `within`, only those whose suffix starts with it; with `newest`,
 * only the last entries by key.
 */
export async function listState<T>(
  store: FleetStore,
  f: StateFamily<T>,
  within = '',
  options: ListMetaOptions = {},
): Promise<{ key: string; value: T }[]> {
  const entries = await store.listMeta<unknown>(f.prefix + within, options);
  return entries.map(({ key, value }) => ({ key, value: parseState(f.key(key.slice(f.prefix.length)), value) }));
}
