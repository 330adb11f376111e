// A Scan whose FilterExpression reads only the table's key attributes, answered by the embedded store (dynalite)
// without reading the items that filter leaves out. Plain CommonJS: the store's child process loads it without a
// TypeScript loader (dynalite-server.cjs), and local-server.ts installs it for the in-process server too.
//
// Why: dynalite answers every Scan by reading and JSON-parsing each item of the table, then filtering. hyperaudit's
// fleet read (`loadFleet`, `loadFleetWithHistory`: `begins_with(pk, 'VM#') OR …`) wants the entity partitions, about
// a third of a 100,000-VM table's bytes; the rest is findings, their pages and meta, parsed only to be dropped (about
// 5 s of the store process's CPU per command). LevelDB keeps one partition's items together (dynalite's item key is
// `<hash of pk>/<pk hex>/<sk hex>/`), so when the filter reads the partition key alone, one look at a partition's
// first key decides the whole partition and the iterator seeks past it; a filter that also reads the sort key is
// decided item by item from the key, and an item it refuses is never parsed.
//
// What the answer keeps of dynalite's: the same items in the same order, projected the same way (its own mapPaths),
// pages cut by its own rule (1 MB of its item size) each ending at the LastEvaluatedKey of its last item. What
// differs, as DynamoDB allows: the 1 MB and ScannedCount count the items taken (a skipped partition's are not read),
// so a page holds up to 1 MB of matching items where dynalite's counted the refused ones too, and ends elsewhere.
// Anything else goes to dynalite's own code unchanged: a Query, an index, legacy ScanFilter, consumed capacity, a
// Limit (it counts the refused items: pages would end elsewhere than DynamoDB's), a filter on other attributes, keys
// that are not strings, or a dynalite other than the one this was written against (`supported`).
//
// Where the store's answer hooks are installed (encoded-answers.cjs: the store's child, and the in-process server), the
// items taken are not parsed either: each is sent as its stored bytes, the projected members copied as they are stored
// (stored-item-json.cjs), with the size dynalite would count. The answer is the text dynalite would send, items and
// member order included; only the answer's own members come in another order (Items first).
'use strict';

const { readMembers, storedItemSize, membersToSend, attributeValue, ItemBytes } = require('./stored-item-json.cjs');
const { rawItems, storedAnswer, takesRawItems } = require('./encoded-answers.cjs');
const { requestKey } = require('./scan-cache.cjs');
const { scanCacheOf } = require('./scan-cache-install.cjs');

const dynaliteDir = { paths: [require.resolve('dynalite')] };
const db = require(require.resolve('dynalite/db', dynaliteDir));
const dynaliteVersion = require(require.resolve('dynalite/package.json', dynaliteDir)).version;

/**
 * The dynalite whose internals this reads (its item keys, queryTable's arguments, the parsed filter): package.json
 * pins it exactly. Another one is left to answer every Scan itself rather than be answered wrongly.
 */
const SUPPORTED_DYNALITE = '4.0.0';

const PAGE_BYTES = 1024 * 1024;
// Entries asked of the iterator at once: few after a seek, doubling while none comes. A seek drops the rest of the
// batch, and the in-memory store (memory-level) decodes every value of a batch however large: a fixed 1,000 read up to
// 1,000 items per skipped partition (a scan of 420 items took 1.7 s instead of 13 ms). classic-level caps a batch at
// 16 KB anyway.
const FIRST_BATCH = 8;
const MAX_BATCH = 1000;
const INSTALLED = Symbol.for('hyperaudit.dynalite-key-scan');

/** Key attribute names and types of a table, or undefined when a key attribute is not a string. */
function stringKeys(table) {
  const names = table.KeySchema.map((k) => k.AttributeName);
  for (const name of names) {
    const def = table.AttributeDefinitions.find((d) => d.AttributeName === name);
    if (def === undefined || def.AttributeType !== 'S') return undefined;
  }
  return { hash: names[0], range: names[1] };
}

/**
 * How a request can be answered from keys, or undefined when dynalite's own scan must answer it. `partition`: the
 * filter reads only the partition key, so a partition is taken or skipped whole.
 */
