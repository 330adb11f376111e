import { createHash } from 'node:crypto';
import Module from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { codeCacheDir, installCacheDir, readPrivateFile, removeOtherCaches, writePrivateFile } from '../cli/code-cache';

/**
 * V8's code cache for the CommonJS modules the store's child process (dynalite-server.cjs) requires: dynalite and
 * its packages, some 90 files and 1.3 MB of source that each start compiles again (the child's boot is the critical
 * path of `report`'s start: docs/startup.md). The child cannot be one bundle like the CLI's (its hooks patch
 * dynalite's own module objects, and dynalite requires its actions by computed names), so each module keeps its
 * file and Node's loader and only the compile step takes cached data.
 *
 * The safety rules are code-cache.ts's: the cache is one file in that module's private folder (one per install),
 * read only when this user owns it and no one else can write it, named by Node's version and architecture. Inside
 * it, each module's data is keyed by its file name and the SHA-256 of its source: V8 only checks the length of the
 * source, so data for other text (an upgraded package, a planted entry) is never given to the compiler.
 */

/** The cache file's first bytes: a file without them (or of another layout) is not read. */
const MAGIC = Buffer.from('hyperaudit-module-cache-1\n');

interface Entry {
  file: string;
  hash: string;
  data: Buffer;
}

/** The entries of a cache file's bytes; none when any part of it is not what this module writes. */
export function decodeModuleCache(bytes: Buffer): Map<string, Entry> {
  const entries = new Map<string, Entry>();
  try {
    if (bytes.length < MAGIC.length + 4 || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) return entries;
    const headerLength = bytes.readUInt32LE(MAGIC.length);
    const headerEnd = MAGIC.length + 4 + headerLength;
    if (headerEnd > bytes.length) return entries;
    const header: unknown = JSON.parse(bytes.subarray(MAGIC.length + 4, headerEnd).toString('utf8'));
    if (!Array.isArray(header)) return entries;
    let offset = headerEnd;
    for (const item of header as unknown[]) {
      if (typeof item !== 'object' || item === null) return new Map();
      const { file, hash, length } = item as Record<string, unknown>;
      if (typeof file !== 'string' || typeof hash !== 'string' || !Number.isSafeInteger(length)) return new Map();
      const end = offset + (length as number);
      if ((length as number) < 0 || end > bytes.length) return new Map();
      entries.set(file, { file, hash, data: bytes.subarray(offset, end) });
      offset = end;
    }
    return offset === bytes.length ? entries : new Map();
  } catch {
    return new Map();
  }
}

/** The cache file's bytes for these entries (decodeModuleCache's inverse). */
export function encodeModuleCache(entries: Iterable<Entry>): Buffer {
  const list = [...entries];
  const header = Buffer.from(
    JSON.stringify(list.map(({ file, hash, data }) => ({ file, hash, length: data.length }))),
    'utf8',
  );
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length);
  return Buffer.concat([MAGIC, length, header, ...list.map((e) => e.data)]);
}

const sourceHash = (source: string) => createHash('sha256').update(source).digest('hex');

export interface ModuleCodeCache {
  /** The module wrapper function for `source` (Node's CommonJS wrapper), compiled with cached data when it has any. */
  compile(source: string, filename: string): (...args: unknown[]) => unknown;
  /** Modules compiled from cached data V8 took, and without. */
  readonly hits: number;
  readonly misses: number;
  /** Writes the cache when a module of this run had no usable data (it then holds what the run compiled). */
  save(): void;
}

/** The cache file `name` in `dir` (a folder that passed code-cache.ts's checks), or none with `dir` undefined. */
export function openModuleCodeCache(dir: string | undefined, name: string): ModuleCodeCache {
  const fileName = `${name}-${process.version}-${process.arch}.bin`;
  const path = dir === undefined ? undefined : join(dir, fileName);
  const bytes = path === undefined ? undefined : readPrivateFile(path);
  const stored = bytes === undefined ? new Map<string, Entry>() : decodeModuleCache(bytes);
  const compiled: { file: string; hash: string; script: Script }[] = [];
  let hits = 0;
  let misses = 0;
  return {
    compile(source, filename) {
      const hash = sourceHash(source);
      const entry = stored.get(filename);
      const cachedData = entry !== undefined && entry.hash === hash ? entry.data : undefined;
      const script = new Script(Module.wrap(source), {
        filename,
        ...(cachedData !== undefined && { cachedData }),
      });
      if (cachedData !== undefined && script.cachedDataRejected !== true) hits++;
      else misses++;
      compiled.push({ file: filename, hash, script });
      return script.runInThisContext() as (...args: unknown[]) => unknown;
    },
    get hits() {
      return hits;
    },
    get misses() {
      return misses;
    },
    save() {
      if (misses === 0 || path === undefined || dir === undefined) return;
      try {
        const entries = compiled.map(({ file, hash, script }) => ({ file, hash, data: script.createCachedData() }));
        writePrivateFile(path, encodeModuleCache(entries));
        removeOtherCaches(dir, name, fileName);
      } catch {
        // The cache only saves time: a run that cannot write it still answered.
      }
    },
  };
}

/** The parts of Node's CommonJS loader the hook uses; public in practice (v8-compile-cache and others use them). */
interface LoaderInternals {
  prototype: { _compile(this: NodeModule, content: string, filename: string, ...rest: unknown[]): unknown };
  _resolveFilename(request: string, parent: NodeModule, isMain: boolean, options?: { paths?: string[] }): string;
  _resolveLookupPaths(request: string, parent: NodeModule): string[] | null;
  _extensions: NodeJS.RequireExtensions;
  _cache: NodeJS.Dict<NodeModule>;
}

/**
 * Compiles every CommonJS module required from now on in this process through `cache`, with the `require`,
 * `module` and `exports` Node would give it. A module Node would treat otherwise (a hashbang line, an ES module
 * loaded through require, a syntax error to report) goes to Node's own compile.
 */
export function installModuleCodeCache(cache: ModuleCodeCache): void {
  const loader = Module as unknown as LoaderInternals;
  const nodeCompile = loader.prototype._compile;
  loader.prototype._compile = function compile(this: NodeModule, content, filename, ...rest) {
    const format = rest[0];
    if (content.startsWith('#!') || (format !== undefined && format !== 'commonjs'))
      return nodeCompile.call(this, content, filename, ...rest);
    let wrapper: (...args: unknown[]) => unknown;
    try {
      wrapper = cache.compile(content, filename);
    } catch {
      return nodeCompile.call(this, content, filename, ...rest);
    }
    const resolve = Object.assign(
      (request: string, options?: { paths?: string[] }) => loader._resolveFilename(request, this, false, options),
      { paths: (request: string) => loader._resolveLookupPaths(request, this) },
    );
    const requireFn = Object.assign((id: string) => this.require(id), {
      resolve,
      main: (process as { mainModule?: NodeModule }).mainModule,
      extensions: loader._extensions,
      cache: loader._cache,
    });
    return wrapper.call(this.exports, this.exports, requireFn, this, filename, dirname(filename));
  };
}

/**
 * The child's hook: its cache in the install's private folder for `childScript` (see code-cache.ts), unless the
 * cache is off (`HYPERAUDIT_CODE_CACHE=0`) or no folder passes the checks, in which case the modules compile as usual.
 */
export function cacheChildModules(childScript: string): ModuleCodeCache | undefined {
  const dir = installCacheDir(codeCacheDir(), childScript);
  if (dir === undefined) return undefined;
  const cache = openModuleCodeCache(dir, 'store-modules');
  installModuleCodeCache(cache);
  return cache;
}
