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
