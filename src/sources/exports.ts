import { looksGovc, normaliseGovcDocument } from './govc';
import { looksHyperv, normaliseHypervDocument } from './hyperv';
import type { NormaliseOptions } from './options';
import type { Outcomes } from './outcome';
import { looksPowercli, normalisePowercliDocument } from './powercli';
import type { RecordLocation, SourceName } from './types';

/**
 * The exports admins already make (PowerCLI, govc, Hyper-V PowerShell). Unlike event sources, their records
 * only mean something together (every setting of a host makes one host upsert), so they are read a document at
 * a time; a single record (an HTTP body) is a document of one.
 */
export type ExportSource = 'powercli' | 'govc' | 'hyperv';

export function isExportSource(source: SourceName | undefined): source is ExportSource {
  return source === 'powercli' || source === 'govc' || source === 'hyperv';
}

/** Which export one record comes from, if any. */
export function detectExportRecord(value: unknown): ExportSource | undefined {
  if (looksPowercli(value)) return 'powercli';
  if (looksGovc(value)) return 'govc';
  if (looksHyperv(value)) return 'hyperv';
  return undefined;
}

/** A whole parsed document is an export when its first record is one. */
export function detectExportDocument(value: unknown): ExportSource | undefined {
  return detectExportRecord(Array.isArray(value) ? value[0] : value);
}

export function normaliseExport(
  source: ExportSource,
  value: unknown,
  loc: RecordLocation,
  opts: NormaliseOptions,
): Outcomes {
  const records = Array.isArray(value) ? value : [value];
  switch (source) {
    case 'powercli':
      return normalisePowercliDocument(records, loc, opts);
    case 'govc':
      return normaliseGovcDocument(records, loc, opts);
    case 'hyperv':
      return normaliseHypervDocument(records, loc, opts);
  }
}
