/**
 * Limits that keep reading hostile or broken input bounded in memory and time (issue 11). Each is checked
 * before the bytes it guards are held: an over-long line is skipped while streaming, a workbook's declared
 * sizes are read from its zip directory before anything is inflated.
 */
export interface InputLimits {
  /** One NDJSON or `virsh event` line; a longer one is refused and skipped to the next newline. */
  maxLineBytes: number;
  /** A JSON file up to this size is parsed as one document; a larger one must be NDJSON and is streamed. */
  maxDocumentBytes: number;
  /** An RVTools CSV tab is parsed whole, so its size is capped. */
  maxCsvBytes: number;
  /** An xlsx workbook's file size. */
  maxXlsxBytes: number;
  /** Sum of the uncompressed sizes the workbook's zip directory declares. */
  maxXlsxUncompressedBytes: number;
  /** Uncompressed to compressed size of any zip entry over 1 MiB: a zip bomb's is in the thousands. */
  maxXlsxCompressionRatio: number;
  /** Rows kept from the RVTools tabs of one workbook or CSV file (the normaliser joins them in memory). */
  maxRows: number;
  /** Non-empty cells kept from an xlsx's RVTools tabs: what the rows cost in memory (about 100 bytes each). */
  maxCells: number;
}

export const DEFAULT_INPUT_LIMITS: InputLimits = {
  maxLineBytes: 1024 * 1024,
  // A JSON document is parsed whole; `[{},{},...]` costs about 32 bytes of heap per input byte.
  maxDocumentBytes: 8 * 1024 * 1024,
  maxCsvBytes: 64 * 1024 * 1024,
  maxXlsxBytes: 256 * 1024 * 1024,
  maxXlsxUncompressedBytes: 2 * 1024 * 1024 * 1024,
  // Real workbooks' sheet XML compresses 5 to 30 times; 200 leaves room for very repetitive sheets.
  maxXlsxCompressionRatio: 200,
  maxRows: 300_000,
  // About 40,000 VMs of a full RVTools export (7 or so rows and 75 cells per VM across the tabs).
  maxCells: 3_000_000,
};

export function inputLimits(overrides: Partial<InputLimits> = {}): InputLimits {
  return { ...DEFAULT_INPUT_LIMITS, ...overrides };
}

/** `1048576` -> `1 MiB`, for messages. */
export function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1 && v % 1024 === 0) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} bytes` : `${v} ${units[u]}`;
}
