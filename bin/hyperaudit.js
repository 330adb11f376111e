#!/usr/bin/env node
// Runs the compiled CLI in dist/ (built by `npm install` through `prepare`, shipped by `npm pack`).
// In a checkout whose src/ is newer than dist/ (a developer editing, a test run before `npm run build`), it
// runs src/ through tsx instead, so what runs is always what the source says; an installed package has no
// src/ and never pays for that check.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// The SDK warns on every run that releases after January 2027 need Node 22; the README says so once instead.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist', 'BUILT');
const src = join(root, 'src');

function newestChange(dir) {
  let newest = statSync(dir).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestChange(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function distIsCurrent() {
  if (!existsSync(built)) return false;
  if (!existsSync(src)) return true;
  return newestChange(src) <= statSync(built).mtimeMs;
}

/**
 * Whether this process is a command the bin relaunched (src/cli/gc-relaunch.ts: started with `--single-threaded-gc`
 * and the relauncher's pipe named): the process that started it runs only from dist/, and has just checked that dist/
 * is current, so walking src/ again (about 400 files, 30 ms of CPU in a checkout) would only repeat its answer.
 */
function relaunchedFromDist() {
  return process.env.HYPERAUDIT_RELAUNCHER_FD !== undefined && process.execArgv.includes('--single-threaded-gc');
}

let main;
let afterRun = () => undefined;
if (relaunchedFromDist() || distIsCurrent()) {
  const codeCache = await import(pathToFileURL(join(root, 'dist', 'cli', 'code-cache.js')).href);
  const args = process.argv.slice(2);
  const command = codeCache.commandOf(args);
  const heavy = codeCache.CODE_CACHED_COMMANDS.has(command);
  const [gc, { DEFAULT_DATA_DIR }] = heavy
    ? await Promise.all([
        import(pathToFileURL(join(root, 'dist', 'cli', 'gc-relaunch.js')).href),
        import(pathToFileURL(join(root, 'dist', 'cli', 'default-data-dir.js')).href),
      ])
    : [undefined, {}];
  if (heavy && gc.wantsSingleThreadedGc(args, process.execArgv, process.env, DEFAULT_DATA_DIR)) {
    // On a large store, the command runs again in a process started with `--single-threaded-gc`: less CPU for the
    // same work, and the flag cannot be set once this process runs (src/cli/gc-relaunch.ts).
    main = () => gc.runWithSingleThreadedGc(fileURLToPath(import.meta.url), args);
  } else if (heavy) {
    // Relaunched (above, by another process): the command ends should that process be killed outright.
    gc.endWithRelauncher();
    // audit, simulate, report: the CommonJS bundle with V8's code cache (src/cli/code-cache.ts), written after
    // the run so the next one skips compiling what this one compiled. Their store is started first, so its
    // process boots while this one reads the bundle (main.ts finds it started: src/cli/early-store.ts).
    const { startStoreEarly } = await import(pathToFileURL(join(root, 'dist', 'cli', 'early-store.js')).href);
    startStoreEarly(args, DEFAULT_DATA_DIR);
    const bundle = codeCache.runCachedBundle(
      join(root, 'dist', 'bundle', 'cli.cjs'),
      command,
      codeCache.codeCacheDir(),
    );
    ({ main } = bundle.exports);
    afterRun = () => {
      if (codeCache.worthCaching(args, process.exitCode)) bundle.saveCache();
    };
  } else {
    // The bundle (one chunk per command) starts faster than dist/cli/main.js, its file-for-file twin.
    ({ main } = await import(pathToFileURL(join(root, 'dist', 'bundle', 'main.js')).href));
  }
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import(pathToFileURL(join(src, 'cli', 'main.ts')).href));
}
process.exitCode = await main(process.argv);
afterRun();
