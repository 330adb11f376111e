import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';

/**
 * S3 as aws-sdk-client-mock fakes it: Put/Get/List kept in a Map, so handlers run their real S3 calls
 * against something that behaves like a bucket. Faults are injected by overriding one command.
 */
export function memoryS3() {
  const objects = new Map<string, { body: string; contentType?: string }>();
  const mock = mockClient(S3Client);
  mock.on(PutObjectCommand).callsFake((input: { Key: string; Body: string; ContentType?: string }) => {
    objects.set(input.Key, { body: String(input.Body), contentType: input.ContentType });
    return { ETag: `"${objects.size}"` };
  });
  mock.on(GetObjectCommand).callsFake((input: { Key: string }) => {
    const o = objects.get(input.Key);
    if (o === undefined) throw Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' });
    // What the handlers use of a GetObject stream: its text, or its bytes as they come (a bounded read).
    const bytes = Buffer.from(o.body);
    const Body = {
      transformToString: async () => o.body,
      async *[Symbol.asyncIterator]() {
        yield bytes;
      },
    };
    return { Body: Body as never, ContentLength: bytes.length, ContentType: o.contentType };
  });
  mock.on(ListObjectsV2Command).callsFake((input: { Prefix?: string }) => {
    const keys = [...objects.keys()].filter((k) => k.startsWith(input.Prefix ?? '')).sort();
    return { Contents: keys.map((Key) => ({ Key })), IsTruncated: false, KeyCount: keys.length };
  });
  return {
    objects,
    mock,
    client: new S3Client({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
  };
}
