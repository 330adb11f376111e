import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { startStoreEarly, stopUntakenStore, takeEarlyStore } from '../../src/cli/early-store';
import { levelPath, startLocalServer } from '../../src/store/local-server';

// Wrapped so a test can see when the store's process is spawned; it still spawns it.
vi.mock('node:child_process', async (original) => {
  const actual = await original<typeof import('node:child_process')>();
  return { ...actual, spawn: vi.fn(actual.spawn) };
});
const { spawn } = await import('node:child_process');

const work = mkdtempSync(join(tmpdir(), 'hyperaudit-early-store-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
afterEach(() => stopUntakenStore());

/** A data folder that already holds a store (the embedded store's LevelDB folder). */
function existingDataDir(name: string): string {
  const dir = join(work, name);
  mkdirSync(levelPath(dir), { recursive: true });
  return dir;
}

describe('the store started before the command loads', () => {
  it('is handed to the command that opens the same data folder, and serves DynamoDB requests', async () => {
    const dir = existingDataDir('same');
    startStoreEarly(['audit', '--data-dir', dir], '.hyperaudit/');
    expect(takeEarlyStore(join(work, 'other'))).toBeUndefined();
    const taken = takeEarlyStore(`${dir}/`);
    expect(taken).toBeDefined();
    const server = await taken!;
    try {
      const answer = await fetch(server.endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'DynamoDB_20120810.DescribeTable',
          authorization:
            'AWS4-HMAC-SHA256 Credential=local/20200101/local/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
          'x-amz-date': '20200101T000000Z',
        },
        body: JSON.stringify({ TableName: 'absent' }),
      });
      expect(answer.status).toBe(400);
      expect(await answer.text()).toContain('ResourceNotFoundException');
    } finally {
      await server.stop();
    }
    expect(takeEarlyStore(dir)).toBeUndefined();
  });

  it("spawns the store's process before it returns, so the process boots while the command's modules load", async () => {
    const dir = existingDataDir('spawned-at-once');
    vi.mocked(spawn).mockClear();
    startStoreEarly(['report', '--data-dir', dir], '.hyperaudit/');
    // Nothing awaited yet: a start that waits on the event loop first would spawn only after the command loaded.
    expect(vi.mocked(spawn)).toHaveBeenCalledTimes(1);
    await (await takeEarlyStore(dir)!).stop();
  });

  it('is one store for every copy of the module: bin/ starts it, the bundle takes it, none starts a second', async () => {
    const dir = existingDataDir('two-copies');
    vi.mocked(spawn).mockClear();
    // bin/hyperaudit.js starts it through dist/cli/early-store.js; main.ts in the CommonJS bundle has its own copy.
    startStoreEarly(['report', '--data-dir', dir], '.hyperaudit/');
    vi.resetModules();
    const bundled = await import('../../src/cli/early-store');
    expect(bundled.startStoreEarly).not.toBe(startStoreEarly);
    bundled.startStoreEarly(['report', '--data-dir', dir], '.hyperaudit/');
    expect(vi.mocked(spawn)).toHaveBeenCalledTimes(1);
    const taken = bundled.takeEarlyStore(dir);
    expect(taken).toBeDefined();
    expect(takeEarlyStore(dir)).toBeUndefined();
    await (await taken!).stop();
  });

  it('reads --data-dir=DIR too', async () => {
    const dir = existingDataDir('equals');
    startStoreEarly(['report', `--data-dir=${dir}`], '.hyperaudit/');
    const taken = takeEarlyStore(dir);
    expect(taken).toBeDefined();
    await (await taken!).stop();
  });

  it('is not started for another endpoint, AWS, help, or a folder with no store', () => {
    const dir = existingDataDir('not-started');
    const cases: string[][] = [
      ['audit', '--data-dir', dir, '--endpoint', 'http://127.0.0.1:1'],
      ['audit', '--data-dir', dir, '--aws'],
      ['audit', '--data-dir', dir, '--help'],
      ['help', 'audit', '--data-dir', dir],
    ];
    for (const args of cases) {
      startStoreEarly(args, '.hyperaudit/');
      expect(takeEarlyStore(dir), args.join(' ')).toBeUndefined();
    }
    const fresh = join(work, 'fresh');
    startStoreEarly(['audit', '--data-dir', fresh], '.hyperaudit/');
    expect(takeEarlyStore(fresh)).toBeUndefined();
    expect(existsSync(fresh)).toBe(false);
  });

  it('a command that fails before using the store it started early exits and leaves no store process behind', async () => {
    const bin = join(import.meta.dirname, '..', '..', 'bin', 'hyperaudit.js');
    const dir = existingDataDir('failed-command');
    for (const args of [
      ['audit', '--data-dir', dir, '--format', 'yaml'],
      ['report', '--data-dir', dir, '--params', join(work, 'no-such-params.json')],
    ]) {
      const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 120_000 });
      expect([args.join(' '), r.signal, r.status === 0]).toEqual([args.join(' '), null, false]);
      // A store process still running would hold the LevelDB lock: the next store could not open the folder.
      const next = await startLocalServer({ dataDir: dir, mode: 'in-process' });
      await next.stop();
    }
  });

  it('a usage error leaves a data folder that did not exist uncreated', () => {
    const bin = join(import.meta.dirname, '..', '..', 'bin', 'hyperaudit.js');
    const fresh = join(work, 'usage-error');
    const r = spawnSync(process.execPath, [bin, 'audit', '--data-dir', fresh, '--format', 'yaml'], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.status).toBe(2);
    expect(existsSync(fresh)).toBe(false);
  });
});
