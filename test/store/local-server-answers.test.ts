import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalServer, type LocalServer } from '../../src/store/local-server';
import { openDynamoStore } from '../../src/store/open-store';
import { rawDynamoCall as call } from './raw-dynamodb-call';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

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
