import { createHash } from 'node:crypto';
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { Script } from 'node:vm';
import { EXIT } from './exit-codes';

/**
 * V8's code cache for the CLI's CommonJS bundle (dist/bundle/cli.cjs), the commands whose modules are most of their
 * start: Node 20 has no compile cache for ES modules (`module.enableCompileCache` is 22.1+), but a script run
 * through `vm.Script` takes V8's cached data. The cache is written after a run, so it holds the functions that run
 * compiled (not only the top level), and the next run deserializes them instead of parsing and compiling the
 * bundle's 3 MB.
 *
 * Cached data is code: V8 rejects data made by another V8 version, other flags or a source of another length, but it
 * does not verify the bytes otherwise, so data someone else wrote could run as ours. The cache is therefore used
 * only in a directory this user owns that no one else can write (nor its parent), from files this user owns that
 * no one else can write, opened without following links; it is named by the SHA-256 of the bundle's text (an edited
 * bundle of the same length never meets old data) and by the Node version. Anything else (another platform, a
 * directory that fails a check, a read or write that fails) runs the bundle without a cache: the cache only saves
 * time, it never changes what runs.
 */

/** The commands run through the cached bundle: their module load is a large part of their CPU (docs/startup.md). */
export const CODE_CACHED_COMMANDS: ReadonlySet<string> = new Set(['audit', 'simulate', 'report']);

/** The command the arguments name, as main.ts reads it (the first word that is not an option). */
export function commandOf(args: readonly string[]): string | undefined {
  return args.find((a) => !a.startsWith('-'));
}

/**
 * Whether a run's cache is worth keeping: the cache is written once, by the first run without one, and holds what that
 * run compiled. A `--help` or a refused command compiles little of the command, and its cache would be kept by every
 * later run; a run that did the command's work (exit 0, failing findings, messages left queued) compiles what the
 * next one needs.
 */
export function worthCaching(args: readonly string[], exitCode: number): boolean {
  const didTheWork = exitCode === EXIT.ok || exitCode === EXIT.findings || exitCode === EXIT.undelivered;
  return didTheWork && !args.some((a) => a === '--help' || a === '-h');
}

/** Larger than any cache of the bundle (about 2.5 MB for `report`); a bigger file is not ours. */
const MAX_CACHE_BYTES = 64 << 20;

/**
 * Where the cache lives: `HYPERAUDIT_CACHE_DIR`, else `$XDG_CACHE_HOME/hyperaudit` (when absolute, as the XDG
 * specification asks), else `~/.cache/hyperaudit`; undefined (no cache) with `HYPERAUDIT_CODE_CACHE=0`, on Windows
 * (the ownership checks below do not apply there), or when there is no home directory to find.
 */
export function codeCacheDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: () => string = homedir,
): string | undefined {
  if (env.HYPERAUDIT_CODE_CACHE === '0' || platform === 'win32') return undefined;
  if (env.HYPERAUDIT_CACHE_DIR) return resolve(env.HYPERAUDIT_CACHE_DIR);
  if (env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME)) return join(env.XDG_CACHE_HOME, 'hyperaudit');
  try {
    return join(home(), '.cache', 'hyperaudit');
  } catch {
    // No HOME and no passwd entry (a bare service account): run without a cache rather than fail the command.
    return undefined;
  }
}

const uid = () => (typeof process.getuid === 'function' ? process.getuid() : undefined);

/** Written by group or others; a sticky directory (/tmp) lets no one else rename or remove what we own in it. */
const othersMayWrite = (mode: number) => (mode & 0o022) !== 0;
const sticky = (mode: number) => (mode & 0o1000) !== 0;

/**
 * The cache directory, created private (0700) when missing, when it is a real directory this user owns that no one
 * else can write, in a parent this user or root owns that no one else can write (or a sticky one, like /tmp): else
 * undefined.
 */
