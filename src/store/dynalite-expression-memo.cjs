// The embedded store's parse of a request's FilterExpression and ProjectionExpression, kept for the next request
// that spells the same expressions. Plain CommonJS: the store's child process loads it without a TypeScript loader
// (dynalite-server.cjs), and local-server.ts installs it for the in-process server too.
//
// Why: dynalite validates every request in full, and its expressions through PEG parsers (db/conditionParser.js,
// db/projectionParser.js). A command's fleet read is about 50–120 Scan pages of one request that differ only in their
// segment and start key, and the scan cache validates each kept request again when it reads its file back
// (scan-cache.cjs, `filterOfKey`): on the 100,000-VM unchanged audit some 230 parses of the same two expressions,
// enough to make V8 optimise the parsers, 0.3–0.5 s of the child's CPU with the optimising compiler's threads, for an
// audit whose answers all come from the scan cache.
//
// What is kept: for one exact spelling of the FilterExpression, the ProjectionExpression, the ExpressionAttributeNames
// and the ExpressionAttributeValues (the only members dynalite's `validateExpressions` reads), the `_filter` and
// `_projection` it derived. Only a request with neither a KeyConditionExpression, a ConditionExpression nor an
// UpdateExpression: dynalite rewrites a key condition's parse in place (`convertKeyCondition` swaps `:v = pk`), and
// writes keep parts of theirs in items; what it does with a filter's and a projection's parse is read them (the scan,
// the query's filter, the projections of GetItem, BatchGetItem and the key scan). So one parse may serve several
// requests. A request the validation refuses is not kept: it is validated in full each time, with dynalite's message.
// At most MAX_ENTRIES spellings of up to MAX_KEY_CHARS each are kept, the oldest dropped first: a client that sends
// ever new expressions costs a bounded memory.
'use strict';

const dynaliteDir = { paths: [require.resolve('dynalite')] };
const validations = require(require.resolve('dynalite/validations', dynaliteDir));
const dynaliteVersion = require(require.resolve('dynalite/package.json', dynaliteDir)).version;
const { SUPPORTED_DYNALITE } = require('./dynalite-key-scan.cjs');

/** Spellings kept: a command's reads use a handful (the fleet's, the history's, the findings' projections). */
const MAX_ENTRIES = 64;
/** Longest spelling kept (its four members' JSON): a fleet filter is under a kilobyte; dynalite takes 16 MB requests. */
const MAX_KEY_CHARS = 64 * 1024;
const INSTALLED = Symbol.for('hyperaudit.expression-memo');
/** dynalite's own `validateExpressions`, kept on the one that replaces it (tests compare the two). */
const DYNALITE_OWN = Symbol.for('hyperaudit.expression-memo.dynalite-own');

/** Requests answered from a kept parse, and parses kept, in this process (tests read them: `expressionMemoCounts`). */
const counts = { hits: 0, kept: 0 };
/** spelling → { filter, projection } as dynalite derived them (undefined where the request had no such expression). */
const kept = new Map();

function expressionMemoCounts() {
  return { ...counts, entries: kept.size };
}

/** The spelling a kept parse is found by, or undefined when the request is not one whose parse may be shared. */
function spellingOf(data) {
  if (data.KeyConditionExpression != null || data.ConditionExpression != null || data.UpdateExpression != null)
    return undefined;
  if (data.FilterExpression == null && data.ProjectionExpression == null) return undefined;
  const spelling = JSON.stringify([
    data.FilterExpression,
    data.ProjectionExpression,
    data.ExpressionAttributeNames,
    data.ExpressionAttributeValues,
  ]);
  if (spelling.length > MAX_KEY_CHARS) return undefined;
  return spelledInFull(data.ExpressionAttributeNames) && spelledInFull(data.ExpressionAttributeValues)
    ? spelling
    : undefined;
}

/**
 * Whether the JSON spelling of `value` is all the validation can read of it: every object in it a plain object or an
 * array. dynalite's type check copies a request's maps key by key into `{}` (validations/index.js, `checkType`), so a
 * member named `__proto__` (an own member of the parsed JSON) becomes the copy's prototype: JSON.stringify leaves it
 * out, while `validateExpressions` reads it (`for … in`) and refuses the request. Two requests of one spelling could
 * then differ in whether dynalite accepts them. Such a request is not memoised (dynalite refuses it anyway).
 * Walks only own members, all of which the spelling holds: bounded by MAX_KEY_CHARS.
 */
function spelledInFull(value) {
  if (value === null || typeof value !== 'object') return true;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return false;
    for (const child of value) if (!spelledInFull(child)) return false;
    return true;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const key of Object.keys(value)) if (!spelledInFull(value[key])) return false;
  return true;
}

/**
 * Makes dynalite's `validateExpressions` (looked up on its validations module at each call by every action's
 * validation) reuse a kept parse (above). Idempotent. Whether it is in place: not for a dynalite other than the
 * supported one, whose validation may read or derive other members.
 */
function installExpressionMemo() {
  if (validations.validateExpressions[INSTALLED]) return true;
  if (dynaliteVersion !== SUPPORTED_DYNALITE || typeof validations.validateExpressions !== 'function') return false;
  const validateExpressions = validations.validateExpressions;
  function validateExpressionsOnce(data) {
    const spelling = spellingOf(data);
    if (spelling === undefined) return validateExpressions.apply(this, arguments);
    const known = kept.get(spelling);
    if (known !== undefined) {
      counts.hits++;
      if (known.filter !== undefined) data._filter = known.filter;
      if (known.projection !== undefined) data._projection = known.projection;
      return undefined;
    }
    const message = validateExpressions.apply(this, arguments);
    if (message !== undefined) return message;
    if (kept.size >= MAX_ENTRIES) kept.delete(kept.keys().next().value);
    kept.set(spelling, {
      filter: data.FilterExpression != null ? data._filter : undefined,
      projection: data.ProjectionExpression != null ? data._projection : undefined,
    });
    counts.kept++;
    return undefined;
  }
  validateExpressionsOnce[INSTALLED] = true;
  validateExpressionsOnce[DYNALITE_OWN] = validateExpressions;
  validations.validateExpressions = validateExpressionsOnce;
  return true;
}

/** dynalite's own `validateExpressions`, whether or not the memo is installed. */
function dynaliteValidateExpressions() {
  return validations.validateExpressions[DYNALITE_OWN] ?? validations.validateExpressions;
}

module.exports = {
  installExpressionMemo,
  expressionMemoCounts,
  dynaliteValidateExpressions,
  MAX_ENTRIES,
  MAX_KEY_CHARS,
};
