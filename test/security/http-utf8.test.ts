import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServePipeline } from '../../src/server/http-app';
import { startServeServer, type RunningServer } from '../../src/server/start-server';
import { cloudEventFromBinary } from '../../src/sources/index';
import { decodeUtf8Body } from '../../src/sources/utf8';
import { collect, rejectedOf } from '../sources/helpers';

const TOKEN = 'test-token-0123456789abcdef';
/** `café` with the é in Latin-1: the byte 0xE9 alone is not UTF-8. */
const latin1Body = Buffer.concat([
  Buffer.from('{"id":"e1","time":"2026-01-01T00:00:00Z","type":"vm.upsert","vm":{"id":"v1","name":"caf'),
  Buffer.from([0xe9]),
  Buffer.from('"}}'),
]);
const badOffset = latin1Body.indexOf(0xe9);

class RecordingPipeline implements ServePipeline {
  bodies: string[] = [];
  async ingest(req: { body: string; envelope: string }) {
    this.bodies.push(req.body);
    return { status: 202, body: { accepted: 1 } };
  }
  async latestReport() {
    return undefined;
  }
}

function post(url: string, body: Buffer) {
  return new Promise<{ status: number; json: Record<string, unknown> }>((resolve, reject) => {
    const req = request(
      `${url}/events`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${TOKEN}`,
          'content-type': 'application/json',
          'content-length': String(body.length),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('invalid UTF-8 over HTTP', () => {
  const pipeline = new RecordingPipeline();
  let server: RunningServer;
  let work: string;
  beforeAll(async () => {
    server = await startServeServer(0, { token: TOKEN, maxBodyBytes: 64 * 1024, pipeline });
    work = await mkdtemp(join(tmpdir(), 'hyperaudit-utf8-'));
  });
  afterAll(async () => {
    await server.close();
    await rm(work, { recursive: true, force: true });
  });

  it('serve refuses a body with invalid UTF-8, naming the byte offset, and never stores a replacement character', async () => {
    const res = await post(server.url, latin1Body);
    expect(res.status).toBe(400);
    expect(res.json.error).toBe(`request body is not valid UTF-8: invalid UTF-8 at byte offset ${badOffset} (line 1)`);
    expect(res.json.rejected).toEqual([
      {
        file: 'body',
        record: 'line 1',
        field: 'encoding',
        reason: `invalid UTF-8 at byte offset ${badOffset} (line 1)`,
      },
    ]);
    expect(pipeline.bodies).toEqual([]);
  });

  it('serve passes valid UTF-8 through unchanged', async () => {
    const res = await post(server.url, Buffer.from('{"name":"café ✓"}'));
    expect(res.status).toBe(202);
    expect(pipeline.bodies).toEqual(['{"name":"café ✓"}']);
  });

  it('refuses the same bytes that file ingest refuses', async () => {
    const file = join(work, 'latin1.json');
    await writeFile(file, latin1Body);
    const rejected = rejectedOf(await collect([file]));
    expect(rejected).toEqual([expect.objectContaining({ field: 'encoding' })]);
    expect(decodeUtf8Body(latin1Body)).toEqual({
      error: `invalid UTF-8 at byte offset ${badOffset} (line 1)`,
      offset: badOffset,
      line: 1,
    });
  });

  it('locates the start of a truncated multi-byte sequence and counts lines', () => {
    const body = Buffer.concat([Buffer.from('{"a":1}\n{"b":"'), Buffer.from([0xef, 0xbf]), Buffer.from('x"}')]);
    expect(decodeUtf8Body(body)).toMatchObject({ offset: 14, line: 2 });
    expect(decodeUtf8Body(Buffer.from('é ✓ 😀'))).toEqual({ text: 'é ✓ 😀' });
  });

  it('refuses CloudEvent binary-mode data bytes that are not UTF-8 instead of replacing them', () => {
    expect(() =>
      cloudEventFromBinary({ 'ce-type': 'com.vmware.vsphere.VmPoweredOnEvent.v0' }, new Uint8Array(latin1Body)),
    ).toThrow(`CloudEvent data is not valid UTF-8: invalid UTF-8 at byte offset ${badOffset} (line 1)`);
  });
});
