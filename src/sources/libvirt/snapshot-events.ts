import { contentId } from '../ids';
import { inventorySnapshotOutcomes } from '../inventory-snapshot';
import { emit, type Outcomes } from '../outcome';
import { libvirtDomainId, libvirtHostId } from '../scoped-id';
import type { DomainConfig } from './domain-xml';
import type { HostInfo } from './host-info';

export type DomainState = 'poweredOn' | 'poweredOff' | 'suspended';

/** One collection of a libvirt host: what `hyperaudit collect libvirt` read through one connection. */
export interface LibvirtSnapshot {
  /** Connection URI, for messages. */
  uri: string;
  /** Host name that scopes every id (`virsh hostname`, or `--host`). */
  host: string;
  info: HostInfo;
  /** qemu.conf settings when `--qemu-conf` was given. */
  qemuConf?: Record<string, string | number>;
  domains: { config: DomainConfig; state?: DomainState }[];
  /** Collection time: the snapshot is the state at this time. */
  time: string;
}

/**
 * Maps a snapshot to canonical upserts and an inventory snapshot of the connection. Device lists are sent whole, empty when the domain has none, so a
 * removed VNC console or NIC replaces the stored one under newest-write-wins. Event ids hash the content
 * and the collection time, so each collection is its own snapshot and a repeated one is a duplicate.
 */
export function libvirtSnapshotEvents(s: LibvirtSnapshot): Outcomes {
  const hostId = libvirtHostId(s.host);
  const loc = { file: s.uri };
  const version = [s.info.hypervisorVersion, s.info.libvirtVersion].filter(Boolean).join(' / ');
  const host = {
    id: hostId,
    name: s.host,
    hypervisor: { vendor: 'kvm', ...(version !== '' && { version }) },
    cpu: s.info.cpu,
    memoryMiB: s.info.memoryMiB,
    ...(s.info.cpuModel !== undefined && { cpuModel: s.info.cpuModel }),
    securityModels: s.info.securityModels,
    ...(s.qemuConf && { settings: s.qemuConf }),
  };
  const make = (type: string, body: Record<string, unknown>, record: string) =>
    emit(
      'libvirt',
      { ...loc, record },
      { id: contentId('libvirt', { time: s.time, type, body }), time: s.time, type, source: 'libvirt', ...body },
    );
  // Full snapshot (issue 21): every field sent is the whole truth for it, and the connection is the scope
  // whose inventory snapshot drops domains it no longer lists.
  const scope = { source: 'libvirt', instance: s.host };
  const whole = (entity: Record<string, unknown>) => ({
    complete: { fields: Object.keys(entity).filter((k) => k !== 'id') },
    scope,
  });
  const out: Outcomes = [make('host.upsert', { host, ...whole(host) }, `host ${s.host}`)];
  for (const { config: d, state } of s.domains) {
    const vm = {
      id: libvirtDomainId(s.host, d.uuid),
      name: d.name,
      uuid: d.uuid,
      hostId,
      ...(d.vcpus !== undefined && { vcpus: d.vcpus }),
      ...(d.memoryMiB !== undefined && { memoryMiB: d.memoryMiB }),
      ...(state !== undefined && { powerState: state }),
      nics: d.nics.map((n) => ({
        network: n.network,
        ...(n.model !== undefined && { adapter: n.model }),
        ...(n.passthrough && { passthrough: true }),
      })),
      disks: d.disks.map((k) => ({ controller: k.bus })),
      graphics: d.graphics,
      securityLabels: d.securityLabels,
      hostDevices: d.hostDevices,
      memballoon: d.memballoon ?? 'none',
      tpm: d.tpm,
      firmware: d.firmware,
    };
    out.push(make('vm.upsert', { vm, ...whole(vm) }, `domain ${d.name}`));
  }
  out.push(
    ...inventorySnapshotOutcomes('libvirt', { ...loc, record: 'list --all' }, scope, s.time, {
      hosts: [hostId],
      vms: s.domains.map((d) => libvirtDomainId(s.host, d.config.uuid)),
    }),
  );
  return out;
}