export function privateCacheDir(dir: string): string | undefined {
  const me = uid();
  if (me === undefined) return undefined;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const own = lstatSync(dir);
    if (!own.isDirectory() || own.uid !== me || othersMayWrite(own.mode)) return undefined;
    // The folder that holds `dir`, through any link on the way (~/.cache moved to another disk): a link's own mode
    // is 0777 on Linux (never usable) and whatever lchmod set on macOS (saying nothing of where it leads).
    const parent = statSync(dirname(dir));
    // Its owner may rename what it holds, sticky or not: this user, or root.
    if (parent.uid !== me && parent.uid !== 0) return undefined;
    if (othersMayWrite(parent.mode) && !sticky(parent.mode)) return undefined;
    return dir;
  } catch {
    return undefined;
  }
}

/** A cache file's bytes, when it is a regular file this user owns that no one else can write; else undefined. */
export function readPrivateFile(path: string, maxBytes = MAX_CACHE_BYTES): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.uid !== uid() || othersMayWrite(stat.mode) || stat.size > maxBytes) return undefined;
    const bytes = Buffer.allocUnsafe(stat.size);
    let read = 0;
    while (read < stat.size) {
      const n = readSync(fd, bytes, read, stat.size - read, read);
      if (n === 0) return undefined;
      read += n;
    }
    return bytes;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Writes the file (0600) beside its final name and renames it there: a reader never sees half of one. */
export function writePrivateFile(path: string, bytes: Buffer): void {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, bytes, { mode: 0o600, flag: 'wx' });
    renameSync(temporary, path);
  } catch {
    try {
      unlinkSync(temporary);
    } catch {
      // Never written.
    }
  }
}

/**
 * Caches of `name` for other bundles or Node versions in this install's folder: each upgrade would otherwise leave
 * one behind. Each install (a checkout, a global install) has its own folder, so two of them never remove each
 * other's cache on every run.
 */
function removeOtherCaches(dir: string, name: string, keep: string): void {
  try {
    for (const file of readdirSync(dir))
      if (file.startsWith(`${name}-`) && file.endsWith('.bin') && file !== keep) unlinkSync(join(dir, file));
  } catch {
    // Another run may be removing them too.
  }
}

export interface CachedBundle {
  /** What the bundle exported. */
  exports: Record<string, unknown>;
  /** Whether V8 took cached data for this run. */
  cached: boolean;
  /** After the run: writes the cache when this run had none (it then holds what the run compiled). */
  saveCache(): void;
}

/**
 * Runs a CommonJS file (`file`, ASCII or UTF-8 text) as Node would, with V8's cached data from `cacheDir` for the
 * cache named `name` when there is a usable one (see above). Without `cacheDir` it runs without a cache.
 */
export function runCachedBundle(file: string, name: string, cacheDir: string | undefined): CachedBundle {
  const bytes = readFileSync(file);
  const source = bytes.toString('utf8');
  // One folder per bundle path (see removeOtherCaches); both it and the folder above it pass the checks.
  const installKey = createHash('sha256').update(file).digest('hex').slice(0, 16);
  const dir =
    cacheDir === undefined || privateCacheDir(cacheDir) === undefined
      ? undefined
      : privateCacheDir(join(cacheDir, installKey));
  const cacheName = `${name}-${createHash('sha256').update(bytes).digest('hex').slice(0, 32)}-${process.version}-${process.arch}.bin`;
  const cachePath = dir === undefined ? undefined : join(dir, cacheName);
  const cachedData = cachePath === undefined ? undefined : readPrivateFile(cachePath);
  // The wrapper Node's own CommonJS loader puts around a module, on the first line so line numbers stay the file's.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) { ${source}\n})`, {
    filename: file,
    ...(cachedData !== undefined && { cachedData }),
  });
  const cached = cachedData !== undefined && script.cachedDataRejected !== true;
  const module = { exports: {} as Record<string, unknown> };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  return {
    exports: module.exports,
    cached,
    saveCache() {
      if (cached || dir === undefined || cachePath === undefined) return;
      writePrivateFile(cachePath, script.createCachedData());
      removeOtherCaches(dir, name, cacheName);
    },
  };
}
