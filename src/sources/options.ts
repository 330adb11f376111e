import type { SourceName } from './types';

/** Hints a caller can give normalisers; all optional, none needed for self-describing inputs. */
export interface NormaliseOptions {
  /** Skip auto-detection (CLI `--source`). */
  source?: SourceName;
  /**
   * Time to use for snapshot formats that carry none (Proxmox /cluster/resources, RVTools CSV without vMetaData,
   * vcsim inventory dumps). readSources passes the file's modification time, never the current clock, so
   * re-ingesting the same file gives the same event ids.
   */
  snapshotTime?: string;
  /** libvirt: the host whose `virsh event` output this is, when the stream has no `# host:` line. */
  host?: string;
  /**
   * Exports (PowerCLI, govc, Hyper-V): the source instance (vCenter, ESXi or Hyper-V host/cluster) that ids are
   * scoped to, when the export does not say (CLI `--scope`).
   */
  scope?: string;
  /** vCenter: the instanceUuid that scopes MoRefs (`<uuid>/vm-43`); the vSphere collector sets it. */
  vcenterScope?: string;
  /** vCenter: instanceUuid by CloudEvent `source` (VEBA), learned from collections, so both name the same entities. */
  vcenterScopes?: Readonly<Record<string, string>>;
}
