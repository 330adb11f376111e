import type { FleetEvent } from '../model/event';
import { ingestOutcomes, type IngestReport } from './ingest';
import { STATE, vsphereCheckpointKey, writeState } from '../store/state-keys';
import type { FleetStore } from '../store/types';
import type { Ports } from './ports';
import { inventorySnapshotOutcomes } from '../sources/inventory-snapshot';
import { emit } from '../sources/outcome';
import type { SourceOutcome } from '../sources/types';
import { normaliseVcenter, scopedMoRef } from '../sources/vcenter';
import { vcenterSourceKey } from '../sources/vcenter-envelope';
import { readCheckpoint, type VsphereCheckpoint } from '../sources/vsphere/checkpoint';
import { VsphereError } from '../sources/vsphere/errors';
import { eventJson, readEvents } from '../sources/vsphere/events';
import { digestOf, loadDigests, saveDigests, type Digests } from '../sources/vsphere/inventory-digests';
import { HOST_OPTIONS_HOP, HOST_PATHS, mapHost, OPTION_PATHS } from '../sources/vsphere/map-host';
import { mapVm, VM_PATHS } from '../sources/vsphere/map-vm';
import { retrieveAll, type ObjectContent, type RetrieveStats } from '../sources/vsphere/property-collector';
import { SoapClient, type SoapClientOptions } from '../sources/vsphere/soap-client';
import { buildTopology, refKey, TOPOLOGY_TYPES } from '../sources/vsphere/topology';
import { childText, moRefXml, type XmlValue } from '../sources/vsphere/xml';

export interface CollectOptions extends SoapClientOptions {
  username: string;
  password: string;
  /** First collection only: how far back to read events. */
  eventWindowHours?: number;
  /** Objects per RetrievePropertiesEx page. */
  pageSize?: number;
  /** Events per ReadNextEvents page. */
  eventPageSize?: number;
  onProgress?: (p: CollectProgress) => void;
}

export interface CollectProgress {
  phase: 'connect' | 'topology' | 'hosts' | 'vms' | 'events' | 'store' | 'done';
  objects: number;
  events: number;
}

export interface CollectReport {
  vcenter: string;
  instanceUuid: string;
  objects: { hosts: number; vms: number; total: number };
  /** vCenter events read since the checkpoint. */
  events: number;
  /** Canonical events stored for the first time / already stored. */
  stored: number;
  duplicates: number;
  removed: number;
  ignored: number;
  rejected: IngestReport['rejected'];
  roundTrips: number;
  pages: number;
  /** Properties this vCenter's version does not have (dropped, or reported missing per object). */
  missingProperties: string[];
  eventsSince: string;
}

/**
 * The fields a collection states whole (`complete`): what the collector reads. Fields it never reads (perimeter,
 * labels, workload, power curves...) stay as the operator or another source wrote them.
 */
const HOST_FIELDS = [
  'name',
  'datacenter',
  'cluster',
  'hypervisor',
  'cpu',
  'memoryMiB',
  'nics',
  'settings',
  'services',
  'lockdownMode',
  'secureBoot',
  'tpm',
  'ntpServers',
  'syslogHosts',
  'connectionState',
  'maintenanceMode',
];
const VM_FIELDS = [
  'name',
  'hostId',
  'cluster',
  'datacenter',
  'datastore',
  'datastores',
  'vcpus',
  'memoryMiB',
  'powerState',
  'guestOs',
  'nics',
  'disks',
  'settings',
  'hardwareVersion',
  'connectedDevices',
  'devices',
  'ftEncryptionMode',
  'encrypted',
  'snapshots',
];

const HOST_LOC = (vcenter: string, moref: string) => ({ file: `vcenter ${vcenter}`, record: `HostSystem ${moref}` });
const VM_LOC = (vcenter: string, moref: string) => ({ file: `vcenter ${vcenter}`, record: `VirtualMachine ${moref}` });

/** The CloudEvent `source` VEBA gives the events of the vCenter at this URL. */
export function vebaSource(url: string): string {
  return vcenterSourceKey(url);
}

/**
 * One collection: inventory and configuration of every host and VM, plus the vCenter's events since the last
 * checkpoint, stored through the same ingest as every other source. The inventory digests and the checkpoint
 * are written only after every event is stored, so a failure anywhere leaves them where they were and a re-run
 * repeats the work (what was stored counts as duplicates).
 */
