// The key scan's answers kept for the next identical Scan (issue 19: an unchanged fleet's audit, simulate and report
// each made the store answer the same 55 MB fleet Scan again, about 2.5 s of the child's CPU at 100,000 VMs). Plain
// CommonJS: the store's child process loads it without a TypeScript loader.
//
// An entry is the exact bytes of one answer (and their CRC-32), keyed by the request as dynalite validated it (its
// members but the ones dynalite derives, `_filter` and the like). It stays exact because every write to LevelDB
// passes through here first (`trackWrites` wraps the store's put, del, batch and clear):
// - a write to an item of a table drops the entries of that table whose filter takes the item's key, before the
//   write is applied. A key scan's filter reads key attributes only and its pages hold only the items it takes
//   (their size, count and last key too), so an item it refuses cannot change the answer: the audit's findings,
//   digests and meta leave the fleet's entries in place.
// - a write to a table's description (create, delete, update, a status change) or to anything this does not know
//   drops every entry; writes to indexes and tags drop nothing (a key scan reads neither).
// - an answer is kept only when no write was in flight when its read began and none began or ended before it was
//   encoded (`generation`): LevelDB's iteration is asynchronous, so a page read across a write may hold part of it.
//
// A watch (`watch`) is an entry of the same kind whose answer is 16 random bytes nobody is sent as a Scan's answer:
// dropped by the same writes, kept in the same file, it is a token that stays the same exactly as long as no item its
// filter takes was written. The CLI keeps the fleet it folded from those items under that token (fleet-cache.ts).
'use strict';

const { randomBytes } = require('node:crypto');
const zlib = require('node:zlib');

const dynaliteDir = { paths: [require.resolve('dynalite')] };
const db = require(require.resolve('dynalite/db', dynaliteDir));
const validations = require(require.resolve('dynalite/validations', dynaliteDir));
const scanValidation = require(require.resolve('dynalite/validations/scan', dynaliteDir));

/** Bytes of answers one store keeps, in memory and in its file; an answer beyond it is not kept. */
const CACHE_BYTES = 256 * 1024 * 1024;
/**
 * Characters of request keys one store keeps, in memory with their parsed filters and in its index: a Scan request
 * may be 16 MB (dynalite's cap) for an answer of 40 bytes, so the answers' cap alone does not bound them. The fleet's
 * requests are under a kilobyte each; an index larger than 16 MB is not written (scan-cache-file.cjs).
 */
const KEYS_LENGTH = 8 * 1024 * 1024;
const HEX = /^(?:[0-9a-f]{2})*$/;

/** The cache key of a validated Scan request: its members as received, without the ones dynalite derived. */
function requestKey(data) {
  const own = {};
  for (const name of Object.keys(data)) if (!name.startsWith('_')) own[name] = data[name];
  return JSON.stringify(own);
}

/** What a watch's key starts with: a Scan's request key starts with `{`, so the two never meet. */
const WATCH = 'watch ';
const TOKEN_BYTES = 16;

/**
 * The parsed filter of a request key (or a watch's) read back from a file, as dynalite derives it; undefined when it
 * fails.
 */
function filterOfKey(key) {
  if (key.startsWith(WATCH)) return filterOfKey(key.slice(WATCH.length));
  try {
    const data = validations.checkTypes(JSON.parse(key), scanValidation.types);
    validations.checkValidations(data, scanValidation.types, scanValidation.custom);
    return requestKey(data) === key ? data._filter?.expression : undefined;
  } catch {
    return undefined;
  }
}

/** Answers sent from the cache and answers kept, in this process (tests read them: `scanCacheCounts`). */
const counts = { hits: 0, kept: 0 };

function scanCacheCounts() {
  return { ...counts };
}

/** Answers kept in memory (a store without a data folder, or the in-process server): `at` holds the bytes. */
const memoryAnswers = {
  keep: (bytes) => ({ bytes: Buffer.from(bytes) }),
  read: (at) => ({ bytes: at.bytes, buffer: undefined, verified: true }),
  give: () => {},
};

