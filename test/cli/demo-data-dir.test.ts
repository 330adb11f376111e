import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_MARKER, dataDirFlag, prepareDataDir } from '../../src/cli/demo-data-dir';
import { UsageError } from '../../src/cli/exit-codes';

const fresh = () => mkdtempSync(join(tmpdir(), 'hyperaudit-demo-dir-'));

describe('where the demo leaves its fleet', () => {
  it('uses .hyperaudit/ in the working directory by default, so later commands need no --data-dir', () => {
    const cwd = fresh();
    const { dir, fallbackReason } = prepareDataDir(undefined, cwd);
    expect(dir).toBe(join(cwd, '.hyperaudit'));
    expect(existsSync(dir)).toBe(true);
    expect(fallbackReason).toBeUndefined();
    expect(dataDirFlag(dir, cwd)).toBe('');
  });

  it('reuses (wipes) a .hyperaudit/ a previous demo created', () => {
    const cwd = fresh();
    const dir = join(cwd, '.hyperaudit');
    mkdirSync(join(dir, 'demo-report'), { recursive: true });
    writeFileSync(join(dir, DEMO_MARKER), '');
    writeFileSync(join(dir, 'demo-report', 'report.html'), 'old');
    expect(prepareDataDir(undefined, cwd).dir).toBe(dir);
    expect(existsSync(join(dir, 'demo-report', 'report.html'))).toBe(false);
  });

  it('leaves a .hyperaudit/ holding the user’s own data alone and names the --data-dir it used instead', () => {
    const cwd = fresh();
    mkdirSync(join(cwd, '.hyperaudit'));
    writeFileSync(join(cwd, '.hyperaudit', 'precious'), 'mine');
    const { dir, fallbackReason } = prepareDataDir(undefined, cwd);
    expect(dir).not.toBe(join(cwd, '.hyperaudit'));
    expect(fallbackReason).toContain('did not create');
    expect(readFileSync(join(cwd, '.hyperaudit', 'precious'), 'utf8')).toBe('mine');
    expect(dataDirFlag(dir, cwd)).toBe(` --data-dir ${dir}`);
  });

  it('accepts --data-dir .hyperaudit after an earlier demo wrote its report there', () => {
    const cwd = fresh();
    const first = prepareDataDir('.hyperaudit', cwd).dir;
    writeFileSync(join(first, DEMO_MARKER), '');
    mkdirSync(join(first, 'demo-report'));
    expect(prepareDataDir('.hyperaudit', cwd).dir).toBe(first);
  });

  it('refuses a given --data-dir holding other data, as a usage error', () => {
    const cwd = fresh();
    mkdirSync(join(cwd, 'mine'));
    writeFileSync(join(cwd, 'mine', 'keep.txt'), 'x');
    expect(() => prepareDataDir('mine', cwd)).toThrow(UsageError);
    expect(dataDirFlag(join(cwd, 'other'), cwd)).toBe(' --data-dir other');
  });
});
