import { compareIds, compareTimes, subMillisecond } from './event-order';
import { z } from 'zod';
import { HostSchema } from './host';
import { VmSchema } from './vm';
import { PerimeterSchema } from './perimeter';

/** RFC 3339 date-time with an explicit offset; event time, not arrival time, orders state. */
const EventTime = z.iso.datetime({ offset: true });

const base = {
  /** Unique per event, stable across re-delivery: the idempotency key. */
  id: z.string().min(1).max(1024),
  time: EventTime,
  /** Which normaliser produced the event (vcenter, nova, rvtools, proxmox, libvirt, canonical). */
  source: z.string().max(64).optional(),
};

const HostRef = z.object({ id: z.string().min(1).max(512) }).strict();
const VmRef = z.object({ id: z.string().min(1).max(512) }).strict();
const PartialHost = HostSchema.partial().required({ id: true });
const PartialVm = VmSchema.partial().required({ id: true });

export const MigrationKind = z.enum(['live', 'cold', 'evacuate', 'drs', 'ha']);
export type MigrationKind = z.infer<typeof MigrationKind>;

export const MigrateBody = z
  .object({
    vmId: z.string().min(1).max(512),
    fromHostId: z.string().max(512).optional(),
    toHostId: z.string().min(1).max(512),
    fromDatastore: z.string().max(512).optional(),
    toDatastore: z.string().max(512).optional(),
    toCluster: z.string().max(512).optional(),
    toDatacenter: z.string().max(512).optional(),
    kind: MigrationKind,
  })
  .strict();

export const CloneBody = z.object({ sourceVmId: z.string().min(1).max(512), vm: PartialVm }).strict();

// --- Full snapshots (issue 21): a collection says what is, not what changed. ---
/**
 * Where a collector's view ends: the vCenter, libvirt connection, Proxmox cluster, ... it read whole.
 * `source` names the kind of peer (vcenter, libvirt, proxmox, rvtools, ...), `instance` which one.
 */
export const ScopeSchema = z
  .object({ source: z.string().min(1).max(64), instance: z.string().min(1).max(512) })
  .strict();
export type Scope = z.infer<typeof ScopeSchema>;

const hostFieldNames = Object.keys(HostSchema.shape).filter((k) => k !== 'id') as [string, ...string[]];
const vmFieldNames = Object.keys(VmSchema.shape).filter((k) => k !== 'id') as [string, ...string[]];
/**
 * The payload is the entity's whole state at the event time: `true` for every field (and every key of
 * every map field), or the fields it covers, each with all its map keys. What is written before the event
 * and absent from it is gone; fields not covered are untouched.
 */
const completeMarker = (names: [string, ...string[]]) =>
  z.union([z.literal(true), z.object({ fields: z.array(z.enum(names)).min(1).max(names.length) }).strict()]);
export type CompleteMarker = true | { fields: string[] };

/** Ids in one inventory snapshot event; a larger scope is sent in parts. */
export const MAX_SNAPSHOT_IDS = 5000;
const SnapshotIds = z.array(z.string().min(1).max(512)).max(MAX_SNAPSHOT_IDS);
export const InventorySnapshotBody = z
  .object({
    scope: ScopeSchema,
    /** Every host of the scope at the event time; absent: the snapshot says nothing about hosts. */
    hosts: SnapshotIds.optional(),
    /** Every VM of the scope at the event time; absent: the snapshot says nothing about VMs. */
    vms: SnapshotIds.optional(),
    /**
     * One part of a snapshot split for size: parts share scope and time, the snapshot is the union of their
     * lists, and nothing is removed until all `count` parts are stored.
     */
    part: z
      .object({ index: z.number().int().min(1).max(10_000), count: z.number().int().min(1).max(10_000) })
      .strict()
      .refine((p) => p.index <= p.count, { message: 'part.index must be at most part.count' })
      .optional(),
  })
  .strict();
export type InventorySnapshotBody = z.infer<typeof InventorySnapshotBody>;
/** Upsert extras: `complete` (see above) and `scope`, recorded so a later inventory snapshot of that scope covers the entity. */
const hostSnapshotExtras = { complete: completeMarker(hostFieldNames).optional(), scope: ScopeSchema.optional() };
const vmSnapshotExtras = { complete: completeMarker(vmFieldNames).optional(), scope: ScopeSchema.optional() };

export const FleetEventSchema = z.discriminatedUnion('type', [
  z.object({ ...base, type: z.literal('host.upsert'), host: PartialHost, ...hostSnapshotExtras }).strict(),
  z.object({ ...base, type: z.literal('host.remove'), host: HostRef }).strict(),
  z.object({ ...base, type: z.literal('host.connection_lost'), host: HostRef }).strict(),
  z.object({ ...base, type: z.literal('host.connected'), host: HostRef }).strict(),
  z.object({ ...base, type: z.literal('host.maintenance_enter'), host: HostRef }).strict(),
  z.object({ ...base, type: z.literal('host.maintenance_exit'), host: HostRef }).strict(),
  z.object({ ...base, type: z.literal('vm.upsert'), vm: PartialVm, ...vmSnapshotExtras }).strict(),
  z.object({ ...base, type: z.literal('vm.remove'), vm: VmRef }).strict(),
  z.object({ ...base, type: z.literal('vm.power_on'), vm: VmRef }).strict(),
  z.object({ ...base, type: z.literal('vm.power_off'), vm: VmRef }).strict(),
  z.object({ ...base, type: z.literal('vm.clone'), clone: CloneBody }).strict(),
  z.object({ ...base, type: z.literal('vm.migrate'), migrate: MigrateBody }).strict(),
  z
    .object({
      ...base,
      type: z.literal('perimeter.upsert'),
      perimeter: PerimeterSchema.partial().required({ id: true }),
    })
    .strict(),
  z.object({ ...base, type: z.literal('inventory.snapshot'), snapshot: InventorySnapshotBody }).strict(),
]);

