/**
 * Entity ids scoped by the source instance they came from (issue 15 item 1), so two libvirt hosts or two
 * Proxmox clusters with the same local ids (`qemu/100`, a domain UUID cloned with its image) never merge.
 * Names stay in `name`. Every normaliser and collector of a source builds ids here, so they agree.
 */

/** A libvirt host: the connection's host name (what `virsh hostname` or a `# host:` line says). */
export function libvirtHostId(host: string): string {
  return `libvirt:${host}`;
}

/** A libvirt domain: its UUID (lower case), scoped to the host whose connection defines it. */
export function libvirtDomainId(host: string, uuid: string): string {
  return `libvirt:${host}/${uuid.toLowerCase()}`;
}

/**
 * A domain `virsh event` names but no collect has mapped to a UUID yet: events carry names only, so the
 * name stands in, in a namespace that cannot collide with a UUID.
 */
export function libvirtDomainNameId(host: string, name: string): string {
  return `libvirt:${host}/name:${name}`;
}

/** A Proxmox node, scoped by the cluster name (`/cluster/status`), or by the node itself when standalone. */
export function proxmoxNodeId(cluster: string, node: string): string {
  return `pve:${cluster}/node/${node}`;
}

/** A Proxmox guest (`qemu/100`, `lxc/200`): vmids are unique per cluster, not across clusters. */
export function proxmoxGuestId(cluster: string, guest: string): string {
  return `pve:${cluster}/${guest}`;
}
