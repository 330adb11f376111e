import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const bin = join(import.meta.dirname, '..', '..', 'bin', 'hyperaudit.js');
const FLEET = join(import.meta.dirname, '..', 'fixtures', 'functions', 'fleet.ndjson');

/**
 * A DynamoDB-compatible endpoint whose table exists and is empty, but refuses every write with a (not retryable)
 * ValidationException, as DynamoDB does for an item it cannot take.
 */
function refusingDynamo(): Server {
  return createServer((req, res) => {
    const target = String(req.headers['x-amz-target'] ?? '')
      .split('.')
      .pop();
    req.resume();
    req.on('end', () => {
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify(body));
      };
      if (target === 'DescribeTable') reply(200, { Table: { TableName: 'hyperaudit', TableStatus: 'ACTIVE' } });
      else if (target === 'BatchGetItem') reply(200, { Responses: { hyperaudit: [] } });
      else if (target === 'Query') reply(200, { Items: [], Count: 0, ScannedCount: 0 });
      else
        reply(400, {
          __type: 'com.amazon.coral.validate#ValidationException',
          message: 'One or more parameter values were invalid',
        });
    });
  });
}

let server: Server;
let endpoint: string;
beforeAll(async () => {
  server = refusingDynamo();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

describe('hyperaudit ingest when the store fails', () => {
  it('exits with the internal-error code and one line saying what was stored, without a stack trace', async () => {
    const result = await run(process.execPath, [bin, 'ingest', FLEET, '--endpoint', endpoint], {
      env: {
        ...process.env,
        NO_COLOR: '1',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_REGION: 'local',
        HYPERAUDIT_DEBUG: '',
      },
    }).then(
      () => ({ code: 0, stderr: '', stdout: '' }),
      (err: { code: number; stderr: string; stdout: string }) => err,
    );
    expect(result.code).toBe(5);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^hyperaudit: ingest stopped: the store failed \(One or more parameter values were invalid\); 0 event\(s\) stored .*re-run the ingest/,
    );
  });
});