export type FleetEvent = z.infer<typeof FleetEventSchema>;
export type FleetEventType = FleetEvent['type'];
export const FLEET_EVENT_TYPES = FleetEventSchema.options.map((o) => o.shape.type.value) as FleetEventType[];

/** The entity an event belongs to; its partition in the store and its fold order. */
export type SubjectKind = 'host' | 'vm' | 'perimeter' | 'scope';

/** A scope's stable key: its partition id in the store and its name in entity states. */
export function scopeKey(scope: Scope): string {
  return `${scope.source}/${scope.instance}`;
}

export function eventSubject(event: FleetEvent): { kind: SubjectKind; id: string } {
  switch (event.type) {
    case 'host.upsert':
    case 'host.remove':
    case 'host.connection_lost':
    case 'host.connected':
    case 'host.maintenance_enter':
    case 'host.maintenance_exit':
      return { kind: 'host', id: event.host.id };
    case 'vm.upsert':
    case 'vm.remove':
    case 'vm.power_on':
    case 'vm.power_off':
      return { kind: 'vm', id: event.vm.id };
    case 'vm.clone':
      return { kind: 'vm', id: event.clone.vm.id };
    case 'vm.migrate':
      return { kind: 'vm', id: event.migrate.vmId };
    case 'perimeter.upsert':
      return { kind: 'perimeter', id: event.perimeter.id };
    case 'inventory.snapshot':
      return { kind: 'scope', id: scopeKey(event.snapshot.scope) };
  }
}

/** Total order on events: event time at full precision, then id (numeric-aware), so ties resolve the same way on every replay. */
export function compareEvents(a: Pick<FleetEvent, 'time' | 'id'>, b: Pick<FleetEvent, 'time' | 'id'>): number {
  return compareTimes(a.time, b.time) || compareIds(a.id, b.id);
}

/**
 * Where the digits of an id that is one run of non-digits then one run of digits without a leading zero
 * (`growth-vm-123`) start: `compareIds` orders two such ids by the prefixes as text, then by the numbers, which
 * `sortEvents` compares without walking the characters again. −1 for any other id (`compareIds` then decides).
 */
function simpleIdSplit(id: string): number {
  let k = id.length;
  while (k > 0 && isDigitCode(id.charCodeAt(k - 1))) k--;
  const digits = id.length - k;
  if (k === 0 || digits === 0 || digits > 15 || (digits > 1 && id.charCodeAt(k) === 48)) return -1;
  for (let i = 0; i < k; i++) if (isDigitCode(id.charCodeAt(i))) return -1;
  return k;
}

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * Sorts `events` in place by `compareEvents`, with each event's sort key worked out once: its time in milliseconds and
 * below, and for a simple id the rank of its prefix among the prefixes present (their text order) and its number. A
 * day of history at 100k VMs is about two million comparisons; parsing times in them, then comparing prefixes as
 * strings, was most of the sort. Same order: whatever the keys cannot decide (unparsable times, other ids) goes to
 * `compareTimes` and `compareIds` as before.
 */
export function sortEvents<T extends Pick<FleetEvent, 'time' | 'id'>>(events: T[]): T[] {
  const n = events.length;
  const ms = new Float64Array(n);
  const subMs = new Float64Array(n);
  /** Prefix rank of a simple id, −1 for other ids. */
  const rank = new Int32Array(n).fill(-1);
  const value = new Float64Array(n);
  const prefixAt: (string | undefined)[] = new Array(n);
  const prefixes = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const { time, id } = events[i]!;
    ms[i] = Date.parse(time);
    subMs[i] = subMillisecond(time);
    const k = simpleIdSplit(id);
    if (k < 0) continue;
    const prefix = id.slice(0, k);
    prefixAt[i] = prefix;
    prefixes.set(prefix, 0);
    // At most 15 digits: exact in a double.
    let v = 0;
    for (let j = k; j < id.length; j++) v = v * 10 + (id.charCodeAt(j) - 48);
    value[i] = v;
  }
  // Ranks in the order `<` puts the prefixes in (UTF-16 code units, as the default sort compares).
  for (const [r, prefix] of [...prefixes.keys()].sort().entries()) prefixes.set(prefix, r);
  for (let i = 0; i < n; i++) if (prefixAt[i] !== undefined) rank[i] = prefixes.get(prefixAt[i]!)!;
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((i, j) => {
    const a = ms[i]!;
    const b = ms[j]!;
    let byTime: number;
    if (Number.isNaN(a) || Number.isNaN(b)) byTime = compareTimes(events[i]!.time, events[j]!.time);
    else if (a !== b) byTime = a < b ? -1 : 1;
    // One millisecond: compareTimes would compare what the texts write below it.
    else byTime = subMs[i] === subMs[j] ? 0 : subMs[i]! < subMs[j]! ? -1 : 1;
    if (byTime !== 0) return byTime;
    const ri = rank[i]!;
    const rj = rank[j]!;
    if (ri >= 0 && rj >= 0) return ri !== rj ? ri - rj : value[i]! - value[j]!;
    return compareIds(events[i]!.id, events[j]!.id);
  });
  const sorted = order.map((i) => events[i]!);
  for (let i = 0; i < n; i++) events[i] = sorted[i]!;
  return events;
}
