import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startLocalServer } from '../../src/store/local-server';
import { openDynamoStore } from '../../src/store/open-store';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const dir = mkdtempSync(join(tmpdir(), 'hyperaudit-local-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('local server', () => {
  it('keeps data in the data dir across a restart, on a new random loopback port', async () => {
    const first = await startLocalServer({ dataDir: dir, mode: 'child' });
    expect(first.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const store = await openDynamoStore({ endpoint: first.endpoint, tableName: 'kept' });
    await store.putMeta('k', { v: 1 });
    store.close();
    await first.stop();

    const second = await startLocalServer({ dataDir: dir, mode: 'child' });
    try {
      const again = await openDynamoStore({ endpoint: second.endpoint, tableName: 'kept' });
      expect(await again.getMeta('k')).toEqual({ v: 1 });
      again.close();
    } finally {
      await second.stop();
    }
  });

  it('refuses a second server on a data dir already in use, saying so', async () => {
    const first = await startLocalServer({ dataDir: dir, mode: 'child' });
    try {
      await expect(startLocalServer({ dataDir: dir, mode: 'child' })).rejects.toThrow(/another hyperaudit/);
    } finally {
      await first.stop();
    }
  });

  it('runs in-process in memory for tests that only need a table', async () => {
    const server = await startLocalServer({ mode: 'in-process' });
    try {
      const store = await openDynamoStore({ endpoint: server.endpoint, tableName: 'mem' });
      await store.putMeta('a', 1);
      expect(await store.listMeta('')).toEqual([{ key: 'a', value: 1 }]);
      store.close();
    } finally {
      await server.stop();
    }
  });
});
