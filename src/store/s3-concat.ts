import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListObjectsV2Command,
  UploadPartCommand,
  UploadPartCopyCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { forEachLimit } from './batch';
import { getBoundedBytes } from './s3-json';

/**
 * One object made of a text head and other objects, in order, by S3 multipart upload: a source of at least a part's
 * minimum that starts a part is copied inside S3 (UploadPartCopy: no byte passes through the caller); smaller ones are
 * read and sent on together in parts of at least that minimum. Memory holds a few parts, whatever the total.
 */

/** S3's smallest part but the last (5 MiB). */
export const S3_MIN_PART_BYTES = 5 * 1024 * 1024;
/** S3's largest part, sent or copied (5 GiB), and its most parts in one upload. */
export const S3_MAX_PART_BYTES = 5 * 1024 * 1024 * 1024;
export const S3_MAX_PARTS = 10_000;
/** Parts copied or sent at once. */
const PARTS_IN_FLIGHT = 8;
/** Bytes one ranged copy part takes when an object is copied whole (`copyInParts`). */
const COPY_PART_BYTES = 256 * 1024 * 1024;

export interface SourceObject {
  key: string;
  size: number;
}

/** Bytes `start` to `end` (exclusive) of a source object. */
export interface Segment {
  key: string;
  start: number;
  end: number;
}

type Part = { copy: Segment } | { head?: string; segments: Segment[]; bytes: number };

export interface ConcatFigures {
  bytes: number;
  parts: number;
  /** Parts copied inside S3, and bytes read and sent through the caller. */
  copied: number;
  sentBytes: number;
  requests: number;
}

/**
 * The parts in order: every one but the last is at least `minPart` bytes and none is over `maxPart`. A run of a source
 * of at least `minPart` that starts a part is copied inside S3 (in ranges of at most `maxPart`); a large source after
 * smaller bytes gives the part only what it lacks of the minimum, so a part sent through the caller is under twice the
 * minimum whatever a source's size (memory holds a few parts). Refused, before any upload, past S3's 10,000 parts.
 */
export function planParts(
  head: string,
  sources: readonly SourceObject[],
  minPart = S3_MIN_PART_BYTES,
  maxPart = S3_MAX_PART_BYTES,
): Part[] {
  const parts: Part[] = [];
  let pending: { head?: string; segments: Segment[]; bytes: number } = {
    ...(head !== '' && { head }),
    segments: [],
    bytes: Buffer.byteLength(head),
  };
  // A head of the minimum already (many perimeters' rows) is a part of its own.
  if (pending.bytes >= minPart && sources.some((s) => s.size > 0)) {
    parts.push(pending);
    pending = { segments: [], bytes: 0 };
  }
  for (const source of sources) {
    let at = 0;
    while (at < source.size) {
      const rest = source.size - at;
      if (pending.bytes === 0 && rest >= minPart) {
        // Equal ranges of at most maxPart: each is at least half of it (or the whole rest), so over the minimum.
        const count = Math.ceil(rest / maxPart);
        const each = Math.ceil(rest / count);
        for (let start = at; start < source.size; start += each)
          parts.push({ copy: { key: source.key, start, end: Math.min(source.size, start + each) } });
        break;
      }
      const take = rest < minPart ? rest : minPart - pending.bytes;
      pending.segments.push({ key: source.key, start: at, end: at + take });
      pending.bytes += take;
      at += take;
      if (pending.bytes >= minPart) {
        parts.push(pending);
        pending = { segments: [], bytes: 0 };
      }
    }
  }
  if (pending.bytes > 0 || parts.length === 0) parts.push(pending);
  if (parts.length > S3_MAX_PARTS)
    throw new Error(`${parts.length} parts of at least ${minPart} bytes: over S3's ${S3_MAX_PARTS} in one upload`);
  return parts;
}

/** A segment's bytes, never more than it spans: an answer longer than its range is refused as it streams in. */
async function bodyOf(s3: S3Client, bucket: string, segment: Segment): Promise<Uint8Array> {
  const { key, start, end } = segment;
  return getBoundedBytes(s3, bucket, key, { kind: 'source range', maxBytes: end - start }, rangeOf(segment));
}

const rangeOf = (s: Segment) => `bytes=${s.start}-${s.end - 1}`;

