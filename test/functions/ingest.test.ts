import { BatchGetItemCommand, BatchWriteItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeEnvelope } from '../../src/sources/envelope';
import { httpSqsRecord, sqsRecord } from './helpers/aws-events';
import { captureOutput } from './helpers/capture-output';
import { fixtureJson, fixtureText } from './helpers/fleet-fixture';
import { lambdaContext } from './helpers/lambda-context';
import { startLocalTable, stopLocalTable, useLocalTableEnv, type LocalTable } from './helpers/local-table';

type Handler = (event: { Records: SQSRecord[] }, context: unknown) => Promise<SQSBatchResponse>;

const lines = fixtureText('fleet.ndjson')
  .split('\n')
  .filter((l) => l !== '');
const ndjson = encodeEnvelope({ contentType: 'application/x-ndjson', ce: {} });
let table: LocalTable;
let handler: Handler;

beforeAll(async () => {
  table = await startLocalTable();
  useLocalTableEnv(table);
  process.env.POWERTOOLS_METRICS_NAMESPACE = 'HyperauditTest';
  ({ handler } = (await import('../../functions/ingest/index')) as unknown as { handler: Handler });
});
afterAll(() => stopLocalTable(table));

describe('ingest handler on an SQS batch', () => {
  it('stores HTTP, CloudEvents and EventBridge messages, and logs bad records by message and line without failing them', async () => {
    const veba = fixtureJson<Record<string, unknown>>('veba-vm-powered-off.json');
    const bridged = {
      version: '0',
      id: 'eb-7',
      'detail-type': 'hyperaudit.fleet',
      source: 'acme.cmdb',
      account: '111122223333',
      time: '2026-11-26T01:00:00Z',
      region: 'eu-west-1',
      resources: [],
      detail: JSON.parse(lines[lines.length - 1]!) as unknown,
    };
    const records = [
      httpSqsRecord([...lines.slice(0, -1), '{broken'].join('\n'), ndjson, 'msg-ndjson'),
      httpSqsRecord(
        JSON.stringify(veba),
        encodeEnvelope({ contentType: 'application/cloudevents+json', ce: {} }),
        'msg-veba',
      ),
      sqsRecord(JSON.stringify(bridged), {}, 'msg-bridge'),
    ];
    const { result, output, error } = await captureOutput(() =>
      handler({ Records: records }, lambdaContext('hyperaudit-ingest')),
    );
    expect(error).toBeUndefined();
    expect(result).toEqual({ batchItemFailures: [] });
    const fleet = await table.store.loadFleet();
    expect(fleet.hosts.size).toBe(4);
    expect(fleet.perimeters.size).toBe(5);
    expect(fleet.vms.size).toBeGreaterThanOrEqual(12);
    expect(output).toContain('record rejected');
    expect(output).toMatch(/"file":"http:msg-ndjson","record":"line \d+"/);
    expect(output).toContain('EventsAccepted');
  });

  it('counts a re-delivered message as duplicates, changing nothing', async () => {
    const record = httpSqsRecord(lines.slice(0, 5).join('\n'), ndjson, 'msg-again');
    const { output } = await captureOutput(() =>
      handler({ Records: [record, { ...record, messageId: 'msg-again-2' }] }, lambdaContext('hyperaudit-ingest')),
    );
    expect(output).toMatch(/"accepted":0,"duplicates":5/);
  });
});

describe('ingest handler when the store fails', () => {
  it('reports only the message whose write failed as a batch item failure, so SQS retries just that one', async () => {
    const dynamo = mockClient(DynamoDBClient);
    try {
      dynamo.on(BatchGetItemCommand).resolves({ Responses: {}, UnprocessedKeys: {} });
      dynamo
        .on(BatchWriteItemCommand)
        .callsFake((input: { RequestItems: Record<string, { PutRequest?: { Item?: { pk?: { S?: string } } } }[]> }) => {
          const pks = Object.values(input.RequestItems)
            .flat()
            .map((r) => r.PutRequest?.Item?.pk?.S ?? '');
          if (pks.some((pk) => pk.includes('host-poison'))) {
            throw Object.assign(new Error('User is not authorized to perform: dynamodb:BatchWriteItem'), {
              name: 'AccessDeniedException',
            });
          }
          return { UnprocessedItems: {} };
        });
      const host = (id: string) =>
        JSON.stringify({ id: `ev-${id}`, time: '2026-11-26T00:00:00Z', type: 'host.upsert', host: { id } });
      const records = [
        httpSqsRecord(host('host-ok-1'), ndjson, 'm-ok-1'),
        httpSqsRecord(host('host-poison'), ndjson, 'm-poison'),
        httpSqsRecord(host('host-ok-2'), ndjson, 'm-ok-2'),
      ];
      const { result } = await captureOutput(() => handler({ Records: records }, lambdaContext('hyperaudit-ingest')));
      expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-poison' }] });
    } finally {
      dynamo.restore();
    }
  });
});
