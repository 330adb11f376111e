import { createReadStream } from 'node:fs';
import type { Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { normaliseExportDocument, normaliseRecord } from './index';
import { detectSource, referenceTableSource } from './registry';
import { splitConcatenatedJson } from './json-stream';
import { jsonErrorMessage, jsonErrorPosition } from './json-position';
import type { LibvirtStreamState } from './libvirt';
import type { LibvirtDomainIndex } from './libvirt/domain-index';
import type { NormaliseOptions } from './options';
import { ignored, rejected } from './outcome';
import { SOURCES, sourceDef } from './registry';
import type { FileReader, SourceDef } from './source-def';
import type { SourceName, SourceOutcome } from './types';
import { boundedLines } from './bounded-lines';
import { formatBytes, inputLimits, type InputLimits } from './input-limits';
import { futureTimeProblem, type FuturePolicy } from './clock-skew';
import { decodeUtf8 } from './utf8';
import { FileWalker } from './walk-files';

export interface ReadSourcesOptions {
  /** Force one normaliser instead of detecting per file/record (CLI `--source`). */
  source?: SourceName;
  /** libvirt: host the `virsh event` output came from, when it has no `# host:` line; govc/Hyper-V: the host. */
  host?: string;
  /**
   * Clock-skew policy, to say so when a file's modification time, used as the event time of records that carry
   * none, is too far ahead (ingestOutcomes refuses every future event whatever its origin).
   */
  future?: FuturePolicy;
  /** Size limits for hostile input; each defaults to DEFAULT_INPUT_LIMITS. */
  limits?: Partial<InputLimits>;
  /** Exports: the vCenter, ESXi or Hyper-V instance ids are scoped to, when the export does not say. */
  scope?: string;
  /** libvirt: collected domains by (host, name), loaded when the first `virsh event` input is met. */
  libvirtDomains?: () => Promise<LibvirtDomainIndex>;
  /** vCenter: instanceUuid by CloudEvent source, from earlier vSphere collections (see NormaliseOptions). */
  vcenterScopes?: Readonly<Record<string, string>>;
}

const NDJSON_EXTENSIONS = new Set(['.ndjson', '.jsonl', '.ldjson']);

/**
 * Reads files and directories (recursively) and yields one outcome per record. Never throws for bad input:
 * unreadable, unparseable or unrecognised files become rejected outcomes naming the file and position.
 */
export async function* readSources(paths: string[], opts: ReadSourcesOptions = {}): AsyncIterable<SourceOutcome> {
  const walker = new FileWalker();
  const limits = inputLimits(opts.limits);
  for (const p of paths) {
    for await (const entry of walker.walk(p)) {
      if (entry.kind === 'error') {
        yield rejected(opts.source, { file: entry.file }, entry.error);
        continue;
      }
      if (entry.kind === 'skipped') {
        yield ignored(opts.source, { file: entry.file }, entry.reason);
        continue;
      }
      try {
        yield* readOneFile(entry.file, opts, limits, entry.named);
      } catch (e) {
        yield rejected(
          opts.source,
          { file: entry.file },
          `cannot read file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        );
      }
    }
  }
}

async function* readOneFile(
  file: string,
  opts: ReadSourcesOptions,
  limits: InputLimits,
  named: boolean,
): AsyncGenerator<SourceOutcome> {
  const info = await stat(file);
  const snapshotTime = info.mtime.toISOString();
  const mtimeProblem = opts.future === undefined ? undefined : futureTimeProblem(snapshotTime, opts.future);
  for await (const outcome of readFileAs(file, opts, info, snapshotTime, limits, named)) {
    if (mtimeProblem !== undefined && outcome.kind === 'event' && outcome.event.time === snapshotTime) {
      const reason = `the file's modification time, used as event time because the record carries none, is ${mtimeProblem}`;
      yield rejected(
        outcome.source,
        { file: outcome.file, ...(outcome.record !== undefined && { record: outcome.record }) },
        reason,
        'time',
      );
    } else {
      yield outcome;
    }
  }
}

async function* readFileAs(
  file: string,
  opts: ReadSourcesOptions,
  info: Stats,
  snapshotTime: string,
  limits: InputLimits,
  named: boolean,
): AsyncGenerator<SourceOutcome> {
  const ext = extname(file).toLowerCase();
  const forced = opts.source;
  const forcedDef = forced === undefined ? undefined : sourceDef(forced);
  const forcedLines = forcedDef?.lines ? forcedDef : undefined;
  if (!info.isFile()) {
    // A pipe can be read once and not sniffed ahead: decide per line between a text format and JSON.
    const ctx: NormaliseOptions = { source: forced, ...(opts.vcenterScopes && { vcenterScopes: opts.vcenterScopes }) };
    yield* readLines(
      file,
      (line, record, state) => {
        const lines = (forced === undefined ? lineSourceOf((test) => test(line)) : forcedLines)?.lines;
        return lines ? lines.normalise(line, { file, record }, state) : parseLine(line, file, record, ctx);
      },
      limits.maxLineBytes,
      opts.host,
      forced,
      opts.libvirtDomains && (await opts.libvirtDomains()),
    );
    return;
  }
  const chosen = await fileReaderFor(file, ext, forced);
  if (chosen && 'refuse' in chosen) {
    yield rejected(forced, { file }, chosen.refuse, 'file');
    return;
  }
  if (chosen) {
    yield* await chosen.reader.read(file, {
      snapshotTime,
      limits,
      ...(opts.scope !== undefined && { scope: opts.scope }),
    });
    return;
  }
  const head = await readHead(file, 64 * 1024);
  const ctx: NormaliseOptions = {
    source: forced,
    snapshotTime,
    host: opts.host,
    scope: opts.scope,
    ...(opts.vcenterScopes && { vcenterScopes: opts.vcenterScopes }),
  };
  const lineSource = forced === undefined ? lineSourceOf((test) => firstContentLine(head, test)) : forcedLines;
  const lines = lineSource?.lines;
  // Found in a directory beside the exports (a YAML config, a log, an image): not input, so counted as ignored
  // with the reason rather than rejected (issue 15 item 14). A file named on the command line is always read.
  if (!named && !forced && !lines && !JSON_EXTENSIONS.has(ext) && !looksJson(head)) {
    yield ignored(
      undefined,
      { file },
      `${ext === '' ? 'a file without extension' : `a ${ext} file`} of no supported format`,
    );
    return;
  }
  if (lineSource && lines) {
    const domains = opts.libvirtDomains && (await opts.libvirtDomains());
    yield* readLines(
      file,
      (line, record, state) => lines.normalise(line, { file, record }, state),
      limits.maxLineBytes,
      opts.host,
      lineSource.name,
      domains,
    );
    return;
  }
  if (NDJSON_EXTENSIONS.has(ext) || info.size > limits.maxDocumentBytes) {
    yield* readLines(
      file,
      (line, record) => parseLine(line, file, record, ctx),
      limits.maxLineBytes,
      undefined,
      forced,
    );
    return;
  }
  yield* readDocument(file, ctx, limits.maxLineBytes, named);
}

const JSON_EXTENSIONS = new Set(['.json', ...NDJSON_EXTENSIONS]);

/** Starts like JSON (object or array), after a UTF-8 BOM, or is UTF-16 (PowerShell 5.1 writes JSON that way). */
function looksJson(head: string): boolean {
  return /^\uFEFF?\s*[[{]/.test(head) || head.startsWith('\uFFFD\uFFFD');
}

/** Whether any normaliser recognises the document or one of its records. */
function anyRecognised(value: unknown): boolean {
  const one = (v: unknown) => detectSource(v) !== undefined || referenceTableSource(v) !== undefined;
  return Array.isArray(value) ? value.some(one) : one(value);
}

/** The text-line format whose recogniser accepts the input, if any. */
function lineSourceOf(accepts: (test: (line: string) => boolean) => boolean): SourceDef | undefined {
  return SOURCES.find((def) => def.lines && accepts(def.lines.looksLike));
}

/**
 * The reader of a file its extension (and first bytes) give to one source: a workbook, a CSV export. With
 * `--source`, that source's reader, or a refusal when another source owns the extension.
 */
async function fileReaderFor(
  file: string,
  ext: string,
  forced: SourceName | undefined,
): Promise<{ reader: FileReader } | { refuse: string } | undefined> {
  const readers = SOURCES.flatMap((def) => (def.files ?? []).map((reader) => ({ source: def.name, reader })));
  const forExt = readers.filter((r) => r.reader.extensions.includes(ext));
  if (forced !== undefined) {
    const own =
      forExt.find((r) => r.source === forced) ??
      (forExt.length === 0
        ? readers.find((r) => r.source === forced && r.reader.readsAnyExtensionWhenForced)
        : undefined);
    if (own) return own;
    const other = forExt[0];
    return other ? { refuse: `a ${other.reader.kind} (${ext}) cannot be read as ${forced}` } : undefined;
  }
  let head: string | undefined;
  for (const r of forExt) {
    if (!r.reader.sniff) return r;
    head ??= await readHead(file, 4096);
    if (r.reader.sniff(head)) return r;
  }
  return undefined;
}

async function readHead(file: string, bytes: number): Promise<string> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await fh.close();
  }
}

function firstContentLine(text: string, test: (line: string) => boolean): boolean {
  for (const line of text.replace(/^\uFEFF/, '').split('\n')) {
    const t = line.trim();
    if (t === '') continue;
    if (t.startsWith('#') && !/^#\s*host:/i.test(t)) continue;
    return test(t);
  }
  return false;
}

function parseLine(line: string, file: string, record: string, ctx: NormaliseOptions): SourceOutcome[] {
  if (line.trim() === '') return [];
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (e) {
    const pos = jsonErrorPosition(line);
    return [rejected(ctx.source, { file, record }, `not valid JSON at column ${pos.column}: ${jsonErrorMessage(e)}`)];
  }
  return normaliseRecord(value, { file, record }, ctx);
}

export function tooLongLine(
  source: SourceName | undefined,
  file: string,
  n: number,
  bytes: number,
  max: number,
): SourceOutcome {
  return rejected(
    source,
    { file, record: `line ${n}` },
    `line ${n} is ${bytes} bytes, over the ${formatBytes(max)} line limit (--max-line-bytes): skipped to the next line unread`,
    'line',
  );
}

/**
 * Streams a file line by line: memory stays bounded whatever the file size, and a line over the limit is
 * skipped as it streams in, never held. Outcomes go out as lines are read, so what came before a bad line is
 * already on its way to the store.
 */
async function* readLines(
  file: string,
  handle: (line: string, record: string, state: LibvirtStreamState) => SourceOutcome[],
  maxLineBytes: number,
  host?: string,
  source?: SourceName,
  domains?: LibvirtDomainIndex,
): AsyncGenerator<SourceOutcome> {
  const state: LibvirtStreamState = { host, ...(domains && { domains }) };
  for await (const item of boundedLines(createReadStream(file), maxLineBytes)) {
    const { n } = item;
    if ('tooLong' in item) {
      yield tooLongLine(source, file, n, item.tooLong, maxLineBytes);
      continue;
    }
    if ('invalidUtf8' in item) {
      yield rejected(source, { file, record: `line ${n}` }, `invalid UTF-8 on line ${n}`, 'encoding');
      continue;
    }
    yield* handle(n === 1 ? item.line.replace(/^\uFEFF/, '') : item.line, `line ${n}`, state);
  }
}

async function* readDocument(
  file: string,
  ctx: NormaliseOptions,
  maxLineBytes: number,
  named: boolean,
): AsyncGenerator<SourceOutcome> {
  const fh = await open(file, 'r');
  let bytes: Buffer;
  try {
    bytes = await fh.readFile();
  } finally {
    await fh.close();
  }
  // Windows PowerShell 5.1 writes `ConvertTo-Json > file` and Out-File as UTF-16LE with a BOM.
  const decoded =
    bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe
      ? { text: bytes.subarray(2).toString('utf16le') }
      : decodeUtf8(bytes);
  if ('error' in decoded) {
    yield rejected(ctx.source, { file, record: `line ${decoded.line}` }, decoded.error, 'encoding');
    return;
  }
  const text = decoded.text.replace(/^\uFEFF/, '');
  if (text.trim() === '') {
    yield rejected(ctx.source, { file }, 'file is empty');
    return;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    // Several pretty-printed JSON values one after another (govc object.collect -json).
    const values = isNdjson(text) ? undefined : splitConcatenatedJson(text);
    if (values) {
      for (const v of values) yield* parseLine(v.text, file, `line ${v.line}`, ctx);
      return;
    }
    // Several JSON values one per line (govc events -json, NDJSON saved as .json): read them as NDJSON.
    if (isNdjson(text)) {
      const lines = text.split('\n');
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i]!.replace(/\r$/, '');
        const bytes = Buffer.byteLength(line);
        if (bytes > maxLineBytes) yield tooLongLine(ctx.source, file, i + 1, bytes, maxLineBytes);
        else yield* parseLine(line, file, `line ${i + 1}`, ctx);
      }
      return;
    }
    const pos = jsonErrorPosition(text);
    yield rejected(
      ctx.source,
      { file, record: `line ${pos.line}, column ${pos.column}` },
      `not valid JSON: ${jsonErrorMessage(e)}`,
    );
    return;
  }
  const exported = normaliseExportDocument(value, { file }, ctx);
  if (exported) {
    yield* exported;
    return;
  }
  if (!named && !ctx.source && !anyRecognised(value)) {
    yield ignored(undefined, { file }, 'JSON of no supported format (no record any source recognises)');
    return;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* normaliseRecord(value[i], { file, record: `record ${i + 1}` }, ctx);
    return;
  }
  yield* normaliseRecord(value, { file }, ctx);
}

function isNdjson(text: string): boolean {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length < 2) return false;
  // Records are objects; a file of bare numbers (a CPU trace) is not an event stream and is refused once.
  try {
    const first: unknown = JSON.parse(lines[0]!);
    return first !== null && typeof first === 'object';
  } catch {
    return false;
  }
}
