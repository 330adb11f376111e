import { request } from 'node:http';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalServer, type LocalServer } from '../../src/store/local-server';
import { openDynamoStore } from '../../src/store/open-store';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** One raw DynamoDB API call: status, headers and the body's exact bytes. */
function call(endpoint: string, target: string, body: unknown) {
  return new Promise<{ status: number; headers: Record<string, unknown>; bytes: Buffer }>((ok, fail) => {
    const req = request(
      endpoint,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': `DynamoDB_20120810.${target}`,
          'x-amz-date': '20260101T000000Z',
          authorization:
            'AWS4-HMAC-SHA256 Credential=local/20260101/local/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => ok({ status: res.statusCode ?? 0, headers: res.headers, bytes: Buffer.concat(chunks) }));
      },
    );
    req.on('error', fail);
    req.end(JSON.stringify(body));
  });
}

describe("the embedded store's answers (its process sends each body's UTF-8 bytes once encoded)", () => {
  let server: LocalServer;
  const text = 'ünïcødé ✓ 𝄞 "quoted" \\ back\n'.repeat(2_000);
  beforeAll(async () => {
    server = await startLocalServer({ mode: 'child' });
    const store = await openDynamoStore({ endpoint: server.endpoint, tableName: 'answers' });
    await store.putMeta('multibyte', { text });
    store.close();
  });
  afterAll(() => server.stop());

  it('sends the JSON text as UTF-8 with a matching length and CRC-32, for answers and for errors', async () => {
    const scan = await call(server.endpoint, 'Scan', { TableName: 'answers' });
    const missing = await call(server.endpoint, 'Scan', { TableName: 'no-such-table' });
    for (const answer of [scan, missing]) {
      expect(Number(answer.headers['content-length'])).toBe(answer.bytes.length);
      expect(Number(answer.headers['x-amz-crc32'])).toBe(crc32(answer.bytes));
    }
    expect(scan.status).toBe(200);
    const items = (JSON.parse(scan.bytes.toString('utf8')) as { Items: { j: { S: string } }[] }).Items;
    expect(JSON.parse(items[0]!.j.S)).toEqual({ text });
    expect(missing.status).toBe(400);
    expect(missing.bytes.toString('utf8')).toContain('ResourceNotFoundException');
  });
});
