import { contentId } from '../ids';
import { emit, rejected, type Outcomes } from '../outcome';
import { normaliseProxmox } from '../proxmox';
import { proxmoxGuestId, proxmoxNodeId } from '../scoped-id';
import type { NodeStatus } from './node-status';
import type { QemuConfig } from './qemu-config';

/** One collection of a Proxmox cluster through its API (`hyperaudit collect proxmox`). */
export interface ProxmoxSnapshot {
  url: string;
  /** Cluster name from `/cluster/status`; a standalone node's own name. Scopes every id. */
  cluster: string;
  time: string;
  /** `/cluster/resources` `data`, as returned. */
  resources: unknown[];
  nodes: { node: string; status: NodeStatus }[];
  guests: { id: string; node: string; config: QemuConfig }[];
  /** Calls that failed for one node or guest; the rest of the snapshot is kept. */
  failures: { record: string; reason: string }[];
}

/**
 * `/cluster/resources` goes through the same normaliser as a saved file (with the cluster as scope); node
 * status and guest configs add CPU topology, versions and devices as further upserts at the same time.
 * Device lists are sent whole (empty when none) so a removed device resolves what it raised.
 */
export function proxmoxSnapshotEvents(s: ProxmoxSnapshot): Outcomes {
  const make = (type: string, body: Record<string, unknown>, record: string) =>
    emit(
      'proxmox',
      { file: s.url, record },
      { id: contentId('proxmox', { time: s.time, type, body }), time: s.time, type, source: 'proxmox', ...body },
    );
  const hostExtras = new Map<string, Record<string, unknown>>();
  for (const { node, status } of s.nodes) {
    hostExtras.set(proxmoxNodeId(s.cluster, node), {
      hypervisor: {
        vendor: 'proxmox',
        ...(status.pveVersion && { version: status.pveVersion.version, build: status.pveVersion.build }),
      },
      cpu: status.cpu,
      ...(status.cpuModel !== undefined && { cpuModel: status.cpuModel }),
      ...(status.memoryMiB !== undefined && { memoryMiB: status.memoryMiB }),
      ...(status.kernelVersion !== undefined && { kernelVersion: status.kernelVersion }),
    });
  }
  const vmExtras = new Map<string, Record<string, unknown>>();
  for (const { id, config: c } of s.guests) {
    vmExtras.set(proxmoxGuestId(s.cluster, id), {
      ...(c.vcpus !== undefined && { vcpus: c.vcpus }),
      ...(c.memoryMiB !== undefined && { memoryMiB: c.memoryMiB }),
      nics: c.nics.map((n) => ({ network: n.network, adapter: n.adapter })),
      disks: c.disks,
      hostDevices: c.hostDevices,
      qemuArgs: c.args ?? '',
      guestAgent: c.agent,
      firewall: c.firewall,
      tpm: c.tpm,
      firmware: c.firmware,
      memballoon: c.memballoon,
    });
  }
  // One upsert per entity: node status and guest config are merged into the resource's own upsert (two
  // upserts at the same time would leave which `hypervisor` or `vcpus` wins to the event ids). The merged
  // fields are stated whole, like the resource's own: the upsert keeps its scope and `complete` grows.
  const merged = (covered: { fields: string[] } | true | undefined, extras: Record<string, unknown>) =>
    covered === true ? true : { fields: [...new Set([...(covered?.fields ?? []), ...Object.keys(extras)])] };
  const out: Outcomes = [];
  for (const o of normaliseProxmox(
    { time: s.time, cluster: s.cluster, data: s.resources },
    { file: `${s.url}/cluster/resources` },
  )) {
    const record = o.record ?? 'cluster/resources';
    if (o.kind === 'event' && o.event.type === 'host.upsert' && hostExtras.has(o.event.host.id)) {
      const extras = hostExtras.get(o.event.host.id)!;
      const { host, complete, scope } = o.event;
      out.push(
        make(
          'host.upsert',
          { host: { ...host, ...extras }, complete: merged(complete, extras), ...(scope && { scope }) },
          record,
        ),
      );
    } else if (o.kind === 'event' && o.event.type === 'vm.upsert' && vmExtras.has(o.event.vm.id)) {
      const extras = vmExtras.get(o.event.vm.id)!;
      const { vm, complete, scope } = o.event;
      out.push(
        make(
          'vm.upsert',
          { vm: { ...vm, ...extras }, complete: merged(complete, extras), ...(scope && { scope }) },
          record,
        ),
      );
    } else out.push(o);
  }
  for (const f of s.failures) out.push(rejected('proxmox', { file: s.url, record: f.record }, f.reason));
  return out;
}