function keyScanPlan(table, data) {
  if (data.KeyConditions != null || data.IndexName != null) return undefined;
  if (data.ScanFilter != null || data.QueryFilter != null || data._filter == null) return undefined;
  if (data.ReturnConsumedCapacity === 'TOTAL' || data.ReturnConsumedCapacity === 'INDEXES') return undefined;
  // Limit counts the items evaluated, the ones the filter refuses too, and a page ends at the last one evaluated:
  // skipping the refused ones unread would cut other pages than dynalite (and DynamoDB) cuts. No reader here sets it.
  if (data.Limit != null) return undefined;
  if (Object.keys(data._filter.nestedPaths ?? {}).length > 0) return undefined;
  const keys = stringKeys(table);
  if (keys === undefined) return undefined;
  const heads = Object.keys(data._filter.pathHeads ?? {});
  if (heads.length === 0 || !heads.every((h) => h === keys.hash || h === keys.range)) return undefined;
  return { ...keys, partition: heads.every((h) => h === keys.hash) };
}

/**
 * Whether a key piece read back from dynalite's item key is the stored string. The key holds the string's UTF-8
 * bytes, where a lone surrogate (valid in a JSON string, so in a request) became U+FFFD: for such a key, and for one
 * that holds U+FFFD itself, the stored item decides.
 */
function exactKey(s) {
  return !s.includes('\uFFFD');
}

/** `hex` (dynalite's key piece for a string) back to the string. */
function fromHex(hex) {
  return Buffer.from(hex, 'hex').toString('utf8');
}

/**
 * The projection's top-level attribute names when the answer can be sent as the stored bytes of its items (see
 * stored-item-json.cjs): `{ names: undefined }` for whole items, undefined when the answer must be built as objects
 * (the answer hooks are not installed, a nested path, a name an object inherits, whose lookup dynalite's mapPaths
 * resolves on the prototype).
 */
function rawProjection(data) {
  if (!takesRawItems() || data.Select === 'COUNT') return undefined;
  const paths = data._projection ? data._projection.paths : data.AttributesToGet;
  if (paths == null) return { names: undefined };
  const names = [];
  for (const path of paths) {
    const name = Array.isArray(path) ? (path.length === 1 ? path[0] : undefined) : path;
    if (typeof name !== 'string' || name in Object.prototype) return undefined;
    names.push(name);
  }
  return { names };
}

async function scanByKeys(store, data, opts, plan, startKeyNames, keep) {
  const prefix = `item-${data.TableName}~`;
  const raw = rawProjection(data);
  const range = { keyEncoding: 'utf8', valueEncoding: raw ? 'buffer' : 'utf8' };
  // The bounds dynalite's item sub-database gives its value stream (db/index.js, createPrefixedDbWrapper).
  if (opts.gt != null) range.gt = prefix + opts.gt;
  else range.gte = prefix;
  range.lt = opts.lt != null ? prefix + opts.lt : `${prefix}\xFF`;
  const iterator = store.db.iterator(range);
  const expression = data._filter.expression;
  const items = [];
  // Raw answers: the stored bytes to send, and the last item taken, for its key.
  const bytes = raw ? new ItemBytes() : undefined;
  let last;
  let count = 0;
  let size = 0;
  // The partition last decided (its key's pk piece) and the verdict, when the filter reads the partition key only.
  let decidedPk;
  let verdict = false;
  let batch = FIRST_BATCH;
  try {
    read: for (;;) {
      const entries = await iterator.nextv(batch);
      if (entries.length === 0) break;
      batch = Math.min(batch * 2, MAX_BATCH);
      for (const [key, value] of entries) {
        const local = key.slice(prefix.length);
        const pkStart = local.indexOf('/') + 1;
        const pkEnd = local.indexOf('/', pkStart);
        const pkHex = local.slice(pkStart, pkEnd);
        // The stored item, parsed when the key cannot decide (below) or once it is taken.
        let item;
        let taken;
        if (plan.partition) {
          if (pkHex !== decidedPk) {
            decidedPk = pkHex;
            const pk = fromHex(pkHex);
            verdict = exactKey(pk) ? db.matchesExprFilter({ [plan.hash]: { S: pk } }, expression) : undefined;
          }
          if (verdict === false) {
            // Everything of this partition sorts before `<hash>/<pk hex>/~` (hex digits and '/' sort before '~').
            iterator.seek(`${prefix}${local.slice(0, pkEnd + 1)}~`);
            batch = FIRST_BATCH;
            continue read;
          }
          taken = verdict;
        } else {
          const pk = fromHex(pkHex);
          const keyItem = { [plan.hash]: { S: pk } };
          let exact = exactKey(pk);
          if (plan.range !== undefined) {
            const sk = fromHex(local.slice(pkEnd + 1, local.length - 1));
            keyItem[plan.range] = { S: sk };
            exact &&= exactKey(sk);
          }
          if (exact) taken = db.matchesExprFilter(keyItem, expression);
        }
        if (taken === undefined) {
          // The key cannot say: the stored item decides, as it does in dynalite's own scan.
          item = JSON.parse(raw ? value.toString('utf8') : value);
          taken = db.matchesExprFilter(item, expression);
        }
        if (!taken) continue;
        // dynalite's page rule (queryTable's takeWhile): checked before each item taken, over the items taken.
        if (size >= PAGE_BYTES) break read;
        count++;
        if (raw) {
          const members = item === undefined ? readMembers(value) : undefined;
          if (members !== undefined) {
            size += storedItemSize(value, members, plan.range, db.itemSize);
            bytes.add(value, membersToSend(members, raw.names));
            last = { value, members };
            continue;
          }
          // Not of the form read above: parsed and sent as dynalite builds it.
          item ??= JSON.parse(value.toString('utf8'));
          size += db.itemSize(item, true, true, plan.range);
          bytes.addText(Buffer.from(JSON.stringify(raw.names ? db.mapPaths(raw.names, item) : item), 'utf8'));
          last = { item };
          continue;
        }
        item ??= JSON.parse(value);
        size += db.itemSize(item, true, true, plan.range);
        items.push(item);
      }
    }
  } finally {
    await iterator.close();
  }
  if (raw) {
    // Items first: the answer hook finds them at the start of dynalite's text (encoded-answers.cjs).
    const result = { Items: rawItems(bytes, keep), ScannedCount: count, Count: count };
    if (size >= PAGE_BYTES && last !== undefined) {
      result.LastEvaluatedKey = {};
      for (const name of startKeyNames) {
        const member = last.members?.find((m) => m.name === name);
        if (member !== undefined) result.LastEvaluatedKey[name] = attributeValue(last.value, member);
        else {
          last.item ??= JSON.parse(last.value.toString('utf8'));
          result.LastEvaluatedKey[name] = last.item[name];
        }
      }
    }
    return result;
  }
  const result = { ScannedCount: count };
  if (size >= PAGE_BYTES && items.length > 0) {
    const last = items[items.length - 1];
    result.LastEvaluatedKey = {};
    for (const name of startKeyNames) result.LastEvaluatedKey[name] = last[name];
  }
  const paths = data._projection ? data._projection.paths : data.AttributesToGet;
  const out = paths ? items.map((item) => db.mapPaths(paths, item)) : items;
  result.Count = out.length;
  if (data.Select !== 'COUNT') result.Items = out;
  return result;
}

