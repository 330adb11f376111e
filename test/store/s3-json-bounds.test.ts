import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AbortMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { JUDGED_KEY, readJudged } from '../../src/app/departed-resources';
import { RUN_FILE_LIMITS } from '../../src/model/run-files';
import { startLocalS3, type LocalS3 } from '../../src/server/local-s3';
import { concatObjects } from '../../src/store/s3-concat';
import { getBoundedBytes, getJson, putText, STALL_MS } from '../../src/store/s3-json';

const LIMIT = { kind: 'audit part', maxBytes: 1_000 };
const client = () => new S3Client({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });

/** A GetObject body that counts the chunks taken from it and whether it was let go. */
function countedBody(chunks: readonly Buffer[]) {
  const seen = { chunks: 0, destroyed: false };
  const body = {
    async *[Symbol.asyncIterator]() {
      for (const c of chunks) {
        seen.chunks++;
        yield c;
      }
    },
    destroy() {
      seen.destroyed = true;
    },
  };
  return { body, seen };
}

describe('getJson: a run file read within the bound its caller names', () => {
  const s3 = mockClient(S3Client);
  afterEach(() => s3.reset());
  // The mock replaces every S3Client's send: let go of it before the local server's tests.
  afterAll(() => s3.restore());

  it('reads a file within its bound', async () => {
    const text = JSON.stringify({ shard: 'c1', hits: ['x'.repeat(500)] });
    const { body } = countedBody([Buffer.from(text.slice(0, 100)), Buffer.from(text.slice(100))]);
    s3.on(GetObjectCommand).resolves({ Body: body as never, ContentLength: Buffer.byteLength(text) });
    await expect(getJson(client(), 'b', 'runs/r/audit/parts/c1.json', LIMIT)).resolves.toEqual(JSON.parse(text));
  });

  it('refuses a file whose declared length is over the bound without reading its body, naming key, kind and bound', async () => {
    const { body, seen } = countedBody([Buffer.alloc(2_000, 0x20)]);
    s3.on(GetObjectCommand).resolves({ Body: body as never, ContentLength: 5_000_000_000 });
    await expect(getJson(client(), 'b', 'runs/r/audit/parts/c1.json', LIMIT)).rejects.toThrow(
      's3://b/runs/r/audit/parts/c1.json (audit part) is 5000000000 bytes or more, over its bound of 1000 bytes',
    );
    expect(seen).toEqual({ chunks: 0, destroyed: true });
  });

  it('stops reading a file whose declared length lies once its bytes pass the bound', async () => {
    // Says 10 bytes; streams 100 chunks of 400 (40,000 bytes): refused at the third chunk, the rest never taken.
    const { body, seen } = countedBody(Array.from({ length: 100 }, () => Buffer.alloc(400, 0x20)));
    s3.on(GetObjectCommand).resolves({ Body: body as never, ContentLength: 10 });
    await expect(getJson(client(), 'b', 'audit/judged.json', { ...LIMIT, kind: 'judged list' })).rejects.toThrow(
      's3://b/audit/judged.json (judged list) is 1200 bytes or more, over its bound of 1000 bytes',
    );
    expect(seen.chunks).toBe(3);
    expect(seen.destroyed).toBe(true);
  });

  it('counts a body sent without a declared length', async () => {
    const { body } = countedBody([Buffer.alloc(600, 0x20), Buffer.alloc(600, 0x20)]);
    s3.on(GetObjectCommand).resolves({ Body: body as never });
    await expect(getJson(client(), 'b', 'k', LIMIT)).rejects.toThrow(
      'is 1200 bytes or more, over its bound of 1000 bytes',
    );
  });

  it('refuses an answer to a ranged read of a findings.csv source that runs past its range, as it streams in', async () => {
    const { body, seen } = countedBody(Array.from({ length: 10 }, () => Buffer.alloc(1_000, 0x61)));
    s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'u' });
    s3.on(AbortMultipartUploadCommand).resolves({});
    s3.on(GetObjectCommand).resolves({ Body: body as never });
    await expect(
      concatObjects(client(), 'b', 'findings.csv', {
        head: '',
        sources: [{ key: 'rows/c1.csv', size: 100 }],
        contentType: 'text/csv',
      }),
    ).rejects.toThrow('s3://b/rows/c1.csv (source range) is 1000 bytes or more, over its bound of 100 bytes');
    expect(seen.chunks).toBe(1);
    expect(s3.commandCalls(GetObjectCommand)[0]!.args[0].input.Range).toBe('bytes=0-99');
  });

  it("is what the finish step reads the judged list through: a planted one of gigabytes is refused by its kind's bound", async () => {
    const { body, seen } = countedBody([Buffer.alloc(1_000, 0x20)]);
    s3.on(GetObjectCommand).resolves({ Body: body as never, ContentLength: 3 * 1024 ** 3 });
    await expect(readJudged(client(), 'b')).rejects.toThrow(
      `s3://b/${JUDGED_KEY} (judged list) is ${3 * 1024 ** 3} bytes or more, over its bound of ${RUN_FILE_LIMITS.judged.maxBytes} bytes`,
    );
    expect(seen.chunks).toBe(0);
  });

  describe('getBoundedBytes: a read S3 stops answering', () => {
    /** What a read has come to, filled in as it settles: checked once the fake clock has run. */
    function outcome<T>(read: Promise<T>): { value?: T; error?: string } {
      const seen: { value?: T; error?: string } = {};
      read.then(
        (value) => {
          seen.value = value;
        },
        (e: unknown) => {
          seen.error = (e as Error).message;
        },
      );
      return seen;
    }
    beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }));
    afterEach(() => vi.useRealTimers());

    it('gives up a body that stops sending, naming its key and kind, and lets it go', async () => {
      const seen = { destroyed: false };
      const body = {
        async *[Symbol.asyncIterator]() {
          yield Buffer.from('{"a":');
          await new Promise<never>(() => undefined);
        },
        destroy() {
          seen.destroyed = true;
        },
      };
      s3.on(GetObjectCommand).resolves({ Body: body as never, ContentLength: 10 });
      const read = outcome(getBoundedBytes(client(), 'b', 'runs/r/audit/parts/c1.json', LIMIT));
      await vi.advanceTimersByTimeAsync(STALL_MS);
      expect(read).toEqual({
        error: `s3://b/runs/r/audit/parts/c1.json (audit part) sent nothing for ${STALL_MS} ms: read given up`,
      });
      expect(seen.destroyed).toBe(true);
    });

    it('gives up a request S3 never answers, and aborts it', async () => {
      s3.on(GetObjectCommand).callsFake(() => new Promise<never>(() => undefined));
      const read = outcome(getBoundedBytes(client(), 'b', 'audit/judged.json', { kind: 'judged list', maxBytes: 100 }));
      await vi.advanceTimersByTimeAsync(STALL_MS);
      expect(read).toEqual({
        error: `s3://b/audit/judged.json (judged list) sent nothing for ${STALL_MS} ms: read given up`,
      });
      // send(command, options): the options carry the signal the stall aborts.
      const options = (s3.send.getCall(0).args as unknown[])[1] as { abortSignal?: AbortSignal } | undefined;
      const signal = options?.abortSignal;
      expect(signal?.aborted).toBe(true);
    });

    it('reads a slow body whole: only a pause of the whole stall time gives it up', async () => {
      const body = {
        async *[Symbol.asyncIterator]() {
          for (let i = 0; i < 5; i++) {
            await new Promise((resolve) => setTimeout(resolve, STALL_MS / 2));
            yield Buffer.from('x');
          }
        },
      };
      s3.on(GetObjectCommand).resolves({ Body: body as never });
      const read = outcome(getBoundedBytes(client(), 'b', 'k', LIMIT));
      await vi.advanceTimersByTimeAsync(3 * STALL_MS);
      expect(read).toEqual({ value: Buffer.from('xxxxx') });
    });
  });
});

describe('getJson against the local S3 server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hyperaudit-s3-bounds-'));
  let local: LocalS3;
  beforeAll(async () => {
    local = await startLocalS3(dir);
  });
  afterAll(async () => {
    await local.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses an object over its bound and reads one at it', async () => {
    const key = 'runs/r/audit/lifecycle/c1.json';
    const text = JSON.stringify({ padding: 'x'.repeat(990) });
    await putText(local.client, 'reports', key, text, 'application/json');
    const bytes = Buffer.byteLength(text);
    await expect(getJson(local.client, 'reports', key, { kind: 'staged lifecycle', maxBytes: bytes })).resolves.toEqual(
      JSON.parse(text),
    );
    await expect(
      getJson(local.client, 'reports', key, { kind: 'staged lifecycle', maxBytes: bytes - 1 }),
    ).rejects.toThrow(
      `s3://reports/${key} (staged lifecycle) is ${bytes} bytes or more, over its bound of ${bytes - 1} bytes`,
    );
  });
});
