import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { formatBytes, type InputLimits } from './input-limits';

/** An xlsx has a dozen parts; thousands of entries is not a workbook, and each costs memory to list. */
const MAX_ENTRIES = 10_000;
/** Below this an entry's ratio says nothing: a small run of repeated XML compresses hundreds of times. */
const RATIO_FLOOR_BYTES = 1024 * 1024;

export type ZipCheck = { ok: true; corePropsXml?: string } | { ok: false; reason: string };

function openZip(file: string): Promise<ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(
      file,
      { lazyEntries: true, autoClose: false, strictFileNames: false, validateEntrySizes: true },
      (err, zip) => (err ? reject(err) : resolve(zip)),
    ),
  );
}

async function entries(zip: ZipFile): Promise<Entry[]> {
  return new Promise((resolve, reject) => {
    const list: Entry[] = [];
    zip.on('entry', (e: Entry) => {
      list.push(e);
      zip.readEntry();
    });
    zip.once('end', () => resolve(list));
    zip.once('error', reject);
    zip.readEntry();
  });
}

/** Inflates one entry, keeping at most `keep` bytes; yauzl errors when an entry inflates past its declared size. */
function inflate(zip: ZipFile, entry: Entry, keep: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err) return reject(err);
      const kept: Buffer[] = [];
      let size = 0;
      stream.on('data', (c: Buffer) => {
        if (size < keep) kept.push(c);
        size += c.length;
      });
      stream.once('end', () => resolve(Buffer.concat(kept)));
      stream.once('error', reject);
    });
  });
}

/**
 * Checks an xlsx (zip) before anything reads it for real: the entry count and each entry's declared sizes from
 * the central directory first, so a zip bomb is refused without inflating a byte; then every entry is
 * inflated once into nothing, with yauzl refusing any that inflates past its declared size, so the
 * limits hold for archives whose directory lies as well. Returns docProps/core.xml (the creation date).
 */
export async function checkXlsxZip(file: string, limits: InputLimits): Promise<ZipCheck> {
  let zip: ZipFile;
  try {
    zip = await openZip(file);
  } catch (e) {
    return { ok: false, reason: `not a readable xlsx workbook: ${String((e as Error).message ?? e).slice(0, 200)}` };
  }
  try {
    if (zip.entryCount > MAX_ENTRIES)
      return {
        ok: false,
        reason: `the zip has ${zip.entryCount} entries; an xlsx workbook has a few dozen (limit ${MAX_ENTRIES})`,
      };
    const list = await entries(zip);
    let total = 0;
    for (const e of list) {
      total += e.uncompressedSize;
      if (
        e.uncompressedSize > RATIO_FLOOR_BYTES &&
        e.uncompressedSize > limits.maxXlsxCompressionRatio * Math.max(1, e.compressedSize)
      ) {
        const ratio = Math.round(e.uncompressedSize / Math.max(1, e.compressedSize));
        return {
          ok: false,
          reason: `zip entry ${JSON.stringify(e.fileName.slice(0, 100))} declares ${e.uncompressedSize} bytes from ${e.compressedSize} (${ratio}:1, limit ${limits.maxXlsxCompressionRatio}:1): refused as a zip bomb before inflating`,
        };
      }
      if (total > limits.maxXlsxUncompressedBytes) {
        return {
          ok: false,
          reason: `the workbook declares more than ${formatBytes(limits.maxXlsxUncompressedBytes)} uncompressed: refused before inflating`,
        };
      }
    }
    let corePropsXml: string | undefined;
    for (const e of list) {
      if (e.fileName.endsWith('/')) continue;
      const bytes = await inflate(zip, e, e.fileName === 'docProps/core.xml' ? 64 * 1024 : 0);
      if (e.fileName === 'docProps/core.xml') corePropsXml = bytes.toString('utf8');
    }
    return { ok: true, ...(corePropsXml !== undefined && { corePropsXml }) };
  } catch (e) {
    return { ok: false, reason: `not a readable xlsx workbook: ${String((e as Error).message ?? e).slice(0, 200)}` };
  } finally {
    zip.close();
  }
}

/** `<dcterms:created xsi:type="dcterms:W3CDTF">2024-12-01T08:00:00Z</dcterms:created>` -> ISO time. */
export function createdFromCoreProps(xml: string | undefined): string | undefined {
  const m = xml ? /<dcterms:created\b[^>]*>([^<]{1,64})<\/dcterms:created>/.exec(xml) : null;
  if (!m) return undefined;
  const d = new Date(m[1]!.trim());
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}
