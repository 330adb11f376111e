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

export const FleetEventSchema = z.discriminatedUnion('type', [
  z.object({ ...base, type: z.literal('host.upsert'), host: PartialHost }).strict(),
  z.object({ ...base, type: z.literal('host.remove'), host: HostRef }).strict(),
  z.object({ ...base, type: z.literal('host.connection_lost'), host: HostRef }).strict(),
  z.object({ ...base, type: z.literal('host.connected'), host: HostRef }).strict(),
  z.object({ ...base, type: z.literal('host.maintenance_enter'), host: HostRef }).strict(),
  z.object({ ...base, type: z.literal('host.maintenance_exit'), host: HostRef }).strict(),
  z.object({ ...base, type: z.literal('vm.upsert'), vm: PartialVm }).strict(),
  z.object({ ...base, type: z.literal('vm.remove'), vm: VmRef }).strict(),
  z.object({ ...base, type: z.literal('vm.power_on'), vm: VmRef }).strict(),
  z.object({ ...base, type: z.literal('vm.power_off'), vm: VmRef }).strict(),
  z.object({ ...base, type: z.literal('vm.clone'), clone: CloneBody }).strict(),
  z.object({ ...base, type: z.literal('vm.migrate'), migrate: MigrateBody }).strict(),
  z.object({ ...base, type: z.literal('perimeter.upsert'), perimeter: PerimeterSchema.partial().required({ id: true }) }).strict(),
]);

export type FleetEvent = z.infer<typeof FleetEventSchema>;
export type FleetEventType = FleetEvent['type'];
export const FLEET_EVENT_TYPES = FleetEventSchema.options.map((o) => o.shape.type.value) as FleetEventType[];

/** The entity an event belongs to; its partition in the store and its fold order. */
export function eventSubject(event: FleetEvent): { kind: 'host' | 'vm' | 'perimeter'; id: string } {
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
  }
}

/** Total order on events: event time, then id, so ties resolve the same way on every replay. */
export function compareEvents(a: Pick<FleetEvent, 'time' | 'id'>, b: Pick<FleetEvent, 'time' | 'id'>): number {
  const ta = Date.parse(a.time);
  const tb = Date.parse(b.time);
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
