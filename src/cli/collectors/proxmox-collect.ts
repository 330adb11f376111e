import { isRecord, own } from '../../sources/json-access';
import { parseNodeStatus, ProxmoxShapeError } from '../../sources/proxmox/node-status';
import { parseQemuConfig } from '../../sources/proxmox/qemu-config';
import type { ProxmoxSnapshot } from '../../sources/proxmox/snapshot-events';
import { ProxmoxApiError, proxmoxGet, type ProxmoxApiOptions } from './proxmox-api';
import { byId, compareText } from '../../model/event-order';

export interface CollectProxmoxOptions extends ProxmoxApiOptions {
  concurrency?: number;
  maxGuests?: number;
  onProgress?: (done: number, total: number) => void;
  now?: () => Date;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Cluster name from `/cluster/status` (`type: cluster`), or the one node's name when it is standalone. */
function clusterName(status: unknown): string {
  if (!Array.isArray(status)) throw new ProxmoxApiError('GET /cluster/status: data is not a list');
  const cluster = status.find((e) => isRecord(e) && own(e, 'type') === 'cluster');
  const local = status.find((e) => isRecord(e) && own(e, 'type') === 'node' && own(e, 'local') === 1);
  const name = own(cluster ?? local, 'name');
  if (typeof name !== 'string' || !NAME.test(name))
    throw new ProxmoxApiError('GET /cluster/status: no cluster or local node name');
  return name;
}

/** Reads a cluster: `/cluster/status`, `/cluster/resources`, each online node's status, each guest's config. */
export async function collectProxmox(opts: CollectProxmoxOptions): Promise<ProxmoxSnapshot> {
  const time = (opts.now?.() ?? new Date()).toISOString();
  const cluster = clusterName(await proxmoxGet(opts, '/cluster/status'));
  const resources = await proxmoxGet(opts, '/cluster/resources');
  if (!Array.isArray(resources)) throw new ProxmoxApiError('GET /cluster/resources: data is not a list');
  const nodes = resources
    .filter((r) => isRecord(r) && own(r, 'type') === 'node' && own(r, 'status') === 'online')
    .map((r) => own(r, 'node'));
  const guests = resources
    .filter((r) => isRecord(r) && own(r, 'type') === 'qemu')
    .map((r) => ({ id: own(r, 'id'), node: own(r, 'node') }));
  const maxGuests = opts.maxGuests ?? 20_000;
  if (guests.length > maxGuests)
    throw new ProxmoxApiError(`${guests.length} guests, more than the limit of ${maxGuests}`);

  const snapshot: ProxmoxSnapshot = {
    url: new URL(opts.baseUrl).origin,
    cluster,
    time,
    resources,
    nodes: [],
    guests: [],
    failures: [],
  };
  const tasks: (() => Promise<void>)[] = [];
  for (const node of nodes) {
    if (typeof node !== 'string' || !NAME.test(node)) continue;
    const path = `/nodes/${encodeURIComponent(node)}/status`;
    tasks.push(async () => {
      try {
        snapshot.nodes.push({ node, status: parseNodeStatus(await proxmoxGet(opts, path)) });
      } catch (err) {
        snapshot.failures.push({ record: path, reason: failure(err) });
      }
    });
  }
  for (const { id, node } of guests) {
    if (typeof id !== 'string' || !/^qemu\/\d{1,9}$/.test(id) || typeof node !== 'string' || !NAME.test(node)) continue;
    const path = `/nodes/${encodeURIComponent(node)}/qemu/${id.slice('qemu/'.length)}/config`;
    tasks.push(async () => {
      try {
        snapshot.guests.push({ id, node, config: parseQemuConfig(await proxmoxGet(opts, path)) });
      } catch (err) {
        snapshot.failures.push({ record: path, reason: failure(err) });
      }
    });
  }
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const task = tasks[next++]!;
      await task();
      opts.onProgress?.(++done, tasks.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? 4, tasks.length)) }, worker));
  // Answers arrive in any order; sort so a repeated collection yields the same events.
  snapshot.nodes.sort((a, b) => compareText(a.node, b.node));
  snapshot.guests.sort(byId);
  snapshot.failures.sort((a, b) => compareText(a.record, b.record));
  return snapshot;
}

function failure(err: unknown): string {
  // A token or TLS problem on one call is one on every call: stop rather than report each guest.
  if (err instanceof ProxmoxApiError && (err.status === 401 || /TLS/.test(err.message))) throw err;
  if (err instanceof ProxmoxShapeError) return `${err.message} (field ${err.field})`;
  return err instanceof Error ? err.message : String(err);
}
