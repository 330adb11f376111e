// Gives each store dynalite creates a scan cache (scan-cache.cjs) that follows its writes, and, in the store's child,
// reads it from the data folder before LevelDB opens and writes it back after LevelDB has closed (scan-cache-file.cjs).
// Plain CommonJS: the store's child process loads it without a TypeScript loader.
//
// dynalite creates its store inside `dynalite()` (`db.create`, looked up on its db module at each call) and keeps it
// to itself; the hook on `create` is where the store's LevelDB instance can be wrapped before any request reaches it.
// A store dynalite re-creates after a close (`recreate`, which calls its own `create`) has no cache and is read as
// before. HYPERAUDIT_STORE_SCAN_CACHE=off installs nothing (the bench's baseline, debugging).
'use strict';

const { dirname } = require('node:path');
const { giveAnswerBuffer, takeAnswerBuffer } = require('./encoded-answers.cjs');
const { CACHE_BYTES, ScanCache, trackWrites } = require('./scan-cache.cjs');
const cacheFile = require('./scan-cache-file.cjs');
const { AnswerFiles } = cacheFile;

const dynaliteDir = { paths: [require.resolve('dynalite')] };
const db = require(require.resolve('dynalite/db', dynaliteDir));
const INSTALLED = Symbol.for('hyperaudit.scan-cache');

/** LevelDB instance → { cache, levelDir, persist, opened, ownLog, answers }. */
const stores = new WeakMap();
/** The stores whose cache is written back at close (the child's one). */
const persisted = [];
/** The store `dynalite()` created last: a server's own, read right after `dynalite()` returned it (scan-watch.cjs). */
let lastCreated;

/**
 * Installs the hook (idempotent). `persist`: read and write the cache file of each store with a LevelDB folder (the
 * store's child only: one process per folder, closed gracefully). Whether the cache is in place.
 */
function installScanCache({ persist = false } = {}) {
  if (process.env.HYPERAUDIT_STORE_SCAN_CACHE === 'off') return false;
  if (db.create[INSTALLED]) return true;
  const create = db.create;
  function createWithScanCache(options) {
    const store = create.apply(this, arguments);
    const levelDir = typeof options?.path === 'string' && options.path !== '' ? options.path : undefined;
    const state = { levelDir, persist: persist && levelDir !== undefined, opened: true, ownLog: undefined };
    if (state.persist) {
      state.opened = false;
      state.answers = new AnswerFiles(dirname(levelDir), CACHE_BYTES, takeAnswerBuffer, giveAnswerBuffer);
      state.cache = new ScanCache(state.answers);
      // Read before LevelDB opens (it opens on the next tick), so the stamp is the folder as the last close left it.
      const read = cacheFile.readCacheFile(levelDir, state.answers);
      for (const e of read?.entries ?? []) state.cache.restore(e.key, e.table, e.hash, e.range, e.at, e.length, e.crc);
      store.db.once('open', () => {
        if (read !== undefined && !cacheFile.openedAfter(levelDir, read.log)) state.cache.clear();
        state.ownLog = cacheFile.ownInfoLog(levelDir);
        state.opened = true;
      });
      persisted.push({ store, state });
    } else state.cache = new ScanCache();
    trackWrites(store.db, state.cache);
    stores.set(store.db, state);
    lastCreated = store;
    return store;
  }
  createWithScanCache[INSTALLED] = true;
  db.create = createWithScanCache;
  return true;
}

/** The scan cache of a dynalite store, or undefined (none installed, or LevelDB not checked open yet). */
function scanCacheOf(store) {
  const state = store?.db === undefined ? undefined : stores.get(store.db);
  return state?.opened ? state.cache : undefined;
}

/** The store the last `dynalite()` call created (with a scan cache when installed), or undefined. */
function lastCreatedStore() {
  return lastCreated;
}

/**
 * Writes the cache of every persisted store whose LevelDB is closed (call after the server's close has finished).
 * Errors are the caller's to report: a cache that could not be written is only a miss next time.
 */
function saveScanCaches() {
  for (const { store, state } of persisted.splice(0)) {
    if (store.db.status !== 'closed') continue;
    const entries = [...state.cache.entries].map(([key, e]) => ({ key, ...e }));
    cacheFile.writeCacheFile(state.levelDir, entries, state.opened ? state.ownLog : undefined, state.answers);
  }
}

module.exports = { installScanCache, lastCreatedStore, scanCacheOf, saveScanCaches };
