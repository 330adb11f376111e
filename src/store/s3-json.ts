import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

export async function putText(
  s3: S3Client,
  bucket: string,
  key: string,
  body: string,
  contentType: string,
): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
}

export async function putJson(s3: S3Client, bucket: string, key: string, value: unknown): Promise<void> {
  await putText(s3, bucket, key, JSON.stringify(value), 'application/json');
}

/** The largest an object read back may be, and what it is (said when one is refused). */
export interface ReadLimit {
  kind: string;
  maxBytes: number;
}

/**
 * How long a read may go without a byte from S3 before it is given up. The deployed functions' S3 client has no
 * timeout of its own (the SDK's `requestTimeout` only warns), so a stalled answer would hold a step until its
 * function times out, and a local run for good. A pause, not a total: a large file that keeps coming is read whole.
 */
export const STALL_MS = 60_000;

/**
 * An object's bytes (or the `range` of them asked for), refused (its key, kind and size) above `limit.maxBytes`
 * before more than that is read: an object another step wrote is hostile input, and a corrupt or planted one of
 * gigabytes must not take the reader's memory. The declared length is checked first and the stream counted as well,
 * since a response's length can lie; an answer that stops coming for `STALL_MS` is given up (aborted, let go).
 */
export async function getBoundedBytes(
  s3: S3Client,
  bucket: string,
  key: string,
  limit: ReadLimit,
  range?: string,
): Promise<Buffer> {
  const { kind, maxBytes } = limit;
  const abort = new AbortController();
  let body: (AsyncIterable<Uint8Array> & { destroy?: () => void }) | undefined;
  // Each wait on S3 (the answer, then every chunk) races a fresh stall timer; the loser's settling is ignored.
  const within = async <T>(waiting: Promise<T>): Promise<T> => {
    const wait = Promise.resolve(waiting);
    wait.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        abort.abort();
        body?.destroy?.();
        reject(new Error(`s3://${bucket}/${key} (${kind}) sent nothing for ${STALL_MS} ms: read given up`));
      }, STALL_MS);
    });
    try {
      return await Promise.race([wait, stalled]);
    } finally {
      clearTimeout(timer);
    }
  };
  const out = await within(
    s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...(range !== undefined && { Range: range }) }), {
      abortSignal: abort.signal,
    }),
  );
  body = out.Body as typeof body;
  if (body === undefined) throw new Error(`s3://${bucket}/${key} has no body`);
  const tooLarge = (bytes: number) => {
    body?.destroy?.();
    return new Error(`s3://${bucket}/${key} (${kind}) is ${bytes} bytes or more, over its bound of ${maxBytes} bytes`);
  };
  if (out.ContentLength !== undefined && out.ContentLength > maxBytes) throw tooLarge(out.ContentLength);
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  const stream = body[Symbol.asyncIterator]();
  for (let next = await within(stream.next()); !next.done; next = await within(stream.next())) {
    bytes += next.value.length;
    if (bytes > maxBytes) throw tooLarge(bytes);
    chunks.push(next.value);
  }
  return Buffer.concat(chunks, bytes);
}

/** An object's text, within `limit` (`getBoundedBytes`). */
export async function getBoundedText(s3: S3Client, bucket: string, key: string, limit: ReadLimit): Promise<string> {
  return (await getBoundedBytes(s3, bucket, key, limit)).toString('utf8');
}

/** A run file's JSON, read within its kind's bound (`getBoundedText`). */
export async function getJson(s3: S3Client, bucket: string, key: string, limit: ReadLimit): Promise<unknown> {
  return parseJson(await getBoundedText(s3, bucket, key, limit), bucket, key);
}

/** JSON read from an object, refused with its place when it is not JSON. */
export function parseJson(text: string, bucket: string, key: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new Error(`s3://${bucket}/${key} is not JSON: ${(e as Error).message}`);
  }
}

/** Every key under a prefix, following continuation tokens. */
export async function listKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) if (o.Key !== undefined) keys.push(o.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return keys.sort();
}
