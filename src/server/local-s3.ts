import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { LOOPBACK } from './listen-address';
import { handleMultipart } from './local-s3-multipart';

/**
 * The S3 operations the workflow steps use (PutObject, GetObject, ListObjectsV2, and the multipart upload the finish
 * step assembles a fleet-scale findings.csv with: local-s3-multipart.ts), path-style, over files in a directory, on
 * 127.0.0.1. No S3 emulator ships with the project's dependencies (s3rver, MinIO), and the steps need only these, so
 * this stands in for the reports bucket when the workflow runs locally. Not a general S3: no auth, versions, or
 * ranges but `bytes=a-b`.
 */
export interface LocalS3 {
  endpoint: string;
  client: S3Client;
  /** The file an object is kept in: what a local run shows a person instead of an `s3://` key. */
  objectPath(bucket: string, key: string): string;
  close(): Promise<void>;
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/**
 * One file per object, named by the encoded key, so `runs/a/b.json` stays one file a person can find. A key may
 * be up to 1,024 bytes of any script, a file name only 255 bytes: a longer name is replaced by a hash of the key.
 * Encoded keys never hold `#`, so neither the hashed names nor the sidecars (key and content type, which the
 * listing reads) can collide with an object's file.
 */
const MAX_PLAIN_NAME = 200;
const bucketDir = (root: string, bucket: string) => join(root, encodeURIComponent(bucket));
function fileOf(root: string, bucket: string, key: string): string {
  const plain = encodeURIComponent(key);
  const name = plain.length <= MAX_PLAIN_NAME ? plain : `#${createHash('sha256').update(key).digest('hex')}`;
  return join(bucketDir(root, bucket), name);
}
const META = '#meta';
interface ObjectMeta {
  key: string;
  type: string;
}

function s3Error(res: ServerResponse, status: number, code: string, message: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${xml(message)}</Message></Error>`;
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function writeObject(root: string, bucket: string, key: string, body: Buffer, type: string): Promise<void> {
  await writeFile(fileOf(root, bucket, key), body);
  const meta: ObjectMeta = { key, type };
  await writeFile(`${fileOf(root, bucket, key)}${META}`, JSON.stringify(meta));
}

async function handle(root: string, req: IncomingMessage, res: ServerResponse, minPartBytes: number): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const [, bucketRaw = '', ...rest] = url.pathname.split('/');
  const bucket = decodeURIComponent(bucketRaw);
  const key = rest.map(decodeURIComponent).join('/');
  if (bucket === '') return s3Error(res, 400, 'InvalidRequest', 'path-style requests only');
  if (Buffer.byteLength(key) > 1024) return s3Error(res, 400, 'KeyTooLongError', 'Your key is too long');
  mkdirSync(bucketDir(root, bucket), { recursive: true });
  if (
    key !== '' &&
    (await handleMultipart(req, res, {
      bucketDir: bucketDir(root, bucket),
      bucket,
      key,
      url,
      minPartBytes,
      readObject: (b, k) => readFile(fileOf(root, b, k)).catch(() => undefined),
      writeObject: (k, body, type) => writeObject(root, bucket, k, body, type),
      error: (status, code, message) => s3Error(res, status, code, message),
      readBody: () => readAll(req),
    }))
  )
    return;

  if (req.method === 'PUT' && key !== '') {
    const body = await readAll(req);
    await writeObject(root, bucket, key, body, req.headers['content-type'] ?? 'application/octet-stream');
    res.writeHead(200, { etag: `"${createHash('md5').update(body).digest('hex')}"`, 'content-length': 0 });
    res.end();
    return;
  }
  if ((req.method === 'GET' || req.method === 'HEAD') && key !== '') {
    let body: Buffer;
    try {
      body = await readFile(fileOf(root, bucket, key));
    } catch {
      return s3Error(res, 404, 'NoSuchKey', `no object ${key}`);
    }
    const type = await readFile(`${fileOf(root, bucket, key)}${META}`, 'utf8')
      .then((text) => (JSON.parse(text) as ObjectMeta).type)
      .catch(() => 'application/octet-stream');
    const etag = `"${createHash('md5').update(body).digest('hex')}"`;
    // A ranged read (what the findings.csv assembly reads of a large shard's rows), inside the object as S3 requires.
    const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
    if (req.headers.range !== undefined) {
      const start = Number(range?.[1]);
      const end = Math.min(Number(range?.[2]), body.length - 1);
      if (range === null || start > end) return s3Error(res, 416, 'InvalidRange', `range ${req.headers.range}`);
      const part = body.subarray(start, end + 1);
      res.writeHead(206, {
        'content-type': type,
        'content-length': part.length,
        'content-range': `bytes ${start}-${end}/${body.length}`,
        etag,
      });
      res.end(req.method === 'HEAD' ? undefined : part);
      return;
    }
    res.writeHead(200, { 'content-type': type, 'content-length': body.length, etag });
    res.end(req.method === 'HEAD' ? undefined : body);
    return;
  }
  if (req.method === 'GET' && key === '' && url.searchParams.get('list-type') === '2') {
    const prefix = url.searchParams.get('prefix') ?? '';
    const dir = bucketDir(root, bucket);
    const metas = (await readdir(dir)).filter((n) => n.endsWith(META));
    const stored = await Promise.all(
      metas.map(async (n) => (JSON.parse(await readFile(join(dir, n), 'utf8')) as ObjectMeta).key),
    );
    const keys = stored.filter((k) => k.startsWith(prefix)).sort();
    const contents = await Promise.all(
      keys.map(async (k) => {
        const info = await stat(fileOf(root, bucket, k));
        return `<Contents><Key>${xml(k)}</Key><LastModified>${info.mtime.toISOString()}</LastModified><Size>${info.size}</Size><StorageClass>STANDARD</StorageClass></Contents>`;
      }),
    );
    const body =
      `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
      `<Name>${xml(bucket)}</Name><Prefix>${xml(prefix)}</Prefix><KeyCount>${keys.length}</KeyCount><MaxKeys>${Math.max(1000, keys.length)}</MaxKeys>` +
      `<IsTruncated>false</IsTruncated>${contents.join('')}</ListBucketResult>`;
    res.writeHead(200, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  s3Error(res, 501, 'NotImplemented', `${req.method} ${url.pathname}${url.search} is not supported by the local S3`);
}

/**
 * Starts the local S3 on a free port, objects under `dir`. `minPartBytes`: the smallest multipart part but the last
 * (S3's 5 MiB; a test lowers it to assemble a small fleet's file in several parts).
 */
export async function startLocalS3(dir: string, options: { minPartBytes?: number } = {}): Promise<LocalS3> {
  mkdirSync(dir, { recursive: true });
  const minPartBytes = options.minPartBytes ?? 5 * 1024 * 1024;
  const server: Server = createServer((req, res) => {
    handle(dir, req, res, minPartBytes).catch((err: unknown) =>
      s3Error(res, 500, 'InternalError', err instanceof Error ? err.message : String(err)),
    );
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, LOOPBACK, () => ok());
  });
  const endpoint = `http://${LOOPBACK}:${(server.address() as AddressInfo).port}`;
  const client = new S3Client({
    endpoint,
    region: 'local',
    forcePathStyle: true,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    // Checksums only where S3 requires them: the local store does not verify trailers.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return {
    endpoint,
    client,
    objectPath: (bucket, key) => fileOf(dir, bucket, key),
    close: async () => {
      client.destroy();
      await new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      });
    },
  };
}
