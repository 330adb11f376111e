import { normaliseCanonical } from './canonical';
import { detectSource, referenceTableSource } from './detect';
import { detectExportDocument, isExportSource, normaliseExport } from './exports';
import { isRecord, own } from './json-access';
import { normaliseNova } from './nova';
import { ignored, rejected, type Outcomes } from './outcome';
import type { NormaliseOptions } from './options';
import { normaliseProxmox } from './proxmox';
import type { RecordLocation, SourceName, SourceOutcome } from './types';
import { normaliseVcenter } from './vcenter';

export { detectSource } from './detect';
export { cloudEventFromBinary } from './vcenter-envelope';
export type { NormaliseOptions } from './options';
export type { RecordLocation, SourceName, SourceOutcome } from './types';

function describe(value: unknown): string {
  if (!isRecord(value)) return `a JSON ${value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value}`;
  const et = own(value, 'detail-type');
  if (typeof et === 'string') return `an EventBridge event (${String(own(value, 'source'))}: ${et})`;
  const keys = Object.keys(value).slice(0, 6);
  return `an object with keys ${keys.map((k) => JSON.stringify(k)).join(', ')}${Object.keys(value).length > 6 ? ', ...' : ''}`;
}

/**
 * Normalises one already-parsed JSON value (an HTTP body, an SQS message, one NDJSON line, one element of a
 * JSON array). Never throws: anything it cannot use becomes a rejected outcome naming the location and field.
 */
export function normaliseRecord(value: unknown, loc: RecordLocation, opts: NormaliseOptions = {}): SourceOutcome[] {
  try {
    return normaliseUnchecked(value, loc, opts);
  } catch (e) {
    // A normaliser bug must not take the batch down with it; the record is reported and the rest goes on.
    return [
      rejected(opts.source, loc, `internal error while normalising this record: ${(e as Error)?.message ?? String(e)}`),
    ];
  }
}

/**
 * A whole parsed document from an export (PowerCLI, govc, Hyper-V), whose records are read together; undefined
 * when the document is not one, and the caller goes on record by record. Never throws.
 */
export function normaliseExportDocument(
  value: unknown,
  loc: RecordLocation,
  opts: NormaliseOptions = {},
): SourceOutcome[] | undefined {
  const source = opts.source ? (isExportSource(opts.source) ? opts.source : undefined) : detectExportDocument(value);
  if (!source) return undefined;
  if (depthExceeds(value, MAX_DEPTH))
    return [rejected(source, loc, `input nests deeper than ${MAX_DEPTH} levels; no supported format does`)];
  try {
    return normaliseExport(source, value, loc, opts);
  } catch (e) {
    return [
      rejected(source, loc, `internal error while normalising this document: ${(e as Error)?.message ?? String(e)}`),
    ];
  }
}

/** No supported format nests this deep; refusing deeper input up front keeps every later step off the stack limit. */
export const MAX_DEPTH = 64;

/** Iterative, so hostile nesting (a million `[`) is measured without recursion. */
function depthExceeds(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d > limit) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v))
      if (child !== null && typeof child === 'object') stack.push([child, d + 1]);
  }
  return false;
}

function normaliseUnchecked(value: unknown, loc: RecordLocation, opts: NormaliseOptions, nested = false): Outcomes {
  if (depthExceeds(value, MAX_DEPTH)) {
    return [rejected(opts.source, loc, `input nests deeper than ${MAX_DEPTH} levels; no supported format does`)];
  }
  // A JSON array body is a batch; Proxmox's bare resource list is also an array and is handled per element.
  if (Array.isArray(value)) {
    if (nested) return [rejected(opts.source, loc, 'an array inside a batch array is not a record')];
    return value.flatMap((item, i) =>
      normaliseUnchecked(item, { ...loc, record: `${loc.record ? `${loc.record} ` : ''}record ${i + 1}` }, opts, true),
    );
  }
  const ref = referenceTableSource(value);
  if (ref && (!opts.source || opts.source === ref)) {
    return [ignored(ref, loc, 'reference table (_derived): describes the format, holds no inventory')];
  }
  const source = opts.source ?? detectSource(value);
  if (!source)
    return [rejected(undefined, loc, `unrecognised input: ${describe(value)} is not a format of any supported source`)];
  return normaliseAs(source, value, loc, opts);
}

export function normaliseAs(source: SourceName, value: unknown, loc: RecordLocation, opts: NormaliseOptions): Outcomes {
  switch (source) {
    case 'canonical':
      return normaliseCanonical(value, loc);
    case 'vcenter':
      return normaliseVcenter(value, loc, opts);
    case 'nova':
      return normaliseNova(value, loc, opts.scope);
    case 'proxmox':
      return normaliseProxmox(value, loc, opts);
    case 'rvtools':
      return [rejected('rvtools', loc, 'RVTools exports are xlsx or csv files, not JSON records', 'file')];
    case 'libvirt':
      return [rejected('libvirt', loc, 'libvirt events are `virsh event` text lines, not JSON records', 'file')];
    case 'powercli':
    case 'govc':
    case 'hyperv':
      return normaliseExport(source, value, loc, opts);
  }
}