class ScanCache {
  /**
   * `answers` keeps and reads back the answers' bytes: `keep(bytes)` → a location or undefined (not kept), `read(at,
   * length)` → `{ bytes, buffer, verified }` or undefined, `give(buffer)` (memoryAnswers, or the data folder's files:
   * scan-cache-file.cjs). Bytes not `verified` are checked against their CRC-32 before they are sent.
   */
  constructor(answers = memoryAnswers, capBytes = CACHE_BYTES) {
    this.answers = answers;
    this.capBytes = capBytes;
    /** key → { table, hash, range, expression, at, length, crc } */
    this.entries = new Map();
    this.bytes = 0;
    /** Characters of the entries' request keys (KEYS_LENGTH). */
    this.keysLength = 0;
    /** Counts every write's start and end: an answer read while it moved is not kept. */
    this.generation = 0;
    this.inFlight = 0;
  }

  /** The entry answering `key` for a table whose key names are `plan`'s, or undefined. */
  lookup(key, plan) {
    const entry = this.entries.get(key);
    if (entry === undefined || entry.hash !== plan.hash || entry.range !== plan.range) return undefined;
    return entry;
  }

  /**
   * An entry's answer to send: `{ bytes, crc, buffer }` (`buffer`: to give back once sent, storedAnswer), or
   * undefined when its bytes cannot be read back as they were kept (the entry is dropped: the request is a miss).
   */
  answerOf(key, entry) {
    const answer = this.readBack(key, entry);
    if (answer !== undefined) counts.hits++;
    return answer;
  }

  /** `answerOf` without counting a hit: an entry's bytes as kept, or undefined (the entry then dropped). */
  readBack(key, entry) {
    const read = this.answers.read(entry.at, entry.length);
    if (read !== undefined && (read.verified || zlib.crc32(read.bytes) === entry.crc))
      return { bytes: read.bytes, crc: entry.crc, buffer: read.buffer };
    if (read?.buffer !== undefined) this.answers.give(read.buffer);
    this.drop(key, entry);
    return undefined;
  }

  /** What a read must show `keeps` at its end for its answer to be kept; undefined when a write is in flight. */
  begin() {
    return this.inFlight > 0 ? undefined : this.generation;
  }

  /** Whether an answer whose read began at `begun` (`begin`) saw no write. */
  keeps(begun) {
    return begun !== undefined && this.inFlight === 0 && this.generation === begun;
  }

  /** Keeps an answer (`bytes` may be a buffer reused for the next answer: `answers.keep` copies it), under the cap. */
  add(key, plan, expression, table, bytes, crc) {
    const old = this.entries.get(key);
    if (old !== undefined) this.drop(key, old);
    if (!this.fits(key, bytes.length)) return;
    const at = this.answers.keep(bytes);
    if (at === undefined) return;
    this.hold(key, { table, hash: plan.hash, range: plan.range, expression, at, length: bytes.length, crc });
    counts.kept++;
  }

  /**
   * The token of the watch on what the Scan `key` (a request key, for a table whose key names are `plan`'s) takes: the
   * same hex text until a write to an item it takes drops it, then another one. Undefined while a write is in flight
   * (its item may not be in a read made now) or when the caps leave no room for it.
   */
  watch(key, plan, expression, table) {
    const watchKey = WATCH + key;
    const entry = this.lookup(watchKey, plan);
    const kept = entry === undefined ? undefined : this.readBack(watchKey, entry);
    if (kept !== undefined) {
      const token = Buffer.from(kept.bytes).toString('hex');
      if (kept.buffer !== undefined) this.answers.give(kept.buffer);
      return token;
    }
    if (this.begin() === undefined) return undefined;
    const bytes = randomBytes(TOKEN_BYTES);
    this.add(watchKey, plan, expression, table, bytes, zlib.crc32(bytes));
    return this.entries.has(watchKey) ? bytes.toString('hex') : undefined;
  }

  /** Adds an entry read from a file (`at`: where its bytes are): kept only when its request still parses to a filter. */
  restore(key, table, hash, range, at, length, crc) {
    if (!this.fits(key, length)) return;
    const expression = filterOfKey(key);
    if (expression === undefined) return;
    this.hold(key, { table, hash, range, expression, at, length, crc });
  }

  /** Whether an answer of `length` bytes under request `key` stays within both caps. */
  fits(key, length) {
    return this.bytes + length <= this.capBytes && this.keysLength + key.length <= KEYS_LENGTH;
  }

