import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeModuleCache, encodeModuleCache } from '../../src/store/module-code-cache';

const hook = join(import.meta.dirname, '..', '..', 'src', 'store', 'module-code-cache.ts');

interface Run {
  hits: number;
  misses: number;
  loaded: unknown;
}

/**
 * A fresh process that installs the hook on the cache folder `dir`, requires `main.cjs` and saves the cache, as the
 * store's child does: within one process V8 reuses what it compiled and ignores cached data.
 */
function run(dir: string): Run {
  const code = `import { createRequire } from 'node:module';
import { installModuleCodeCache, openModuleCodeCache } from ${JSON.stringify(hook)};
const cache = openModuleCodeCache(${JSON.stringify(dir)}, 'test-modules');
installModuleCodeCache(cache);
const loaded = createRequire(${JSON.stringify(join(work, 'entry.cjs'))})('./main.cjs');
cache.save();
process.stdout.write(JSON.stringify({ hits: cache.hits, misses: cache.misses, loaded }));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as Run;
}

let work: string;
let cacheDir: string;

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'hyperaudit-module-cache-'));
  cacheDir = join(work, 'cache');
  // The folder code-cache.ts's checks would give: private to this user.
  spawnSync('mkdir', ['-m', '700', cacheDir]);
  writeModules('one');
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

/** main.cjs requires helper.cjs (whose text says `version`) and reports what CommonJS gave it. */
function writeModules(version: string): void {
  writeFileSync(
    join(work, 'helper.cjs'),
    `module.exports = { version: ${JSON.stringify(version)}, dir: __dirname };\n`,
  );
  writeFileSync(
    join(work, 'main.cjs'),
    "'use strict';\nconst helper = require('./helper.cjs');\n" +
      "module.exports = { helper, same: helper === require(require.resolve('./helper.cjs')), " +
      'file: __filename, parent: require.cache[require.resolve("./helper.cjs")].parent === module, ' +
      'paths: Array.isArray(require.resolve.paths("x")), thisIsExports: this === exports };\n',
  );
}

const cacheFile = () => join(cacheDir, readdirSync(cacheDir).find((f) => f.startsWith('test-modules-'))!);

const expected = (version: string) => ({
  helper: { version, dir: work },
  same: true,
  file: join(work, 'main.cjs'),
  parent: true,
  paths: true,
  thisIsExports: true,
});

describe('the store child module code cache', () => {
  it('compiles every module without data the first time, gives CommonJS what Node gives it, and writes a private cache', () => {
    const first = run(cacheDir);
    expect(first).toEqual({ hits: 0, misses: 2, loaded: expected('one') });
    expect(statSync(cacheFile()).mode & 0o777).toBe(0o600);
  });

  it('uses the cache on the next boot, with the same results', () => {
    run(cacheDir);
    expect(run(cacheDir)).toEqual({ hits: 2, misses: 0, loaded: expected('one') });
  });

  it('never gives a module data cached for other text of the same length', () => {
    run(cacheDir);
    writeModules('two');
    // V8 alone would take it (it checks only the length): the source hash keeps it out.
    expect(run(cacheDir)).toEqual({ hits: 1, misses: 1, loaded: expected('two') });
    expect(run(cacheDir)).toEqual({ hits: 2, misses: 0, loaded: expected('two') });
  });

  it('ignores a cache file others can write', () => {
    run(cacheDir);
    chmodSync(cacheFile(), 0o666);
    expect(run(cacheDir)).toMatchObject({ hits: 0, misses: 2, loaded: expected('one') });
  });

  it('ignores a cache file reached through a link', () => {
    run(cacheDir);
    const file = cacheFile();
    renameSync(file, join(work, 'elsewhere.bin'));
    symlinkSync(join(work, 'elsewhere.bin'), file);
    expect(run(cacheDir)).toMatchObject({ hits: 0, misses: 2, loaded: expected('one') });
  });

  it('runs without a cache from a damaged file, and replaces it', () => {
    run(cacheDir);
    const file = cacheFile();
    writeFileSync(file, readFileSync(file).subarray(0, 100), { mode: 0o600 });
    expect(run(cacheDir)).toMatchObject({ hits: 0, misses: 2, loaded: expected('one') });
    expect(run(cacheDir)).toMatchObject({ hits: 2, misses: 0 });
  });

  it('runs without a cache when it has no folder', () => {
    const code = `import { openModuleCodeCache } from ${JSON.stringify(hook)};
const cache = openModuleCodeCache(undefined, 'test-modules');
const f = cache.compile('exports.x = 1;', ${JSON.stringify(join(work, 'x.cjs'))});
cache.save();
process.stdout.write(JSON.stringify([typeof f, cache.hits, cache.misses]));`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8' });
    expect(JSON.parse(r.stdout)).toEqual(['function', 0, 1]);
    expect(readdirSync(cacheDir)).toEqual([]);
  });
});

describe('the module cache file layout', () => {
  const entries = [
    { file: '/a.cjs', hash: 'aa', data: Buffer.from([1, 2, 3]) },
    { file: '/b.cjs', hash: 'bb', data: Buffer.from([4]) },
  ];

  it('reads back what it wrote', () => {
    expect([...decodeModuleCache(encodeModuleCache(entries)).values()]).toEqual(entries);
  });

  it('reads nothing from bytes it did not write whole', () => {
    const bytes = encodeModuleCache(entries);
    expect(decodeModuleCache(bytes.subarray(0, bytes.length - 1)).size).toBe(0);
    expect(decodeModuleCache(Buffer.concat([bytes, Buffer.from([0])])).size).toBe(0);
    expect(decodeModuleCache(Buffer.from('not a cache')).size).toBe(0);
    const lying = Buffer.from(bytes);
    lying.writeUInt32LE(0xffffffff, 'hyperaudit-module-cache-1\n'.length);
    expect(decodeModuleCache(lying).size).toBe(0);
  });
});
