import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/cli/exit-codes';
import { readInputFile } from '../../src/cli/read-input-file';
import { runCli } from '../support/run-cli';

const dir = mkdtempSync(join(tmpdir(), 'hyperaudit-input-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fifo = join(dir, 'pipe');
execFileSync('mkfifo', [fifo]);

describe('files named on the command line', () => {
  it('reads a regular file whole', () => {
    const file = join(dir, 'waivers.json');
    writeFileSync(file, '[]\n');
    expect(readInputFile(file, 'waivers file')).toBe('[]\n');
  });

  it('refuses a named pipe without waiting for a writer, and a device that never ends', () => {
    expect(() => readInputFile(fifo, 'waivers file')).toThrow(
      new InputError(`${fifo}: cannot read waivers file (not a regular file)`),
    );
    expect(() => readInputFile('/dev/zero', 'params file')).toThrow(/\/dev\/zero: cannot read params file/);
  });

  it('refuses a file over the limit before holding it, naming the file and the limit', () => {
    const file = join(dir, 'big.json');
    writeFileSync(file, 'x'.repeat(2048));
    expect(() => readInputFile(file, 'scenario', 1024)).toThrow(`${file}: scenario larger than 1 KiB`);
  });

  it('names a missing file with the reason', () => {
    expect(() => readInputFile(join(dir, 'nope'), 'what-if file')).toThrow(/nope: cannot read what-if file \(ENOENT\)/);
  });

  it('makes audit --waivers, audit --params and simulate --scenario on a pipe exit 1 instead of hanging', async () => {
    const data = join(dir, 'data');
    for (const args of [
      ['audit', '--waivers', fifo, '--data-dir', data],
      ['audit', '--params', fifo, '--data-dir', data],
      ['simulate', '--scenario', fifo],
    ]) {
      const run = await runCli(...args);
      expect(run.code, args.join(' ')).toBe(1);
      expect(run.stderr).toContain(`${fifo}: cannot read`);
    }
  }, 120_000);
});