/** Whether dynalite `version`, with this `dbModule` (its db/index.js), is the one the key scan was written against. */
function supported(version, dbModule) {
  return (
    version === SUPPORTED_DYNALITE &&
    typeof dbModule.queryTable === 'function' &&
    dbModule.queryTable.length === 8 &&
    ['matchesExprFilter', 'mapPaths', 'itemSize'].every((name) => typeof dbModule[name] === 'function')
  );
}

/**
 * Makes dynalite's Scans whose filter reads only key attributes skip what the filter refuses (above). Idempotent.
 * Whether the key scan is in place: not for a dynalite other than the supported one.
 */
function installKeyScan() {
  if (db.queryTable[INSTALLED]) return true;
  if (!supported(dynaliteVersion, db)) return false;
  const dynaliteQueryTable = db.queryTable;
  function queryTable(store, table, data, opts, isLocal, fetchFromItemDb, startKeyNames, cb) {
    const plan = keyScanPlan(table, data);
    if (plan === undefined || typeof store.db?.iterator !== 'function')
      return dynaliteQueryTable.apply(this, arguments);
    // Answers sent as stored bytes are kept for the next identical request (scan-cache.cjs), when no write moved
    // while this one was read: checked when the read begins and again just before its answer is encoded and kept.
    const cache = rawProjection(data) === undefined ? undefined : scanCacheOf(store);
    const key = cache === undefined ? undefined : requestKey(data);
    const hit = cache?.lookup(key, plan);
    const answer = hit === undefined ? undefined : cache.answerOf(key, hit);
    if (answer !== undefined) return cb(null, storedAnswer(answer.bytes, answer.crc, answer.buffer));
    const begun = cache?.begin();
    const keep =
      cache === undefined
        ? undefined
        : (bytes, crc) => {
            if (cache.keeps(begun)) cache.add(key, plan, data._filter.expression, data.TableName, bytes, crc);
          };
    scanByKeys(store, data, opts, plan, startKeyNames, keep).then(
      (result) => cb(null, result),
      (err) => cb(err),
    );
  }
  queryTable[INSTALLED] = true;
  db.queryTable = queryTable;
  return true;
}

module.exports = { installKeyScan, keyScanPlan, supported, SUPPORTED_DYNALITE };
