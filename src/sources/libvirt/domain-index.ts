import { libvirtHostId } from '../scoped-id';

/** Key of a domain in a `LibvirtDomainIndex`: host name and domain name, which libvirt keeps unique per host. */
export function domainKey(host: string, name: string): string {
  return `${host}\n${name}`;
}

/** (host, domain name) → the domain's collected id, so `virsh event` lines, which carry names only, reach it. */
export type LibvirtDomainIndex = ReadonlyMap<string, string>;

/** Builds the index from stored VMs that `collect libvirt` wrote (ids `libvirt:<host>/<uuid>`). */
export function libvirtDomainIndex(
  vms: Iterable<{ id: string; name?: string; hostId?: string; uuid?: string }>,
): LibvirtDomainIndex {
  const index = new Map<string, string>();
  for (const vm of vms) {
    if (vm.uuid === undefined || vm.name === undefined || vm.hostId === undefined || !vm.hostId.startsWith('libvirt:'))
      continue;
    const host = vm.hostId.slice('libvirt:'.length);
    if (libvirtHostId(host) !== vm.hostId) continue;
    index.set(domainKey(host, vm.name), vm.id);
  }
  return index;
}

/**
 * The id of a domain that `Started Migrated` on `host` names but that was collected on another host: a migrated
 * domain keeps its UUID, so the move applies to the VM already stored, whose placement history gives the source
 * host (issue 15 item 2). Undefined when no other host, or more than one, has a domain of that name.
 */
export function migratedDomainId(index: LibvirtDomainIndex, host: string, name: string): string | undefined {
  let found: string | undefined;
  const suffix = `\n${name}`;
  for (const [key, id] of index) {
    if (!key.endsWith(suffix) || key === domainKey(host, name)) continue;
    if (key.slice(0, -suffix.length).includes('\n')) continue;
    if (found !== undefined && found !== id) return undefined;
    found = id;
  }
  return found;
}
