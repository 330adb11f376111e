import { looksCanonical } from './canonical';
import { detectExportRecord } from './exports';
import { isRecord, own } from './json-access';
import { looksNova } from './nova';
import { looksProxmox } from './proxmox';
import type { SourceName } from './types';
import { isCloudEvent } from './vcenter-envelope';
import { looksVcenterBody } from './vcenter';

/**
 * Which normaliser understands a parsed JSON value, or undefined. Order matters: canonical events are
 * recognised by their FleetEvent type before any vendor shape; envelopes (CloudEvents, EventBridge) before
 * bare bodies.
 */
export function detectSource(value: unknown): SourceName | undefined {
  if (!isRecord(value)) return undefined;
  if (looksCanonical(value)) return 'canonical';
  if (isCloudEvent(value)) return 'vcenter';
  if (looksNova(value)) return 'nova';
  const detail = own(value, 'detail');
  if (own(value, 'detail-type') !== undefined && isRecord(detail)) {
    return detectSource(detail) === 'vcenter' ? 'vcenter' : undefined;
  }
  if (looksProxmox(value)) return 'proxmox';
  if (looksVcenterBody(value)) return 'vcenter';
  return detectExportRecord(value) ?? referenceTableSource(value);
}

/**
 * The `*.DERIVED.json` files describe formats (enum tables, column lists); they are recognised so they can be
 * counted as ignored rather than rejected as garbage.
 */
export function referenceTableSource(value: unknown): SourceName | undefined {
  if (!isRecord(value) || typeof own(value, '_derived') !== 'string') return undefined;
  if (own(value, 'virsh_event_line_format') !== undefined) return 'libvirt';
  if (own(value, 'GET /cluster/resources') !== undefined) return 'proxmox';
  if (own(value, 'sheets') !== undefined) return 'rvtools';
  return undefined;
}
