import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalS3, type LocalS3 } from '../../src/server/local-s3';
import { concatObjects, planParts } from '../../src/store/s3-concat';
import { putText } from '../../src/store/s3-json';

const src = (key: string, size: number) => ({ key, size });
const seg = (key: string, start: number, end: number) => ({ key, start, end });

describe('planParts (findings.csv from the shards rows, by S3 multipart upload)', () => {
  it('makes every part but the last at least the minimum, copying a large source that starts a part', () => {
    const parts = planParts('head\n', [src('a', 3), src('b', 4), src('big', 20), src('c', 2), src('d', 1)], 10);
    expect(parts).toEqual([
      { head: 'head\n', segments: [seg('a', 0, 3), seg('b', 0, 4)], bytes: 12 },
      { copy: seg('big', 0, 20) },
      { segments: [seg('c', 0, 2), seg('d', 0, 1)], bytes: 3 },
    ]);
  });

  it('gives a part only what it lacks of a large source after smaller bytes, and copies the rest', () => {
    const parts = planParts('h', [src('a', 2), src('big', 20)], 10);
    expect(parts).toEqual([
      { head: 'h', segments: [seg('a', 0, 2), seg('big', 0, 7)], bytes: 10 },
      { copy: seg('big', 7, 20) },
    ]);
  });

  it('copies a source over the largest part in ranges of at most it, each over the minimum', () => {
    expect(planParts('', [src('huge', 70)], 10, 30)).toEqual([
      { copy: seg('huge', 0, 24) },
      { copy: seg('huge', 24, 48) },
      { copy: seg('huge', 48, 70) },
    ]);
  });

  it('refuses a plan over S3s 10,000 parts before any upload', () => {
    expect(() =>
      planParts(
        '',
        Array.from({ length: 10_001 }, (_, i) => src(`s${i}`, 10)),
        10,
      ),
    ).toThrow(/10000/);
  });

  it('writes the head alone when there is no source', () => {
    expect(planParts('h', [], 10)).toEqual([{ head: 'h', segments: [], bytes: 1 }]);
  });

  it('covers head and sources exactly, in order, with parts within S3s bounds, sent ones under twice the minimum', () => {
    let seed = 7;
    const next = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 200; round++) {
      const sources = Array.from({ length: next(12) }, (_, i) => src(`s${i}`, next(4) === 0 ? next(200) : next(12)));
      const head = 'h'.repeat(next(15));
      const parts = planParts(head, sources, 10, 40);
      const covered: string[] = [];
      parts.forEach((p, i) => {
        const bytes = 'copy' in p ? p.copy.end - p.copy.start : p.bytes;
        if (i < parts.length - 1) expect(bytes).toBeGreaterThanOrEqual(10);
        expect(bytes).toBeLessThanOrEqual('copy' in p ? 40 : 19 + Math.max(0, Buffer.byteLength(head) - 10));
        for (const s of 'copy' in p ? [p.copy] : p.segments)
          for (let b = s.start; b < s.end; b++) covered.push(`${s.key}:${b}`);
      });
      expect(covered).toEqual(sources.flatMap((s) => Array.from({ length: s.size }, (_, b) => `${s.key}:${b}`)));
    }
  });
});

describe('concatObjects on the local S3', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hyperaudit-concat-'));
  let s3: LocalS3;
  beforeAll(async () => {
    s3 = await startLocalS3(join(dir, 's3'), { minPartBytes: 1000 });
  });
  afterAll(async () => {
    await s3.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('joins the head and the sources byte for byte, sending only what a part lacks of a large source', async () => {
    const small = 'a,1\n'.repeat(50);
    const large = 'b,2\n'.repeat(5000);
    await putText(s3.client, 'bucket', 'rows/1.csv', small, 'text/csv');
    await putText(s3.client, 'bucket', 'rows/2.csv', large, 'text/csv');
    const figures = await concatObjects(s3.client, 'bucket', 'out.csv', {
      head: 'h\n',
      sources: [src('rows/1.csv', small.length), src('rows/2.csv', large.length)],
      contentType: 'text/csv',
      minPart: 1000,
      maxPart: 8000,
    });
    const out = await s3.client.send(new GetObjectCommand({ Bucket: 'bucket', Key: 'out.csv' }));
    expect(await out.Body?.transformToString()).toBe(`h\n${small}${large}`);
    expect(figures.sentBytes).toBe(1000);
    expect(figures.copied).toBe(3);
  });
});
