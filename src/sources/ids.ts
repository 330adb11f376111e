import { createHash } from 'node:crypto';

/** JSON with object keys sorted, so equal content always hashes the same whatever the key order. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableStringify((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * An id derived from content: re-ingesting the same record yields the same id, which the store counts as a
 * duplicate. Used where the source has no event id of its own (RVTools, Proxmox, libvirt, Nova samples).
 */
export function contentId(prefix: string, value: unknown): string {
  return `${prefix}:${createHash('sha256').update(stableStringify(value)).digest('hex').slice(0, 32)}`;
}

/**
 * A host or VM upsert identified by its content (time, entity, completeness), for sources without event ids:
 * re-reading the same export yields the same event, which the store counts as a duplicate.
 */
export function contentUpsert(
  source: string,
  time: string,
  kind: 'host' | 'vm',
  entity: unknown,
  complete?: { fields: string[] },
): Record<string, unknown> {
  const subject = { [kind]: entity };
  return {
    id: contentId(source, { time, ...subject, complete }),
    time,
    type: `${kind}.upsert`,
    source,
    ...subject,
    ...(complete && { complete }),
  };
}