const copySource = (bucket: string, key: string) => `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;

async function multipart(
  s3: S3Client,
  bucket: string,
  key: string,
  contentType: string,
  count: number,
  send: (n: number, uploadId: string) => Promise<string>,
): Promise<void> {
  const created = await s3.send(
    new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: contentType }),
  );
  const uploadId = created.UploadId;
  if (uploadId === undefined) throw new Error(`s3://${bucket}/${key}: no upload id`);
  try {
    const etags: string[] = new Array(count);
    await forEachLimit(
      Array.from({ length: count }, (_, i) => i),
      PARTS_IN_FLIGHT,
      async (i) => {
        etags[i] = await send(i + 1, uploadId);
      },
    );
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
      }),
    );
  } catch (err) {
    // An unfinished upload keeps its parts (and their cost) until aborted.
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId })).catch(() => {});
    throw err;
  }
}

/** Writes `key` as `head` followed by each source object's bytes, in order. */
export async function concatObjects(
  s3: S3Client,
  bucket: string,
  key: string,
  input: { head: string; sources: readonly SourceObject[]; contentType: string; minPart?: number; maxPart?: number },
): Promise<ConcatFigures> {
  const parts = planParts(input.head, input.sources, input.minPart, input.maxPart);
  const figures: ConcatFigures = { bytes: 0, parts: parts.length, copied: 0, sentBytes: 0, requests: 2 + parts.length };
  await multipart(s3, bucket, key, input.contentType, parts.length, async (PartNumber, UploadId) => {
    const part = parts[PartNumber - 1]!;
    if ('copy' in part) {
      const out = await s3.send(
        new UploadPartCopyCommand({
          Bucket: bucket,
          Key: key,
          UploadId,
          PartNumber,
          CopySource: copySource(bucket, part.copy.key),
          CopySourceRange: rangeOf(part.copy),
        }),
      );
      figures.copied++;
      figures.bytes += part.copy.end - part.copy.start;
      return etagOf(out.CopyPartResult?.ETag, key, PartNumber);
    }
    const pieces: Uint8Array[] = part.head !== undefined ? [Buffer.from(part.head)] : [];
    for (const segment of part.segments) {
      const body = await bodyOf(s3, bucket, segment);
      // The listing's size is what the plan was made from: a source rewritten since would break the parts' minimum.
      if (body.length !== segment.end - segment.start)
        throw new Error(`s3://${bucket}/${segment.key} gave ${body.length} bytes of ${rangeOf(segment)}`);
      pieces.push(body);
    }
    figures.requests += part.segments.length;
    const body = Buffer.concat(pieces);
    figures.bytes += body.length;
    figures.sentBytes += body.length;
    const out = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber, Body: body }));
    return etagOf(out.ETag, key, PartNumber);
  });
  return figures;
}

/** Copies an object of any size inside S3, in ranged parts (CopyObject takes at most 5 GB). */
export async function copyInParts(
  s3: S3Client,
  bucket: string,
  from: SourceObject,
  to: string,
  contentType: string,
  partBytes = COPY_PART_BYTES,
): Promise<number> {
  const count = Math.max(1, Math.ceil(from.size / partBytes));
  await multipart(s3, bucket, to, contentType, count, async (PartNumber, UploadId) => {
    const start = (PartNumber - 1) * partBytes;
    const end = Math.min(from.size, start + partBytes) - 1;
    const out = await s3.send(
      new UploadPartCopyCommand({
        Bucket: bucket,
        Key: to,
        UploadId,
        PartNumber,
        CopySource: copySource(bucket, from.key),
        ...(from.size > 0 && { CopySourceRange: `bytes=${start}-${end}` }),
      }),
    );
    return etagOf(out.CopyPartResult?.ETag, to, PartNumber);
  });
  return count + 2;
}

function etagOf(etag: string | undefined, key: string, part: number): string {
  if (etag === undefined) throw new Error(`${key}: part ${part} has no ETag`);
  return etag;
}

/** The objects under a prefix with their sizes, following continuation tokens. */
export async function listObjects(s3: S3Client, bucket: string, prefix: string): Promise<SourceObject[]> {
  const found: SourceObject[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) if (o.Key !== undefined) found.push({ key: o.Key, size: o.Size ?? 0 });
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return found;
}
