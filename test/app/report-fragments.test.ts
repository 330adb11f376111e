import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseShardReport, readShardReport, reportFragmentKeys } from '../../src/app/report-fragments';
import { shardReport } from '../../src/report/fleet/shard-report';
import { startLocalS3, type LocalS3 } from '../../src/server/local-s3';
import { putText } from '../../src/store/s3-json';

const BUCKET = 'reports';
const dir = mkdtempSync(join(tmpdir(), 'hyperaudit-fragments-'));
let s3: LocalS3;

beforeAll(async () => {
  s3 = await startLocalS3(join(dir, 's3'));
});
afterAll(async () => {
  await s3.close();
  rmSync(dir, { recursive: true, force: true });
});

const emptySummary = (shard: string) =>
  shardReport({
    shard,
    findings: [],
    fleet: { hosts: new Map(), vms: new Map(), perimeters: new Map() },
    hostIds: [],
    vmCount: 0,
    generatedAt: '2026-12-04T00:00:00.000Z',
  });

describe('a shard report summary read back by the finish step', () => {
  it('is refused, naming its key and size, when it is over the bound (a planted gigabyte file is never read whole)', async () => {
    const summary = { ...emptySummary('c1'), padding: 'x'.repeat(5000) };
    const key = reportFragmentKeys.summary('run-1', 'c1');
    await putText(s3.client, BUCKET, key, JSON.stringify(summary), 'application/json');
    await expect(readShardReport(s3.client, BUCKET, 'run-1', 'c1', 1000)).rejects.toThrow(
      new RegExp(`${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} .*over its bound of 1000 bytes`),
    );
    await expect(readShardReport(s3.client, BUCKET, 'run-1', 'c1', 10_000)).resolves.toMatchObject({
      report: { shard: 'c1' },
    });
  });

  it('refuses a category count under a name that is no category (a prototype name would corrupt the merged counts)', () => {
    for (const name of ['constructor', 'toString', 'hasOwnProperty', 'bogus']) {
      const summary = JSON.parse(JSON.stringify(emptySummary('c1'))) as { counts: { byCategory: object } };
      summary.counts.byCategory = JSON.parse(`{"${name}": 3}`) as object;
      expect(() => parseShardReport(summary, 'runs/r/report/summaries/c1.json'), name).toThrow(
        /runs\/r\/report\/summaries\/c1\.json: counts\.byCategory/,
      );
    }
    // JSON's own `__proto__` key is dropped at the edge (zod), never carried into the merge.
    const summary = JSON.parse(JSON.stringify(emptySummary('c1'))) as { counts: { byCategory: object } };
    summary.counts.byCategory = JSON.parse('{"__proto__": 3, "hardening": 2}') as object;
    expect(Object.entries(parseShardReport(summary, 'k').counts.byCategory)).toEqual([['hardening', 2]]);
  });
});
