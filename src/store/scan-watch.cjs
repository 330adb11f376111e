// The store child's one request beyond DynamoDB's API: `HyperauditStore.WatchScan`, whose body is a Scan request's
// table and filter, answers `{"Token": "<hex>"}` (or `null`), a token that stays the same exactly as long as no item
// that Scan takes is written (a watch of the scan cache: scan-cache.cjs). The CLI keeps the fleet it folded under that
// token, so an unchanged fleet is not read and folded again (src/store/fleet-cache.ts). Plain CommonJS: the store's
// child process loads it without a TypeScript loader.
'use strict';

const { keyScanPlan } = require('./dynalite-key-scan.cjs');
const { requestKey } = require('./scan-cache.cjs');
const { lastCreatedStore, scanCacheOf } = require('./scan-cache-install.cjs');

const dynaliteDir = { paths: [require.resolve('dynalite')] };
const validations = require(require.resolve('dynalite/validations', dynaliteDir));
const scanValidation = require(require.resolve('dynalite/validations/scan', dynaliteDir));

const WATCH_TARGET = 'HyperauditStore.WatchScan';
/** A fleet Scan's table and filter are under a kilobyte; a larger body is refused unread past this. */
const MAX_BODY_BYTES = 64 * 1024;
/** Members of a Scan that change which page is read, not which items the Scan takes: a watch has none. */
const PAGING = ['ExclusiveStartKey', 'Segment', 'TotalSegments', 'Limit'];

/** `{ status, body }` for a watch request's parsed body on `store`: the token, or why there is none. */
function watchAnswer(store, body, cb) {
  let data;
  try {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new Error('not a JSON object');
    if (PAGING.some((name) => body[name] !== undefined)) throw new Error(`a watch names no ${PAGING.join(', ')}`);
    data = validations.checkTypes(body, scanValidation.types);
    validations.checkValidations(data, scanValidation.types, scanValidation.custom);
  } catch (err) {
    return cb({ status: 400, body: { message: `not a Scan request: ${err?.message || err}` } });
  }
  const cache = store === undefined ? undefined : scanCacheOf(store);
  if (cache === undefined) return cb({ status: 200, body: { Token: null } });
  store.getTable(data.TableName, false, (err, table) => {
    const plan = err || table == null ? undefined : keyScanPlan(table, data);
    const token =
      plan === undefined ? undefined : cache.watch(requestKey(data), plan, data._filter.expression, data.TableName);
    cb({ status: 200, body: { Token: token ?? null } });
  });
}

const ignore = () => undefined;

/**
 * Serves watch requests on dynalite's `server` ahead of its own handler, which keeps every other request. Call it right
 * after `dynalite()` returned `server`: its store is then the one created last.
 */
function installScanWatch(server) {
  const store = lastCreatedStore();
  const handlers = server.listeners('request');
  server.removeAllListeners('request');
  server.on('request', (req, res) => {
    if (req.headers['x-amz-target'] !== WATCH_TARGET) {
      for (const handler of handlers) handler.call(server, req, res);
      // dynalite's handler throws a request's error (`req.on('error', (err) => { throw err })`): a client that goes away
      // in the middle of its body would end this process, so any local client could stop the store. Such a request is
      // over, with nobody left to answer.
      for (const listener of req.listeners('error')) req.removeListener('error', listener);
      req.on('error', ignore);
      return;
    }
    req.on('error', ignore);
    const chunks = [];
    let bytes = 0;
    const answer = ({ status, body }) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(body));
    };
    req.on('data', (chunk) => {
      bytes += chunk.length;
      if (bytes <= MAX_BODY_BYTES) chunks.push(chunk);
      else if (!res.headersSent) {
        // Refused at once, and the rest not read: the connection is closed once the answer is out.
        res.setHeader('connection', 'close');
        res.on('finish', () => req.destroy());
        answer({ status: 413, body: { message: 'watch request too large' } });
      }
    });
    req.on('end', () => {
      if (bytes > MAX_BODY_BYTES) return;
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return answer({ status: 400, body: { message: 'not JSON' } });
      }
      watchAnswer(store, body, answer);
    });
  });
}

module.exports = { installScanWatch, WATCH_TARGET };
