import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalS3, type LocalS3 } from '../../src/server/local-s3';

const dir = mkdtempSync(join(tmpdir(), 'hyperaudit-local-s3-mp-'));
let s3: LocalS3;
beforeAll(async () => {
  s3 = await startLocalS3(join(dir, 'root', 's3'), { minPartBytes: 1 });
});
afterAll(async () => {
  await s3.close();
  rmSync(dir, { recursive: true, force: true });
});

async function upload(key: string): Promise<string> {
  const created = await s3.client.send(new CreateMultipartUploadCommand({ Bucket: 'b', Key: key }));
  return created.UploadId!;
}

describe('the local S3 refuses the multipart requests S3 refuses', () => {
  it('refuses to complete with a part whose ETag is not the uploaded one (InvalidPart)', async () => {
    const UploadId = await upload('x.csv');
    await s3.client.send(new UploadPartCommand({ Bucket: 'b', Key: 'x.csv', UploadId, PartNumber: 1, Body: 'abc' }));
    await expect(
      s3.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: 'b',
          Key: 'x.csv',
          UploadId,
          MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"00000000000000000000000000000000"' }] },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidPart' });
  });

  it('refuses parts listed out of order (InvalidPartOrder)', async () => {
    const UploadId = await upload('y.csv');
    const etags: string[] = [];
    for (const PartNumber of [1, 2])
      etags.push(
        (await s3.client.send(new UploadPartCommand({ Bucket: 'b', Key: 'y.csv', UploadId, PartNumber, Body: 'ab' })))
          .ETag!,
      );
    await expect(
      s3.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: 'b',
          Key: 'y.csv',
          UploadId,
          MultipartUpload: {
            Parts: [
              { PartNumber: 2, ETag: etags[1] },
              { PartNumber: 1, ETag: etags[0] },
            ],
          },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidPartOrder' });
  });

  it('never copies from outside its directory (a copy source bucket of "..")', async () => {
    writeFileSync(join(dir, 'root', 'secret'), 'not an object');
    const UploadId = await upload('z.csv');
    await expect(
      s3.client.send(
        new UploadPartCopyCommand({ Bucket: 'b', Key: 'z.csv', UploadId, PartNumber: 1, CopySource: '../secret' }),
      ),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 } });
  });
});
