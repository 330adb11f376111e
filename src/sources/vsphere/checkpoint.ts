import type { FleetStore } from '../../store/types';

/** Per vCenter: where the next collection's event reading starts. Written only after its events are stored. */
export interface VsphereCheckpoint {
  /** Newest event creation time stored (never later than the vCenter's clock at that collection). */
  eventsSince: string;
  collectedAt: string;
  url: string;
}

export const checkpointKey = (scope: string) => `vsphere#${scope}#checkpoint`;
/** CloudEvent `source` → instanceUuid, so VEBA events of a collected vCenter scope their MoRefs the same way. */
export const SCOPE_ALIAS_PREFIX = 'vsphere#source#';

export async function readCheckpoint(store: FleetStore, scope: string): Promise<VsphereCheckpoint | undefined> {
  const value = await store.getMeta<VsphereCheckpoint>(checkpointKey(scope));
  return value && typeof value.eventsSince === 'string' && !Number.isNaN(Date.parse(value.eventsSince))
    ? value
    : undefined;
}

/** The instanceUuid of every collected vCenter by the CloudEvent source VEBA would give its events. */
export async function loadVcenterScopes(store: FleetStore): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const { key, value } of await store.listMeta<string>(SCOPE_ALIAS_PREFIX)) {
    if (typeof value === 'string')
      Object.defineProperty(out, key.slice(SCOPE_ALIAS_PREFIX.length), { value, enumerable: true });
  }
  return out;
}
