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

export async function getText(s3: S3Client, bucket: string, key: string): Promise<string> {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const text = await out.Body?.transformToString('utf8');
  if (text === undefined) throw new Error(`s3://${bucket}/${key} has no body`);
  return text;
}

/**
 * An object's text, refused (its key and size) above `maxBytes` before more than that is read: an object another
 * step wrote is hostile input, and a corrupt or planted one of gigabytes must not take the reader's memory.
 */
export async function getBoundedText(s3: S3Client, bucket: string, key: string, maxBytes: number): Promise<string> {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const body = out.Body as (AsyncIterable<Uint8Array> & { destroy?: () => void }) | undefined;
  if (body === undefined) throw new Error(`s3://${bucket}/${key} has no body`);
  const tooLarge = (bytes: number) => {
    body.destroy?.();
    return new Error(`s3://${bucket}/${key} is ${bytes} bytes or more, over the ${maxBytes} this file may hold`);
  };
  if (out.ContentLength !== undefined && out.ContentLength > maxBytes) throw tooLarge(out.ContentLength);
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for await (const chunk of body) {
    bytes += chunk.length;
    if (bytes > maxBytes) throw tooLarge(bytes);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function getJson(s3: S3Client, bucket: string, key: string): Promise<unknown> {
  return parseJson(await getText(s3, bucket, key), bucket, key);
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
