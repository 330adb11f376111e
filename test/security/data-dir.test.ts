import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { levelPath, startLocalServer } from '../../src/store/local-server';
import { runCli } from '../support/run-cli';

const run = promisify(execFile);
const bin = join(import.meta.dirname, '..', '..', 'bin', 'hyperaudit.js');
let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'hyperaudit-datadir-'));
  await chmod(work, 0o755);
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe('an unusable data folder is reported for what it is', () => {
  it('says the data folder is not a directory', async () => {
    const file = join(work, 'a-file');
    await writeFile(file, 'x');
    const r = await runCli('inventory', '--data-dir', file);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain(`data folder unusable: ${file} is not a directory`);
    expect(r.stderr).not.toMatch(/another hyperaudit/);
  });

  it('says which store files are corrupt instead of blaming another hyperaudit', async () => {
    const dir = join(work, 'corrupt');
    const server = await startLocalServer({ dataDir: dir });
    await server.stop();
    const level = levelPath(dir);
    for (const name of await readdir(level)) if (name === 'CURRENT') await writeFile(join(level, name), 'garbage');
    const r = await runCli('inventory', '--data-dir', dir);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain(`the store's files in ${level} are corrupt`);
    expect(r.stderr).not.toMatch(/another hyperaudit/);
  }, 60_000);

  it('still says when another process holds the folder', async () => {
    const dir = join(work, 'held');
    const server = await startLocalServer({ dataDir: dir });
    try {
      const r = await runCli('inventory', '--data-dir', dir);
      expect(r.code).toBe(5);
      expect(r.stderr).toContain(`${levelPath(dir)} is in use by another process`);
    } finally {
      await server.stop();
    }
  }, 60_000);

  it('says permission denied for a folder the user cannot write', async () => {
    const dir = join(work, 'read-only');
    await mkdir(dir);
    await chmod(dir, 0o555);
    // root ignores file modes, so as root the CLI runs as `nobody`, for whom the folder is read-only.
    const asRoot = process.getuid?.() === 0;
    const result = await run(process.execPath, [bin, 'inventory', '--data-dir', dir], {
      env: { ...process.env, HOME: work },
      ...(asRoot && { uid: 65534, gid: 65534 }),
    }).then(
      () => ({ code: 0, stderr: '' }),
      (err: { code: number; stderr: string }) => err,
    );
    expect(result.code).toBe(5);
    expect(result.stderr).toContain(`data folder unusable: permission denied: hyperaudit cannot read and write ${dir}`);
  }, 60_000);
});
