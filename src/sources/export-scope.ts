/**
 * Ids for entities read from exports: the entity's own id (MoRef, VM GUID, host name) prefixed by the source
 * instance it came from (vCenter or ESXi server, Hyper-V host or cluster), so `host-21` of two vCenters stays two
 * hosts (issue 15 item 1). One function, so the format can follow whatever the collectors settle on.
 */
export function scopedId(scope: string, localId: string): string {
  return `${normaliseScope(scope)}/${localId}`;
}

/** Server names are case-insensitive and users write them with or without a port or URL around them. */
export function normaliseScope(scope: string): string {
  const trimmed = scope.trim();
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]+)/i.exec(trimmed);
  const host = (m ? m[1]! : trimmed).replace(/^[^@]*@/, '');
  return host.replace(/:443$/, '').toLowerCase();
}
