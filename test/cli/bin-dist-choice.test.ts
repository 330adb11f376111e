import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repo = resolve(__dirname, '../..');
const root = mkdtempSync(join(tmpdir(), 'hyperaudit-bin-choice-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A checkout whose src/ is newer than its dist/: the bin, a dist/ and a src/ that each say which one ran. */
function staleCheckout(): string {
  mkdirSync(join(root, 'bin'));
  copyFileSync(join(repo, 'bin', 'hyperaudit.js'), join(root, 'bin', 'hyperaudit.js'));
  writeFileSync(join(root, 'package.json'), '{"type":"module"}');
  symlinkSync(join(repo, 'node_modules'), join(root, 'node_modules'));
  mkdirSync(join(root, 'dist', 'cli'), { recursive: true });
  mkdirSync(join(root, 'dist', 'bundle'));
  writeFileSync(
    join(root, 'dist', 'cli', 'code-cache.js'),
    'export const CODE_CACHED_COMMANDS = new Set();\nexport const commandOf = (args) => args[0];\n',
  );
  writeFileSync(
    join(root, 'dist', 'bundle', 'main.js'),
    "export async function main() { console.log('dist'); return 0; }\n",
  );
  writeFileSync(join(root, 'dist', 'BUILT'), '');
  mkdirSync(join(root, 'src', 'cli'), { recursive: true });
  writeFileSync(
    join(root, 'src', 'cli', 'main.ts'),
    "export async function main(): Promise<number> { console.log('src'); return 0; }\n",
  );
  const past = new Date(Date.now() - 60_000);
  utimesSync(join(root, 'dist', 'BUILT'), past, past);
  return join(root, 'bin', 'hyperaudit.js');
}

describe('bin/hyperaudit.js: dist/ or src/', () => {
  const bin = staleCheckout();
  const run = (flags: string[], env: NodeJS.ProcessEnv) =>
    spawnSync(process.execPath, [...flags, bin, 'version'], { env: { ...process.env, ...env }, encoding: 'utf8' });

  it('runs src/ in a checkout whose src/ is newer than dist/', () => {
    const r = run([], { HYPERAUDIT_RELAUNCHER_FD: undefined });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('src');
  });

  it('runs src/ there with only one of the relaunch marks (the flag, or the pipe named)', () => {
    expect(run(['--single-threaded-gc'], { HYPERAUDIT_RELAUNCHER_FD: undefined }).stdout.trim()).toBe('src');
    expect(run([], { HYPERAUDIT_RELAUNCHER_FD: '3' }).stdout.trim()).toBe('src');
  });

  it('runs dist/ in a command it relaunched, whose relauncher found dist/ current and ran it', () => {
    const r = run(['--single-threaded-gc'], { HYPERAUDIT_RELAUNCHER_FD: '3' });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('dist');
  });
});
