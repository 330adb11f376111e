import type { InputLimits } from './input-limits';
import type { JsonRecord } from './json-access';
import type { LibvirtStreamState } from './libvirt';
import type { NormaliseOptions } from './options';
import type { Outcomes } from './outcome';
import type { RecordLocation, SourceName } from './types';

/** What a file reader gets besides the path. */
export interface FileContext {
  /** The file's modification time: the time of snapshots that carry none, so re-reading gives the same ids. */
  snapshotTime: string;
  scope?: string;
  limits: InputLimits;
}

/** A file format read whole by its own reader (a workbook, a CSV export) rather than as JSON records. */
export interface FileReader {
  /** Lower-case extensions with the dot. */
  extensions: readonly string[];
  /** How the file is named in messages: `workbook`, `CSV file`. */
  kind: string;
  /** When several sources read the same extension, the one whose sniff accepts the file's first bytes wins. */
  sniff?: (head: string) => boolean;
  /** With `--source` naming this source, files of any other extension are read with this reader too. */
  readsAnyExtensionWhenForced?: boolean;
  read(file: string, ctx: FileContext): Promise<Outcomes>;
}

/**
 * One event source: its name, how its input is recognised and the normaliser that turns it into canonical
 * events. The registry (`registry.ts`) lists them in detection order; readers and detection go through it only.
 */
export interface SourceDef {
  name: SourceName;
  /**
   * Recognisers of one parsed JSON object. Every source's `envelope` recogniser (a field that names the format:
   * a canonical type, a CloudEvent, a Nova notification) runs before any `body` recogniser (a vendor shape).
   */
  recognise?: { envelope?: (value: JsonRecord) => boolean; body?: (value: JsonRecord) => boolean };
  /** Normalises one JSON record or, with `wholeDocument`, a whole parsed document (an array is its records). */
  json?: {
    normalise(value: unknown, loc: RecordLocation, opts: NormaliseOptions): Outcomes;
    wholeDocument?: boolean;
    /** The normaliser reads an EventBridge envelope itself; other sources are handed its `detail`. */
    readsEventBridgeEnvelope?: boolean;
  };
  /** Why a JSON record cannot be this source's input (it is read from files only). */
  notJson?: string;
  /** The key a `*.DERIVED.json` format-reference table of this source carries next to `_derived`. */
  referenceTableKey?: string;
  /** A line-oriented text format, read as a stream with per-stream state. */
  lines?: {
    looksLike(line: string): boolean;
    normalise(line: string, loc: RecordLocation, state: LibvirtStreamState): Outcomes;
  };
  files?: readonly FileReader[];
}
