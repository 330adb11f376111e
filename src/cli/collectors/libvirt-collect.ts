import { parseDomainXml } from '../../sources/libvirt/domain-xml';
import { parseCapabilities, parseNodeinfo, parseVersion, type HostInfo } from '../../sources/libvirt/host-info';
import type { DomainState, LibvirtSnapshot } from '../../sources/libvirt/snapshot-events';
import { virsh, VirshError, type VirshOptions } from './virsh';

export interface CollectLibvirtOptions extends VirshOptions {
  /** Host name that scopes ids; default `virsh hostname`. */
  host?: string;
  qemuConf?: Record<string, string | number>;
  /** Domains read at once (one virsh process each). */
  concurrency?: number;
  maxDomains?: number;
  onDomain?: (done: number, total: number) => void;
  now?: () => Date;
}

const UUID_LINE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function uuids(out: string, what: string): string[] {
  const lines = out
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const bad = lines.find((l) => !UUID_LINE.test(l));
  if (bad !== undefined) throw new VirshError(`${what}: unexpected line ${JSON.stringify(bad.slice(0, 80))}`);
  return lines.map((l) => l.toLowerCase());
}

/** Reads one libvirt host: node info, capabilities, version, and every domain's XML and state. */
export async function collectLibvirtHost(opts: CollectLibvirtOptions): Promise<LibvirtSnapshot> {
  const time = (opts.now?.() ?? new Date()).toISOString();
  const [nodeinfo, caps, version, hostname] = await Promise.all([
    virsh(opts, ['nodeinfo']),
    virsh(opts, ['capabilities']),
    virsh(opts, ['version']).catch(() => ''),
    opts.host !== undefined ? Promise.resolve(opts.host) : virsh(opts, ['hostname']),
  ]);
  const host = hostname.trim();
  if (host === '' || host.length > 255 || /[\s/]/.test(host))
    throw new VirshError(`virsh hostname gave ${JSON.stringify(host.slice(0, 80))}: pass --host NAME`);
  const node = parseNodeinfo(nodeinfo);
  const capabilities = parseCapabilities(caps);
  const info: HostInfo = {
    ...node,
    ...capabilities,
    cpuModel: capabilities.cpuModel ?? node.cpuModel,
    ...parseVersion(version),
  };
  if (info.cpuModel === undefined) delete info.cpuModel;

  const all = uuids(await virsh(opts, ['list', '--all', '--uuid']), 'virsh list');
  const maxDomains = opts.maxDomains ?? 10_000;
  if (all.length > maxDomains)
    throw new VirshError(`${all.length} domains on ${host}, more than the limit of ${maxDomains}`);
  const running = new Set(uuids(await virsh(opts, ['list', '--uuid', '--state-running']), 'virsh list'));
  const paused = new Set(uuids(await virsh(opts, ['list', '--uuid', '--state-paused']), 'virsh list'));
  const state = (u: string): DomainState => (running.has(u) ? 'poweredOn' : paused.has(u) ? 'suspended' : 'poweredOff');

  const domains: LibvirtSnapshot['domains'] = new Array(all.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < all.length) {
      const i = next++;
      const uuid = all[i]!;
      const xml = await virsh(opts, ['dumpxml', uuid]);
      domains[i] = { config: parseDomainXml(xml, `virsh dumpxml ${uuid}`), state: state(uuid) };
      opts.onDomain?.(++done, all.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? 4, all.length)) }, worker));
  return { uri: opts.uri, host, info, ...(opts.qemuConf && { qemuConf: opts.qemuConf }), domains, time };
}
