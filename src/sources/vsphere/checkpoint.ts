import { listState, readState, STATE, type StateValue, vsphereCheckpointKey } from '../../store/state-keys';
import type { FleetStore } from '../../store/types';

/** Per vCenter: where the next collection's event reading starts (shape: src/store/state-keys.ts). */
export type VsphereCheckpoint = StateValue<ReturnType<typeof vsphereCheckpointKey>>;

/** CloudEvent `source` → instanceUuid, so VEBA events of a collected vCenter scope their MoRefs the same way. */
export const SCOPE_ALIAS_PREFIX = STATE.vsphereScopeAliases.prefix;

/** A stored checkpoint that does not parse is an error naming its key: collecting on would guess the window. */
export async function readCheckpoint(store: FleetStore, scope: string): Promise<VsphereCheckpoint | undefined> {
  return readState(store, vsphereCheckpointKey(scope));
}

/** The instanceUuid of every collected vCenter by the CloudEvent source VEBA would give its events. */
export async function loadVcenterScopes(store: FleetStore): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const { key, value } of await listState(store, STATE.vsphereScopeAliases))
    Object.defineProperty(out, key.slice(SCOPE_ALIAS_PREFIX.length), { value, enumerable: true });
  return out;
}
