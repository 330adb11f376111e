// The embedded DynamoDB server's own process (started by local-server.ts). Plain CommonJS so it needs no
// TypeScript loader. Usage: node dynalite-server.cjs <LevelDB dir or ''>; prints {"port":N} once ready.
'use strict';
const http = require('node:http');
const zlib = require('node:zlib');
const dynalite = require('dynalite');
const { installKeyScan } = require('./dynalite-key-scan.cjs');

// The fleet read's Scan skips the partitions its filter refuses instead of parsing the whole table (see there).
installKeyScan();

// dynalite sends the CRC-32 of every response body (x-amz-crc32), computed byte by byte in JavaScript by
// buffer-crc32: a fifth of this process's CPU while it serves a command's 8 MB fleet Scan. Node's native
// zlib.crc32 (Node 20.15+) gives the same number over the same UTF-8 bytes several times faster; dynalite looks
// `unsigned` up on each response, so replacing it on its copy of the module is enough.
//
// dynalite also turns each answer's text into UTF-8 twice more: for Content-Length (a count, cheap) and when the
// response writes it. The checksum's hook encodes the text once and keeps the bytes, and the response's `end` sends
// those bytes when handed that same text (dynalite's sendData computes the header and ends the response in one
// synchronous step, so one pending answer at a time is all there is).
if (typeof zlib.crc32 === 'function') {
  const crc32 = require(require.resolve('buffer-crc32', { paths: [require.resolve('dynalite')] }));
  let pending;
  crc32.unsigned = (data) => {
    if (typeof data !== 'string') return zlib.crc32(data);
    pending = { text: data, bytes: Buffer.from(data, 'utf8') };
    return zlib.crc32(pending.bytes);
  };
  const end = http.ServerResponse.prototype.end;
  http.ServerResponse.prototype.end = function endWithEncodedText(chunk, ...rest) {
    const encoded = pending !== undefined && chunk === pending.text ? pending.bytes : chunk;
    pending = undefined;
    return end.call(this, encoded, ...rest);
  };
}

const path = process.argv[2];
const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(path ? { path } : {}) });
const fail = (message) => {
  process.stderr.write(`${message}\n`);
  process.exit(1);
};
const stop = () => server.close(() => process.exit(0));
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
