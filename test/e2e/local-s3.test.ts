import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, listKeys, putJson, putText } from '../../functions/shared/s3-json';
import { startLocalS3, type LocalS3 } from '../../src/server/local-s3';

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
    expect(await getJson(s3.client, 'reports', 'runs/r-1/clusters/a%26b.json')).toEqual({ clusterId: 'a&b', note: 'é <x>' });
  });

  it('lists keys under a prefix, sorted, and only that prefix', async () => {
    await putText(s3.client, 'reports', 'reports/latest/report.html', '<!doctype html>', 'text/html');
    await putJson(s3.client, 'reports', 'runs/r-1/simulation/x.json', {});
    expect(await listKeys(s3.client, 'reports', 'runs/r-1/')).toEqual(['runs/r-1/clusters/a%26b.json', 'runs/r-1/simulation/x.json']);
    expect(await listKeys(s3.client, 'reports', 'nothing/')).toEqual([]);
  });

  it('answers a missing key with NoSuchKey', async () => {
    await expect(getJson(s3.client, 'reports', 'runs/none.json')).rejects.toMatchObject({ name: 'NoSuchKey' });
  });
});
