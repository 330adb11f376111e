import type { FleetEvent } from '../model/event';

export const SOURCE_NAMES = [
  'canonical',
  'vcenter',
  'nova',
  'rvtools',
  'proxmox',
  'libvirt',
  // Exports admins already make (issue 14): PowerCLI, govc, Hyper-V PowerShell.
  'powercli',
  'govc',
  'hyperv',
] as const;
export type SourceName = (typeof SOURCE_NAMES)[number];

/** Where a record came from, for messages a person can act on: file and line or record index. */
export interface RecordLocation {
  file: string;
  /** e.g. `line 12`, `record 3`, `vInfo row 57`. */
  record?: string;
}

/** What a normaliser says about one input record. Every record gets exactly one outcome per event it yields. */
export type SourceOutcome =
  | ({ kind: 'event'; source: SourceName; event: FleetEvent } & RecordLocation)
  /** `source` is absent for files the walk did not read (symlink loops, a second path to a file). */
  | ({ kind: 'ignored'; source?: SourceName; reason: string } & RecordLocation)
  | ({ kind: 'rejected'; source?: SourceName; reason: string; field?: string } & RecordLocation);
