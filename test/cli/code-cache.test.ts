import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { codeCacheDir, commandOf, privateCacheDir, worthCaching } from '../../src/cli/code-cache';
import { EXIT } from '../../src/cli/exit-codes';

const loader = join(import.meta.dirname, '..', '..', 'src', 'cli', 'code-cache.ts');

/**
 * `runCachedBundle` in a fresh process, as the CLI runs it (then `saveCache()` with `save`): within one process V8
 * reuses a script it compiled before and ignores the cached data it is given, so a run in the test's own process
 * would not show what a new one does.
 */
function run(
  name: string,
  dir: string | undefined,
  save = false,
): { cached: boolean; exports: Record<string, unknown> } {
  const code = `import { runCachedBundle } from ${JSON.stringify(loader)};
const run = runCachedBundle(${JSON.stringify(bundle)}, ${JSON.stringify(name)}, ${dir === undefined ? 'undefined' : JSON.stringify(dir)});
${save ? 'run.saveCache();' : ''}
process.stdout.write(JSON.stringify({ cached: run.cached, exports: run.exports }));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

let work: string;
let cacheDir: string;
let bundle: string;

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'hyperaudit-code-cache-'));
  cacheDir = join(work, 'cache');
  bundle = join(work, 'cli.cjs');
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

/** A bundle whose export says which text ran; `helper.cjs` beside it checks `require` resolves from its folder. */
function writeBundle(version: string): void {
  writeFileSync(join(work, 'helper.cjs'), 'module.exports = "beside";\n');
  writeFileSync(
    bundle,
    `"use strict";\nexports.version = ${JSON.stringify(version)};\nexports.helper = require('./helper.cjs');\n` +
      'exports.where = [__filename, __dirname];\nexports.main = (argv) => argv.length;\n',
  );
}

/** The cache files written for `name`, wherever in the cache folder they are. */
function cacheFiles(name: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }))
      if (entry.isDirectory()) walk(join(dir, entry.name));
      else if (entry.name.startsWith(`${name}-`)) found.push(join(dir, entry.name));
  };
  try {
    walk(cacheDir);
  } catch {
    return [];
  }
  return found;
}

describe('running the CLI bundle with V8 code cache', () => {
  it('runs the bundle as CommonJS, writes its cache after the run, and takes it on the next run', () => {
    writeBundle('a');
    const first = run('report', cacheDir, true);
    expect(first.cached).toBe(false);
    expect(first.exports).toMatchObject({ version: 'a', helper: 'beside', where: [bundle, work] });
    const [file] = cacheFiles('report');
    expect(file).toBeDefined();
    // Private: only this user reads or writes the cache and its folders.
    expect(statSync(file!).mode & 0o777).toBe(0o600);
    expect(statSync(join(file!, '..')).mode & 0o777).toBe(0o700);
    expect(statSync(cacheDir).mode & 0o777).toBe(0o700);

    const second = run('report', cacheDir, true);
    expect(second.cached).toBe(true);
    expect(second.exports).toMatchObject({ version: 'a', helper: 'beside' });
    expect(cacheFiles('report')).toEqual([file]);
  });

  it('never runs an edited bundle with the old cache, even one of the same length', () => {
    writeBundle('a');
    run('audit', cacheDir, true);
    // V8 checks only the source's length: the cache is named by the text's digest, so this text meets no data.
    writeBundle('b');
    const edited = run('audit', cacheDir, true);
    expect(edited.cached).toBe(false);
    expect(edited.exports.version).toBe('b');
    // The old bundle's cache is removed when the new one is written.
    expect(cacheFiles('audit')).toHaveLength(1);
    expect(run('audit', cacheDir).cached).toBe(true);
  });

  it('keeps one cache per command', () => {
    writeBundle('a');
    run('audit', cacheDir, true);
    run('report', cacheDir, true);
    expect(cacheFiles('audit')).toHaveLength(1);
    expect(cacheFiles('report')).toHaveLength(1);
    expect(run('audit', cacheDir).cached).toBe(true);
  });

  it('runs without the cache when its data is not V8’s (damaged), and writes a good one after', () => {
    writeBundle('a');
    run('report', cacheDir, true);
    const [file] = cacheFiles('report');
    writeFileSync(file!, Buffer.alloc(4096, 7), { mode: 0o600 });
    const damaged = run('report', cacheDir, true);
    expect(damaged.cached).toBe(false);
    expect(damaged.exports.version).toBe('a');
    expect(run('report', cacheDir).cached).toBe(true);
  });

  it('ignores a cache file others can write, or one reached through a link', () => {
    writeBundle('a');
    run('report', cacheDir, true);
    const [file] = cacheFiles('report');
    chmodSync(file!, 0o666);
    expect(run('report', cacheDir).cached).toBe(false);

    // Good data of this user's, but reached through a link in the cache folder.
    rmSync(file!);
    run('report', join(work, 'other-cache'), true);
    const [real] = readdirSync(join(work, 'other-cache'), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name));
    symlinkSync(real!, file!);
    expect(run('report', join(work, 'other-cache')).cached).toBe(true);
    expect(run('report', cacheDir).cached).toBe(false);
  });

  it('uses no cache in a folder others can write, and writes none there', () => {
    writeBundle('a');
    run('report', cacheDir, true);
    chmodSync(cacheDir, 0o777);
    expect(privateCacheDir(cacheDir)).toBeUndefined();
    const [file] = cacheFiles('report');
    rmSync(file!);
    const unsafe = run('report', cacheDir, true);
    expect(unsafe.cached).toBe(false);
    expect(unsafe.exports.version).toBe('a');
    expect(cacheFiles('report')).toEqual([]);
  });

  it('uses no cache in a folder whose parent others can write (they could swap the folder)', () => {
    const open = join(work, 'open');
    writeBundle('a');
    run('report', join(open, 'cache'), true);
    chmodSync(open, 0o777);
    expect(privateCacheDir(join(open, 'cache'))).toBeUndefined();
    expect(run('report', join(open, 'cache')).cached).toBe(false);
    // A sticky parent (as /tmp) lets no one else rename what this user owns in it.
    chmodSync(open, 0o1777);
    expect(privateCacheDir(join(open, 'cache'))).toBe(join(open, 'cache'));
  });

  // Only root can give a folder to another user; elsewhere the case cannot be set up.
  it.runIf(process.getuid?.() === 0)(
    'uses no cache in a folder whose parent another user owns (its owner could swap it)',
    () => {
      const theirs = join(work, 'theirs');
      mkdirSync(join(theirs, 'cache'), { recursive: true, mode: 0o700 });
      chmodSync(theirs, 0o755);
      chownSync(theirs, 65534, 65534);
      expect(privateCacheDir(join(theirs, 'cache'))).toBeUndefined();
      chmodSync(theirs, 0o1777);
      expect(privateCacheDir(join(theirs, 'cache'))).toBeUndefined();
    },
  );

  it('judges a parent reached through a link (~/.cache moved elsewhere) by the folder it leads to', () => {
    const privateParent = join(work, 'private');
    const openParent = join(work, 'open');
    mkdirSync(privateParent, { mode: 0o700 });
    mkdirSync(openParent, { mode: 0o700 });
    chmodSync(openParent, 0o777);
    symlinkSync(privateParent, join(work, 'to-private'));
    symlinkSync(openParent, join(work, 'to-open'));
    expect(privateCacheDir(join(work, 'to-private', 'cache'))).toBe(join(work, 'to-private', 'cache'));
    expect(privateCacheDir(join(work, 'to-open', 'cache'))).toBeUndefined();
  });

  it('runs without a cache folder at all', () => {
    writeBundle('a');
    const plain = run('report', undefined, true);
    expect(plain).toMatchObject({ cached: false, exports: { version: 'a' } });
    expect(cacheFiles('report')).toEqual([]);
  });
});

describe('where the cache lives and which commands use it', () => {
  it('follows HYPERAUDIT_CACHE_DIR, then XDG_CACHE_HOME, and is off with HYPERAUDIT_CODE_CACHE=0 or on Windows', () => {
    expect(codeCacheDir({ HYPERAUDIT_CACHE_DIR: '/x/c' }, 'linux')).toBe('/x/c');
    expect(codeCacheDir({ XDG_CACHE_HOME: '/x/xdg' }, 'linux')).toBe(join('/x/xdg', 'hyperaudit'));
    expect(codeCacheDir({}, 'darwin')).toMatch(/\.cache[/\\]hyperaudit$/);
    expect(codeCacheDir({ HYPERAUDIT_CODE_CACHE: '0', HYPERAUDIT_CACHE_DIR: '/x/c' }, 'linux')).toBeUndefined();
    expect(codeCacheDir({}, 'win32')).toBeUndefined();
  });

  it('ignores a relative XDG_CACHE_HOME, and runs without a cache when there is no home directory', () => {
    expect(codeCacheDir({ XDG_CACHE_HOME: 'relative' }, 'linux', () => '/home/u')).toBe(
      join('/home/u', '.cache', 'hyperaudit'),
    );
    const noHome = () => {
      throw new Error('ENOENT: no home directory');
    };
    expect(codeCacheDir({}, 'linux', noHome)).toBeUndefined();
  });

  it('is kept out of the user’s home while the tests run (they run bin/ on a fresh clone, where dist is built)', () => {
    const dir = codeCacheDir();
    expect(dir?.startsWith(tmpdir())).toBe(true);
    expect(dir?.startsWith(join(homedir(), '.cache'))).toBe(false);
  });

  it('reads the command as main.ts does: the first word that is not an option', () => {
    expect(commandOf(['report', '--data-dir', 'd'])).toBe('report');
    expect(commandOf(['--version'])).toBeUndefined();
    expect(commandOf([])).toBeUndefined();
  });

  it('keeps the cache of a run that did the command’s work, not of --help or a refused command', () => {
    expect(worthCaching(['report', '--data-dir', 'd'], EXIT.ok)).toBe(true);
    expect(worthCaching(['audit', '--fail-on', 'high'], EXIT.findings)).toBe(true);
    expect(worthCaching(['report'], EXIT.undelivered)).toBe(true);
    expect(worthCaching(['report', '--help'], EXIT.ok)).toBe(false);
    expect(worthCaching(['audit', '-h'], EXIT.ok)).toBe(false);
    expect(worthCaching(['audit', '--fail-on', 'nope'], EXIT.usage)).toBe(false);
    expect(worthCaching(['audit', 'missing.ndjson'], EXIT.rejected)).toBe(false);
    expect(worthCaching(['report'], EXIT.internal)).toBe(false);
  });
});