  /** Holds `entry` under `key`, counted against the caps (`drop` is its inverse). */
  hold(key, entry) {
    this.entries.set(key, entry);
    this.bytes += entry.length;
    this.keysLength += key.length;
  }

  drop(key, entry) {
    this.entries.delete(key);
    this.bytes -= entry.length;
    this.keysLength -= key.length;
  }

  clear() {
    this.entries.clear();
    this.bytes = 0;
    this.keysLength = 0;
  }

  /** Drops what a write to LevelDB key `key` could change (see the top of this file). */
  invalidate(key) {
    if (this.entries.size === 0) return;
    if (typeof key !== 'string') return this.clear();
    const tilde = key.indexOf('~');
    const sub = tilde < 0 ? key : key.slice(0, tilde);
    if (sub.startsWith('index-') || sub.startsWith('tag-')) return;
    if (!sub.startsWith('item-')) return this.clear();
    this.dropTaking(sub.slice('item-'.length), key.slice(tilde + 1));
  }

  /** Drops the entries of `table` whose filter takes the item whose dynalite key is `local` (`<hash>/<pk hex>/<sk hex>/`). */
  dropTaking(table, local) {
    const pkStart = local.indexOf('/') + 1;
    const pkEnd = pkStart > 0 ? local.indexOf('/', pkStart) : -1;
    const pkHex = pkEnd < 0 ? undefined : local.slice(pkStart, pkEnd);
    const skHex = pkEnd < 0 ? undefined : local.slice(pkEnd + 1, local.length - 1);
    const readable = pkHex !== undefined && HEX.test(pkHex) && HEX.test(skHex) && local.endsWith('/');
    const pk = readable ? Buffer.from(pkHex, 'hex').toString('utf8') : undefined;
    const sk = readable ? Buffer.from(skHex, 'hex').toString('utf8') : undefined;
    for (const [key, entry] of this.entries) {
      if (entry.table !== table) continue;
      if (takes(entry, pk, sk)) this.drop(key, entry);
    }
  }

  writeStarts(keys) {
    this.generation++;
    this.inFlight++;
    for (const key of keys) this.invalidate(key);
  }

  writeEnds() {
    this.generation++;
    this.inFlight--;
  }
}

/**
 * Whether an entry's filter may take the item of key `pk`/`sk` (undefined: a key that could not be read). A key
 * holding U+FFFD may stand for a lone surrogate (dynalite's key is UTF-8): such a key is taken, as any unreadable one.
 */
function takes(entry, pk, sk) {
  if (pk === undefined || pk.includes('\uFFFD') || sk.includes('\uFFFD')) return true;
  const keyItem = { [entry.hash]: { S: pk } };
  if (entry.range !== undefined) keyItem[entry.range] = { S: sk };
  try {
    return db.matchesExprFilter(keyItem, entry.expression) !== false;
  } catch {
    return true;
  }
}

/** The LevelDB keys a write method's arguments name, or undefined when they cannot be known (all then). */
function writtenKeys(method, args) {
  if (method === 'put' || method === 'del') return [args[0]];
  if (method === 'batch' && Array.isArray(args[0])) return args[0].map((op) => op?.key);
  return [undefined];
}

/**
 * Wraps `level`'s writes (dynalite's callback-style put, del, batch and its clear) so that `cache` drops what each
 * could change before it is applied, and counts it in flight until it has ended (its callback, or its promise). A
 * chained batch (`batch()` without operations; dynalite 4.0.0 makes none) names no key and has neither, so it clears
 * the cache and stays in flight: nothing is kept from then on.
 */
function trackWrites(level, cache) {
  for (const method of ['put', 'del', 'batch', 'clear']) {
    const original = level[method];
    if (typeof original !== 'function') continue;
    level[method] = function trackedWrite(...args) {
      cache.writeStarts(writtenKeys(method, args));
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        cache.writeEnds();
      };
      const last = args.length - 1;
      if (typeof args[last] === 'function') {
        const callback = args[last];
        args[last] = function writeEnded(...results) {
          end();
          return callback.apply(this, results);
        };
      }
      try {
        const result = original.apply(this, args);
        if (result !== null && typeof result?.then === 'function') result.then(end, end);
        return result;
      } catch (err) {
        end();
        throw err;
      }
    };
  }
}

module.exports = { ScanCache, CACHE_BYTES, memoryAnswers, requestKey, scanCacheCounts, trackWrites };
