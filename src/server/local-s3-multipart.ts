import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';

/**
 * Multipart uploads for the local S3 (local-s3.ts): CreateMultipartUpload, UploadPart, UploadPartCopy (whole or a
 * byte range), CompleteMultipartUpload and AbortMultipartUpload, as the finish step assembles findings.csv from the
 * shards' rows (src/store/s3-concat.ts). Like S3, every part but the last must be at least `minPartBytes`
 * (EntityTooSmall), so a local run catches a plan that AWS would refuse. Parts wait in `#uploads/<id>/` of the
 * bucket's directory; `#` never appears in an object's file name.
 */

export interface MultipartContext {
  bucketDir: string;
  bucket: string;
  key: string;
  url: URL;
  minPartBytes: number;
  /** Reads a stored object's bytes (undefined when there is none). */
  readObject(bucket: string, key: string): Promise<Buffer | undefined>;
  writeObject(key: string, body: Buffer, contentType: string): Promise<void>;
  error(status: number, code: string, message: string): void;
  readBody(): Promise<Buffer>;
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const md5 = (b: Buffer) => `"${createHash('md5').update(b).digest('hex')}"`;

function send(res: ServerResponse, body: string): void {
  res.writeHead(200, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const uploadDir = (ctx: MultipartContext, id: string) => join(ctx.bucketDir, '#uploads', id);
const validId = (id: string) => /^[0-9a-f-]{36}$/.test(id);

/** Handles a multipart request; false when the request is not one (the caller goes on). */
export async function handleMultipart(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: MultipartContext,
): Promise<boolean> {
  const { url } = ctx;
  if (req.method === 'POST' && url.searchParams.has('uploads')) {
    const id = randomUUID();
    await mkdir(uploadDir(ctx, id), { recursive: true });
    await writeFile(join(uploadDir(ctx, id), 'type'), req.headers['content-type'] ?? 'application/octet-stream');
    send(
      res,
      `<?xml version="1.0" encoding="UTF-8"?><InitiateMultipartUploadResult><Bucket>${xml(ctx.bucket)}</Bucket><Key>${xml(ctx.key)}</Key><UploadId>${id}</UploadId></InitiateMultipartUploadResult>`,
    );
    return true;
  }
  const id = url.searchParams.get('uploadId');
  if (id === null) return false;
  if (!validId(id)) {
    ctx.error(404, 'NoSuchUpload', `no upload ${id}`);
    return true;
  }
  const dir = uploadDir(ctx, id);
  if (req.method === 'PUT') {
    const n = Number(url.searchParams.get('partNumber'));
    if (!Number.isInteger(n) || n < 1 || n > 10_000) {
      ctx.error(400, 'InvalidArgument', 'partNumber must be 1–10000');
      return true;
    }
    const source = req.headers['x-amz-copy-source'];
    let body: Buffer;
    if (typeof source === 'string') {
      const [srcBucket = '', ...rest] = decodeURIComponent(source.replace(/^\//, '')).split('/');
      // S3's bucket names: a name like `..` would name a directory outside the store's.
      if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(srcBucket) || srcBucket.includes('..')) {
        ctx.error(400, 'InvalidArgument', `copy source bucket ${srcBucket} is not a bucket name`);
        return true;
      }
      const whole = await ctx.readObject(srcBucket, rest.join('/'));
      if (whole === undefined) {
        ctx.error(404, 'NoSuchKey', `no object ${rest.join('/')}`);
        return true;
      }
      const range = /^bytes=(\d+)-(\d+)$/.exec(String(req.headers['x-amz-copy-source-range'] ?? ''));
      body = range ? whole.subarray(Number(range[1]), Number(range[2]) + 1) : whole;
    } else body = await ctx.readBody();
    await writeFile(join(dir, String(n)), body);
    if (typeof source === 'string')
      send(
        res,
        `<?xml version="1.0" encoding="UTF-8"?><CopyPartResult><ETag>${xml(md5(body))}</ETag><LastModified>${new Date().toISOString()}</LastModified></CopyPartResult>`,
      );
    else {
      res.writeHead(200, { etag: md5(body), 'content-length': 0 });
      res.end();
    }
    return true;
  }
  if (req.method === 'POST') {
    const listed = [
      ...(await ctx.readBody())
        .toString('utf8')
        .matchAll(
          /<Part>(?=[\s\S]*?<ETag>([^<]*)<\/ETag>)(?=[\s\S]*?<PartNumber>(\d+)<\/PartNumber>)[\s\S]*?<\/Part>/g,
        ),
    ].map((m) => ({ etag: m[1]!.replace(/&quot;/g, '"'), n: Number(m[2]) }));
    // As S3: parts in ascending order, each the one uploaded under its number (its ETag), none missing.
    if (listed.some((p, i) => i > 0 && p.n <= listed[i - 1]!.n)) {
      ctx.error(400, 'InvalidPartOrder', 'parts must be listed in ascending order');
      return true;
    }
    const parts: Buffer[] = [];
    for (const { etag, n } of listed) {
      const part = await readFile(join(dir, String(n))).catch(() => undefined);
      if (part === undefined || md5(part) !== etag) {
        ctx.error(400, 'InvalidPart', `part ${n} was not uploaded with ETag ${etag}`);
        return true;
      }
      parts.push(part);
    }
    const small = parts.findIndex((p, i) => i < parts.length - 1 && p.length < ctx.minPartBytes);
    if (small !== -1) {
      ctx.error(400, 'EntityTooSmall', `part ${listed[small]!.n} is ${parts[small]!.length} bytes, under the minimum`);
      return true;
    }
    const type = await readFile(join(dir, 'type'), 'utf8');
    const body = Buffer.concat(parts);
    await ctx.writeObject(ctx.key, body, type);
    await rm(dir, { recursive: true, force: true });
    send(
      res,
      `<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUploadResult><Bucket>${xml(ctx.bucket)}</Bucket><Key>${xml(ctx.key)}</Key><ETag>${xml(md5(body))}</ETag></CompleteMultipartUploadResult>`,
    );
    return true;
  }
  if (req.method === 'DELETE') {
    await rm(dir, { recursive: true, force: true });
    res.writeHead(204).end();
    return true;
  }
  return false;
}
