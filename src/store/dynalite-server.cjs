// The embedded DynamoDB server's own process (started by local-server.ts). Plain CommonJS so it needs no
// TypeScript loader. Usage: node dynalite-server.cjs <LevelDB dir or ''>; prints {"port":N} once ready.
'use strict';
const http = require('node:http');
const dynalite = require('dynalite');
const { installKeyScan } = require('./dynalite-key-scan.cjs');
const { installEncodedAnswers } = require('./encoded-answers.cjs');
const { installScanCache, saveScanCaches } = require('./scan-cache-install.cjs');
const { installExpressionMemo } = require('./dynalite-expression-memo.cjs');
const { installScanWatch } = require('./scan-watch.cjs');

// The fleet read's Scan skips the partitions its filter refuses instead of parsing the whole table (see there).
// HYPERAUDIT_STORE_KEY_SCAN=off leaves dynalite's own Scan: the baseline bench/fleet-read measures against.
if (process.env.HYPERAUDIT_STORE_KEY_SCAN !== 'off') installKeyScan();

// dynalite sends the CRC-32 of every response body (x-amz-crc32), computed byte by byte in JavaScript by
// buffer-crc32: a fifth of this process's CPU while it serves a command's 8 MB fleet Scan. Node's native
// zlib.crc32 (Node 20.15+) gives the same number over the same UTF-8 bytes several times faster; dynalite looks
// `unsigned` up on each response, so replacing it on its copy of the module is enough. The hook also encodes each
// answer once, into a reused buffer, for the response's `end` to send (encoded-answers.cjs).
// With the hooks in place, the key scan sends its items' stored bytes without parsing them (stored-item-json.cjs).
installEncodedAnswers();

// A request's filter and projection parsed once per spelling, not once per page (dynalite-expression-memo.cjs).
installExpressionMemo();

// Answers of key scans kept from one command to the next, exact under every write (scan-cache.cjs), in a file of the
// data folder written at a graceful close (scan-cache-file.cjs). HYPERAUDIT_STORE_SCAN_CACHE=off: none.
installScanCache({ persist: true });

const path = process.argv[2];
const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(path ? { path } : {}) });
// The CLI asks whether the fleet's items changed since it last folded them (scan-watch.cjs).
installScanWatch(server);
const fail = (message) => {
  process.stderr.write(`${message}\n`);
  process.exit(1);
};
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  server.close((err) => {
    // LevelDB is closed now: its files are what the next process will find.
    if (!err) {
      try {
        saveScanCaches();
      } catch (saveErr) {
        process.stderr.write(`scan cache not saved: ${saveErr?.message || saveErr}\n`);
      }
    }
    process.exit(0);
  });
};
process.on('SIGTERM', stop);
// Exit with the parent: when its end of our stdin closes, nobody is left to stop us.
process.stdin.on('end', stop);
process.stdin.resume();
process.on('uncaughtException', (err) => fail(String(err?.message || err)));
server.on('error', (err) => fail(String(err?.message || err)));

server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  // LevelDB opens lazily and fails on the first request when another process holds the directory:
  // probe once so the parent hears that now, with a message, rather than as refused connections later.
  // The probe is a DescribeTable (one point read), not ListTables: dynalite 4 lists tables by reading every
  // key of the store, which on the sample fleet took 0.7 s of each command's start.
  const headers = {
    'content-type': 'application/x-amz-json-1.0',
    'x-amz-target': 'DynamoDB_20120810.DescribeTable',
    'x-amz-date': '20200101T000000Z',
    authorization:
      'AWS4-HMAC-SHA256 Credential=local/20200101/local/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
  };
  const req = http.request({ host: '127.0.0.1', port, method: 'POST', headers }, (res) => {
    let body = '';
    res.on('data', (d) => (body += d));
    res.on('end', () => {
      const opened = res.statusCode === 200 || (res.statusCode === 400 && body.includes('ResourceNotFoundException'));
      if (opened) process.stdout.write(`${JSON.stringify({ port })}\n`);
      else fail(`LevelDB store unusable (${res.statusCode}): ${body}`);
    });
  });
  req.on('error', (err) => fail(err.message));
  req.end(JSON.stringify({ TableName: 'hyperaudit-start-probe' }));
});
