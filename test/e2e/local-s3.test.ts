import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, listKeys, putJson, putText } from '../../src/store/s3-json';
import { startLocalS3, type LocalS3 } from '../../src/server/local-s3';

const ANY = { kind: 'test file', maxBytes: 1024 * 1024 };

describe('local S3 for the workflow steps', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hyperaudit-s3-'));
  let s3: LocalS3;
  beforeAll(async () => {
    s3 = await startLocalS3(dir);
  });
  afterAll(async () => {
    await s3.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores and returns objects through the AWS SDK, keys with slashes and odd characters intact', async () => {
    await putJson(s3.client, 'reports', 'runs/r-1/clusters/a%26b.json', { clusterId: 'a&b', note: 'é <x>' });
    expect(await getJson(s3.client, 'reports', 'runs/r-1/clusters/a%26b.json', ANY)).toEqual({
      clusterId: 'a&b',
      note: 'é <x>',
    });
  });

  it('lists keys under a prefix, sorted, and only that prefix', async () => {
    await putText(s3.client, 'reports', 'reports/latest/report.html', '<!doctype html>', 'text/html');
    await putJson(s3.client, 'reports', 'runs/r-1/simulation/x.json', {});
    expect(await listKeys(s3.client, 'reports', 'runs/r-1/')).toEqual([
      'runs/r-1/clusters/a%26b.json',
      'runs/r-1/simulation/x.json',
    ]);
    expect(await listKeys(s3.client, 'reports', 'nothing/')).toEqual([]);
  });

  it('keeps keys of any script up to S3’s 1,024 bytes, which are longer than a file name may be', async () => {
    const key = `runs/r-2/clusters/${'集群'.repeat(150)}.json`;
    expect(Buffer.byteLength(key)).toBeGreaterThan(255);
    await putJson(s3.client, 'reports', key, { ok: true });
    expect(await getJson(s3.client, 'reports', key, ANY)).toEqual({ ok: true });
    expect(await listKeys(s3.client, 'reports', 'runs/r-2/')).toEqual([key]);
  });

  it('refuses a key over 1,024 bytes as S3 does', async () => {
    await expect(putJson(s3.client, 'reports', `runs/${'é'.repeat(600)}`, {})).rejects.toMatchObject({
      name: 'KeyTooLongError',
    });
  });

  it('answers a missing key with NoSuchKey', async () => {
    await expect(getJson(s3.client, 'reports', 'runs/none.json', ANY)).rejects.toMatchObject({ name: 'NoSuchKey' });
  });
});
