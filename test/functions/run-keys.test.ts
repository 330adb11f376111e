import { describe, expect, it } from 'vitest';
import { clusterFile, runKeys } from '../../src/model/run-files';

const longName = `Rechenzentrum-Süd-集群-${'Ω'.repeat(400)}`;

describe('the run files’ S3 keys for a cluster', () => {
  it('stays within S3’s 1,024-byte key limit and a file name’s 255 bytes whatever the cluster name', () => {
    const key = runKeys.clusterWork('schedule-2026-12-03T00-00-00-000Z', longName);
    expect(Buffer.byteLength(key)).toBeLessThan(200);
    expect(Buffer.byteLength(clusterFile(longName))).toBeLessThanOrEqual(80);
  });

  it('is plain ASCII, so no layer encodes it a second time', () => {
    for (const name of [longName, 'café', 'a&b/c d', '%41'])
      expect(clusterFile(name)).toMatch(/^[A-Za-z0-9._-]+\.json$/);
    expect(clusterFile('cluster-a')).toMatch(/^cluster-a-[0-9a-f]{16}\.json$/);
  });

  it('gives distinct keys to names that read alike once cut or folded', () => {
    const names = [`${longName}x`, `${longName}y`, 'café', 'cafe', 'a b', 'a-b', 'a/b'];
    expect(new Set(names.map(clusterFile)).size).toBe(names.length);
  });
});