export async function collectVsphere({ store }: Ports<'store'>, options: CollectOptions): Promise<CollectReport> {
  const client = new SoapClient(options);
  const progress = { objects: 0, events: 0 };
  const tell = (phase: CollectProgress['phase']) => options.onProgress?.({ phase, ...progress });
  tell('connect');
  const content = await client.login(options.username, options.password);
  try {
    return await collectWith(client, store, options, content.instanceUuid, progress, tell);
  } finally {
    await client.logout();
  }
}

async function collectWith(
  client: SoapClient,
  store: FleetStore,
  options: CollectOptions,
  scope: string,
  progress: { objects: number; events: number },
  tell: (phase: CollectProgress['phase']) => void,
): Promise<CollectReport> {
  const vcenter = client.host;
  const pageSize = options.pageSize ?? 500;
  const scoped = (moref: string) => scopedMoRef(scope, moref);
  const stats: RetrieveStats = { pages: 0, droppedPaths: [] };
  const missing = new Set<string>();
  const noteMissing = (o: ObjectContent) => {
    for (const m of o.missing) missing.add(`${o.obj.type}.${m}`);
  };

  // The vCenter's clock, not ours: upserts are stamped with it and the checkpoint never passes it.
  const nowRes = await client.call(
    'CurrentTime',
    moRefXml('_this', { type: 'ServiceInstance', value: 'ServiceInstance' }),
  );
  const nowText = childText(nowRes, 'returnval');
  if (!nowText || Number.isNaN(Date.parse(nowText)))
    throw new VsphereError('protocol', `vCenter ${vcenter}: CurrentTime returned no time`);
  const now = new Date(nowText).toISOString();

  tell('topology');
  const topoObjects: ObjectContent[] = [];
  for await (const page of retrieveAll(
    client,
    { viewTypes: TOPOLOGY_TYPES, specs: TOPOLOGY_TYPES.map((type) => ({ type, paths: ['name', 'parent'] })), pageSize },
    stats,
  )) {
    topoObjects.push(...page);
  }
  const topology = buildTopology(topoObjects);

  tell('hosts');
  const hostObjects: ObjectContent[] = [];
  const optionObjects = new Map<string, ObjectContent>();
  for await (const page of retrieveAll(
    client,
    {
      viewTypes: ['HostSystem'],
      specs: [
        { type: 'HostSystem', paths: HOST_PATHS },
        { type: 'OptionManager', paths: OPTION_PATHS },
      ],
      hops: [HOST_OPTIONS_HOP],
      pageSize,
    },
    stats,
  )) {
    for (const o of page) {
      noteMissing(o);
      if (o.obj.type === 'HostSystem') hostObjects.push(o);
      else optionObjects.set(refKey(o.obj), o);
    }
    progress.objects = hostObjects.length;
    tell('hosts');
  }

  const vcenterScope = { source: 'vcenter', instance: scope };
  const before = await loadDigests(store, scope);
  const after: Digests = new Map();
  const outcomes: SourceOutcome[] = [];
  const upsert = (
    key: string,
    type: 'host.upsert' | 'vm.upsert',
    body: { id: string },
    loc: { file: string; record: string },
  ) => {
    const digest = digestOf(body);
    const old = before.get(key);
    const time = old && old[0] === digest ? old[1] : now;
    after.set(key, [digest, time]);
    const candidate = {
      id: `vsphere:${body.id}:${digest}`,
      time,
      type,
      source: 'vcenter',
      ...(type === 'host.upsert'
        ? { host: body, complete: { fields: HOST_FIELDS } }
        : { vm: body, complete: { fields: VM_FIELDS } }),
      scope: vcenterScope,
    };
    outcomes.push(emit('vcenter', loc, candidate));
  };

  const hostPlacement = new Map<string, { id: string; cluster?: string; datacenter?: string }>();
  for (const o of hostObjects) {
    const { moref, host } = mapHost(o, optionObjects, topology, scoped, vcenter);
    hostPlacement.set(moref, {
      id: host.id,
      ...(host.cluster && { cluster: host.cluster }),
      ...(host.datacenter && { datacenter: host.datacenter }),
    });
    upsert(`host:${moref}`, 'host.upsert', host, HOST_LOC(vcenter, moref));
  }

  tell('vms');
  let vmCount = 0;
  for await (const page of retrieveAll(
    client,
    { viewTypes: ['VirtualMachine'], specs: [{ type: 'VirtualMachine', paths: VM_PATHS }], pageSize },
    stats,
  )) {
    for (const o of page) {
      noteMissing(o);
      const { moref, vm } = mapVm(o, hostPlacement, topology, scoped, vcenter);
      upsert(`vm:${moref}`, 'vm.upsert', vm, VM_LOC(vcenter, moref));
      vmCount++;
    }
    progress.objects = hostObjects.length + vmCount;
    tell('vms');
  }

  // What is gone since the last collection: an inventory snapshot of this vCenter lists every host and VM it
  // has now. Its time is kept while the membership is unchanged, so an unchanged vCenter gives a duplicate.
  const hostIds = [...hostPlacement.values()].map((h) => h.id);
  const vmIds: string[] = [];
  for (const key of after.keys()) if (key.startsWith('vm:')) vmIds.push(scoped(key.slice(3)));
  let removed = 0;
  for (const key of before.keys()) if (!key.startsWith('snapshot:') && !after.has(key)) removed++;
  const membership = digestOf({ hosts: [...hostIds].sort(), vms: [...vmIds].sort() });
  const oldMembership = before.get('snapshot:members');
  const snapshotTime = oldMembership && oldMembership[0] === membership ? oldMembership[1] : now;
  after.set('snapshot:members', [membership, snapshotTime]);
  outcomes.push(
    ...inventorySnapshotOutcomes(
      'vcenter',
      { file: `vcenter ${vcenter}`, record: 'inventory snapshot' },
      vcenterScope,
      snapshotTime,
      { hosts: hostIds, vms: vmIds },
    ),
  );

  tell('events');
  const checkpoint = await readCheckpoint(store, scope);
  const windowMs = (options.eventWindowHours ?? 24) * 3600_000;
  const since = checkpoint?.eventsSince ?? new Date(Date.parse(now) - windowMs).toISOString();
  const source = vebaSource(options.url);
  let newest = since;
  let eventCount = 0;
  const eventStats = { pages: 0 };
  for await (const page of readEvents(client, since, options.eventPageSize ?? 1000, eventStats)) {
    for (const ev of page) {
      eventCount++;
      const created = childText(ev, 'createdTime');
      // A forged future time must not pin the checkpoint past the vCenter's own clock.
      if (
        created &&
        !Number.isNaN(Date.parse(created)) &&
        Date.parse(created) > Date.parse(newest) &&
        Date.parse(created) <= Date.parse(now)
      ) {
        newest = new Date(created).toISOString();
      }
      outcomes.push(...normaliseEvent(ev, source, scope, vcenter));
    }
    progress.events = eventCount;
    tell('events');
  }

  tell('store');
  const report = await ingestOutcomes(store, outcomes);
  // Only now, with every event stored, do the digests and the checkpoint move.
  await saveDigests(store, scope, before, after);
  const next: VsphereCheckpoint = { eventsSince: newest, collectedAt: now, url: source };
  await writeState(store, vsphereCheckpointKey(scope), next);
  await writeState(store, STATE.vsphereScopeAliases.key(source), scope);
  tell('done');

  for (const p of stats.droppedPaths) missing.add(p);
  return {
    vcenter,
    instanceUuid: scope,
    objects: { hosts: hostObjects.length, vms: vmCount, total: hostObjects.length + vmCount },
    events: eventCount,
    stored: report.accepted,
    duplicates: report.duplicates,
    removed,
    ignored: report.ignored.length,
    rejected: report.rejected,
    roundTrips: client.roundTrips,
    pages: stats.pages + eventStats.pages,
    missingProperties: [...missing].sort(),
    eventsSince: since,
  };
}

/** A vim25 event, as VEBA would deliver it (a CloudEvent from this vCenter), through the vCenter normaliser. */
function normaliseEvent(ev: XmlValue, source: string, scope: string, vcenter: string): SourceOutcome[] {
  const body = eventJson(ev) as Record<string, unknown>;
  const className = typeof body._typeName === 'string' ? body._typeName : 'Event';
  const eventTypeId = typeof body.eventTypeId === 'string' ? body.eventTypeId : undefined;
  const cloudEvent = {
    specversion: '1.0',
    id: String(body.key ?? ''),
    source,
    type: `com.vmware.vsphere.${eventTypeId ?? className}.v0`,
    ...(typeof body.createdTime === 'string' && { time: body.createdTime }),
    data: body,
  };
  return normaliseVcenter(
    cloudEvent,
    { file: `vcenter ${vcenter}`, record: `event ${String(body.key ?? '?')}` },
    { vcenterScope: scope },
  );
}

export type { FleetEvent };
