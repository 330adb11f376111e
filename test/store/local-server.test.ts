import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { childArgs, childEnv, startLocalServer } from '../../src/store/local-server';
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

  it("starts the store child with V8's collector on its main thread, before the child's script", async () => {
    const args = childArgs('/some/level');
    expect(args[0]).toBe('--single-threaded-gc');
    expect(args.slice(1, 2)[0]).toMatch(/dynalite-server\.cjs$/);
    expect(args.slice(2)).toEqual(['/some/level']);
    expect(childArgs(undefined).at(-1)).toBe('');
  });

  it.runIf(existsSync('/proc/self/cmdline'))('runs the started child with that flag', async () => {
    const server = await startLocalServer({ mode: 'child' });
    try {
      const cmdline = readFileSync(`/proc/${server.pid}/cmdline`, 'utf8').split('\0');
      expect(cmdline.slice(1, 2)).toEqual(['--single-threaded-gc']);
      expect(cmdline[2]).toMatch(/dynalite-server\.cjs$/);
    } finally {
      await server.stop();
    }
  });

  it("gives the store child this process's environment without NODE_EXTRA_CA_CERTS, which it never uses", () => {
    const env = { PATH: '/bin', NODE_EXTRA_CA_CERTS: '/etc/ssl/extra.pem', NODE_OPTIONS: '--max-old-space-size=512' };
    expect(childEnv(env)).toEqual({ PATH: '/bin', NODE_OPTIONS: '--max-old-space-size=512' });
    expect(env.NODE_EXTRA_CA_CERTS).toBe('/etc/ssl/extra.pem');
  });

  it.runIf(existsSync('/proc/self/environ'))(
    'starts the child without the extra certificates, and the command keeps them',
    async () => {
      const certs = join(dir, 'extra.pem');
      writeFileSync(certs, '');
      const before = process.env.NODE_EXTRA_CA_CERTS;
      process.env.NODE_EXTRA_CA_CERTS = certs;
      try {
        const server = await startLocalServer({ mode: 'child' });
        try {
          const environ = readFileSync(`/proc/${server.pid}/environ`, 'utf8').split('\0');
          expect(environ.some((v) => v.startsWith('NODE_EXTRA_CA_CERTS='))).toBe(false);
          expect(environ).toContain(`PATH=${process.env.PATH}`);
        } finally {
          await server.stop();
        }
        expect(process.env.NODE_EXTRA_CA_CERTS).toBe(certs);
      } finally {
        if (before === undefined) delete process.env.NODE_EXTRA_CA_CERTS;
        else process.env.NODE_EXTRA_CA_CERTS = before;
      }
    },
  );

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
