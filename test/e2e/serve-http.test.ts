import { request, type IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/exit-codes';
import { decodeEnvelope } from '../../src/sources/envelope';
import type { ServePipeline } from '../../src/server/http-app';
import { checkToken, loopbackHost } from '../../src/server/listen-address';
import { BodyTooLargeError, readBody } from '../../src/server/read-body';
import { startServeServer, type RunningServer } from '../../src/server/start-server';

const TOKEN = 'test-token-0123456789abcdef';
const LIMIT = 64 * 1024;

/** Records what reaches the pipeline, so the test can tell refused requests never got that far. */
class RecordingPipeline implements ServePipeline {
  bodies: string[] = [];
  envelopes: string[] = [];
  async ingest(req: { body: string; envelope: string }) {
    this.bodies.push(req.body);
    this.envelopes.push(req.envelope);
    return { status: 202, body: { received: req.body.length } };
  }
  async latestReport() {
    return this.bodies.length > 0 ? `<html><body>${this.bodies.length} posts</body></html>` : undefined;
  }
}

function call(
  url: string,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
) {
  return new Promise<{ status: number; body: string; headers: Record<string, unknown> }>((resolve, reject) => {
    const req = request(`${url}${opts.path}`, { method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }),
      );
    });
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

describe('serve HTTP layer', () => {
  const pipeline = new RecordingPipeline();
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServeServer(0, { token: TOKEN, maxBodyBytes: LIMIT, pipeline });
  });
  afterAll(async () => server.close());

  const post = (body: string | Buffer, headers: Record<string, string> = {}) =>
    call(server.url, {
      method: 'POST',
      path: '/events',
      body,
      headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers },
    });

  it('binds 127.0.0.1 only', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(loopbackHost(undefined)).toBe('127.0.0.1');
    expect(loopbackHost('localhost')).toBe('127.0.0.1');
    expect(() => loopbackHost('0.0.0.0')).toThrow(UsageError);
    expect(() => loopbackHost('192.168.1.10')).toThrow(/binds 127.0.0.1 only/);
  });

  it('refuses short tokens', () => {
    expect(() => checkToken('short')).toThrow(UsageError);
    expect(checkToken(TOKEN)).toBe(TOKEN);
  });

  it('answers /healthz without a token', async () => {
    const res = await call(server.url, { path: '/healthz' });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ ok: true });
  });

  it('refuses events without a token or with a wrong one, before reading the body', async () => {
    const before = pipeline.bodies.length;
    const none = await post('{"id":"x"}');
    const wrong = await post('{"id":"x"}', { authorization: 'Bearer not-the-token-at-all' });
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer');
    expect(wrong.status).toBe(401);
    expect(pipeline.bodies.length).toBe(before);
  });

  it('refuses a declared body over the limit with 413', async () => {
    const res = await post('x'.repeat(LIMIT + 1), { authorization: `Bearer ${TOKEN}` });
    expect(res.status).toBe(413);
  });

  it('refuses a chunked body without Content-Length with 411', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${server.url}/events`,
        {
          method: 'POST',
          headers: {
            authorization: `Bearer ${TOKEN}`,
            'content-type': 'application/json',
            'transfer-encoding': 'chunked',
          },
        },
        (r) => {
          r.resume();
          resolve(r.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.write('{"a":');
      req.end('1}');
    });
    expect(status).toBe(411);
  });

  it('stops reading a body as soon as it passes the limit', async () => {
    const stream = Readable.from([Buffer.alloc(40), Buffer.alloc(40), Buffer.alloc(40)]) as unknown as IncomingMessage;
    await expect(readBody(stream, 100)).rejects.toBeInstanceOf(BodyTooLargeError);
    const small = Readable.from([Buffer.from('ab'), Buffer.from('c')]) as unknown as IncomingMessage;
    expect((await readBody(small, 3)).toString()).toBe('abc');
  });

  it('refuses unsupported media types with 415', async () => {
    const res = await post('a,b', { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/csv' });
    expect(res.status).toBe(415);
  });

  it('passes an authorised body to the pipeline and returns its status', async () => {
    const res = await post('{"hello":1}', { authorization: `Bearer ${TOKEN}` });
    expect(res.status).toBe(202);
    expect(pipeline.bodies.at(-1)).toBe('{"hello":1}');
    // The authorizer's envelope carries the content headers on to the ingest handler, as in AWS.
    expect(decodeEnvelope(pipeline.envelopes.at(-1)!)).toEqual({ contentType: 'application/json', ce: {} });
  });

  it('serves the latest report only with the token', async () => {
    expect((await call(server.url, { path: '/report' })).status).toBe(401);
    const ok = await call(server.url, { path: '/report', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toMatch(/text\/html/);
    expect(ok.body).toContain('posts');
  });

  it('answers 405 and 404 for wrong methods and paths', async () => {
    expect((await call(server.url, { path: '/events', headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(
      405,
    );
    expect((await call(server.url, { path: '/nope' })).status).toBe(404);
  });
});
