import { createReadStream } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { normaliseRecord } from './index';
import { jsonErrorMessage, jsonErrorPosition } from './json-position';
import { looksLibvirtLine, normaliseLibvirtLine, type LibvirtStreamState } from './libvirt';
import type { NormaliseOptions } from './options';
import { rejected } from './outcome';
import { readRvtoolsCsv, readRvtoolsXlsx } from './rvtools-read';
import type { SourceName, SourceOutcome } from './types';
import { decodeUtf8 } from './utf8';

export interface ReadSourcesOptions {
  /** Force one normaliser instead of detecting per file/record (CLI `--source`). */
  source?: SourceName;
  /** libvirt: host the `virsh event` output came from, when it has no `# host:` line. */
  host?: string;
  /** vCenter: instanceUuid by CloudEvent source, from earlier vSphere collections (see NormaliseOptions). */
  vcenterScopes?: Readonly<Record<string, string>>;
}

/** Whole JSON documents up to this size are parsed at once; larger files must be NDJSON and are streamed. */
const WHOLE_DOCUMENT_LIMIT = 64 * 1024 * 1024;
const NDJSON_EXTENSIONS = new Set(['.ndjson', '.jsonl', '.ldjson']);
const XLSX_EXTENSIONS = new Set(['.xlsx', '.xlsm']);
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Files under directories, depth first, names sorted by code unit so every run sees the same order. */
async function* walk(path: string): AsyncGenerator<{ file: string } | { file: string; error: string }> {
  let info;
  try {
    info = await stat(path);
  } catch (e) {
    yield { file: path, error: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
    return;
  }
  // Pipes too: `hyperaudit ingest <(govc events -json -l -f)` hands us /dev/fd/N.
  if (info.isFile() || info.isFIFO()) {
    yield { file: path };
    return;
  }
  if (!info.isDirectory()) return;
  let names: string[];
  try {
    names = await readdir(path);
  } catch (e) {
    yield { file: path, error: `cannot list directory: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
    return;
  }
  names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const name of names) {
    // Dot-files are editor and OS litter (.DS_Store, .swp) and Markdown files are notes next to exports
    // (README.md, SOURCES.md); neither is input. A file named explicitly is always read.
    if (name.startsWith('.') || name.toLowerCase().endsWith('.md')) continue;
    yield* walk(join(path, name));
  }
}

/**
 * Reads files and directories (recursively) and yields one outcome per record. Never throws for bad input:
 * unreadable, unparseable or unrecognised files become rejected outcomes naming the file and position.
 */
export async function* readSources(paths: string[], opts: ReadSourcesOptions = {}): AsyncIterable<SourceOutcome> {
  for (const p of paths) {
    for await (const entry of walk(p)) {
      if ('error' in entry) {
        yield rejected(opts.source, { file: entry.file }, entry.error);
        continue;
      }
      try {
        yield* readOneFile(entry.file, opts);
      } catch (e) {
        yield rejected(opts.source, { file: entry.file }, `cannot read file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
    }
  }
}

async function* readOneFile(file: string, opts: ReadSourcesOptions): AsyncGenerator<SourceOutcome> {
  const info = await stat(file);
  const snapshotTime = info.mtime.toISOString();
  const ext = extname(file).toLowerCase();
  const forced = opts.source;
  if (!info.isFile()) {
    // A pipe can be read once and not sniffed ahead: decide per line between virsh text and JSON.
    const ctx: NormaliseOptions = { source: forced, ...(opts.vcenterScopes && { vcenterScopes: opts.vcenterScopes }) };
    yield* readLines(
      file,
      (line, record, state) =>
        forced === 'libvirt' || (!forced && looksLibvirtLine(line))
          ? normaliseLibvirtLine(line, { file, record }, state)
          : parseLine(line, file, record, ctx),
      opts.host,
      forced,
    );
    return;
  }
  if (XLSX_EXTENSIONS.has(ext) || (forced === 'rvtools' && ext !== '.csv')) {
    if (forced && forced !== 'rvtools') {
      yield rejected(forced, { file }, `an ${ext} workbook cannot be read as ${forced}`, 'file');
      return;
    }
    yield* await readRvtoolsXlsx(file);
    return;
  }
  if (ext === '.csv') {
    if (forced && forced !== 'rvtools') {
      yield rejected(forced, { file }, `a CSV file cannot be read as ${forced}`, 'file');
      return;
    }
    yield* await readRvtoolsCsv(file, snapshotTime);
    return;
  }
  const head = await readHead(file, 64 * 1024);
  const ctx: NormaliseOptions = { source: forced, snapshotTime, host: opts.host, ...(opts.vcenterScopes && { vcenterScopes: opts.vcenterScopes }) };
  if (forced === 'libvirt' || (!forced && firstContentLine(head, looksLibvirtLine))) {
    yield* readLines(file, (line, record, state) => normaliseLibvirtLine(line, { file, record }, state), opts.host, 'libvirt');
    return;
  }
  if (NDJSON_EXTENSIONS.has(ext) || info.size > WHOLE_DOCUMENT_LIMIT) {
    yield* readLines(file, (line, record) => parseLine(line, file, record, ctx), undefined, forced);
    return;
  }
  yield* readDocument(file, ctx);
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

/**
 * Streams a file line by line: memory stays bounded whatever the file size. The stream is read as latin1,
 * which maps bytes 1:1 to code units, so each line's bytes can be re-decoded strictly and invalid UTF-8 is
 * reported on its own line instead of being replaced silently.
 */
async function* readLines(
  file: string,
  handle: (line: string, record: string, state: LibvirtStreamState) => SourceOutcome[],
  host?: string,
  source?: SourceName,
): AsyncGenerator<SourceOutcome> {
  const rl = createInterface({ input: createReadStream(file, { encoding: 'latin1' }), crlfDelay: Infinity });
  const state: LibvirtStreamState = { host };
  let n = 0;
  for await (const raw of rl) {
    n++;
    let line: string;
    try {
      line = strictUtf8.decode(Buffer.from(raw, 'latin1'));
    } catch {
      yield rejected(source, { file, record: `line ${n}` }, `invalid UTF-8 on line ${n}`, 'encoding');
      continue;
    }
    if (n === 1) line = line.replace(/^\uFEFF/, '');
    yield* handle(line, `line ${n}`, state);
  }
}

async function* readDocument(file: string, ctx: NormaliseOptions): AsyncGenerator<SourceOutcome> {
  const fh = await open(file, 'r');
  let bytes: Buffer;
  try {
    bytes = await fh.readFile();
  } finally {
    await fh.close();
  }
  const decoded = decodeUtf8(bytes);
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
    // Several JSON values one per line (govc events -json, NDJSON saved as .json): read them as NDJSON.
    if (isNdjson(text)) {
      const lines = text.split('\n');
      for (let i = 0; i < lines.length; i++) yield* parseLine(lines[i]!.replace(/\r$/, ''), file, `line ${i + 1}`, ctx);
      return;
    }
    const pos = jsonErrorPosition(text);
    yield rejected(ctx.source, { file, record: `line ${pos.line}, column ${pos.column}` }, `not valid JSON: ${jsonErrorMessage(e)}`);
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
