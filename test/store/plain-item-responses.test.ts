import { Readable } from 'node:stream';
import {
  DynamoDBClient,
  type DynamoDBClientConfig,
  ProvisionedThroughputExceededException,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalServer, type LocalServer } from '../../src/store/local-server';
import { createDynamoClient, ensureTable } from '../../src/store/open-store';
import {
  AnswerTooLarge,
  MAX_ANSWER_BYTES,
  plainItemsOutput,
  readItemsPlainly,
} from '../../src/store/plain-item-responses';

interface Canned {
  status: number;
  body: string;
  headers?: Record<string, string>;
  /**
   * How the body reaches the deserializer: one chunk (default), 7-byte chunks (characters split), 64 KB chunks (as
   * a socket gives them), text chunks (a stream with an encoding set), chunks that are byte arrays but not Buffers,
   * or bytes.
   */
  form?: 'stream' | 'small-chunks' | 'chunks' | 'text-chunks' | 'array-chunks' | 'bytes';
  /** A body of the test's own (then `body` is not sent). */
  stream?: Readable;
}

function bodyOf(answer: Canned): Readable | Uint8Array {
  if (answer.stream !== undefined) return answer.stream;
  const bytes = Buffer.from(answer.body);
  if (answer.form === 'bytes') return new Uint8Array(bytes);
  if (answer.form === 'text-chunks') return Readable.from([...answer.body]);
  if (answer.form === 'array-chunks')
    return Readable.from([bytes.subarray(0, 5), bytes.subarray(5)].map((b) => new Uint8Array(b)));
  if (answer.form !== 'small-chunks' && answer.form !== 'chunks') return Readable.from([bytes]);
  const pieces: Buffer[] = [];
  const size = answer.form === 'chunks' ? 65_536 : 7;
  for (let i = 0; i < bytes.length; i += size) pieces.push(bytes.subarray(i, i + size));
  return Readable.from(pieces);
}

/** A client whose HTTP answers are `answers`, in turn (the last one repeats); counts the requests sent. */
function cannedClient(answers: Canned[], config: Partial<DynamoDBClientConfig> = {}) {
  let sent = 0;
  const client = new DynamoDBClient({
    region: 'local',
    endpoint: 'http://127.0.0.1:1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    maxAttempts: 1,
    ...config,
    requestHandler: {
      handle: async () => {
        const answer = answers[Math.min(sent++, answers.length - 1)]!;
        return {
          response: {
            statusCode: answer.status,
            headers: {
              'Content-Type': 'application/x-amz-json-1.0',
              'X-Amzn-RequestId': `req-${sent}`,
              ...answer.headers,
            },
            // A stream, as the Node handler gives it, unless the test asks for another form.
            body: bodyOf(answer),
          },
        };
      },
    },
  });
  return { client, requests: () => sent };
}

/** What the SDK's own deserializer was handed as the body, per answer (the plain reader hands it `{}`). */
function bodiesSeenBySdk(client: DynamoDBClient): string[] {
  const seen: string[] = [];
  const protocol = client.config.protocol as unknown as {
    deserializeResponse: (op: unknown, ctx: unknown, response: { body: unknown }) => Promise<unknown>;
  };
  const original = protocol.deserializeResponse.bind(protocol);
  protocol.deserializeResponse = async (op, ctx, response) => {
    if (response.body instanceof Uint8Array) seen.push(Buffer.from(response.body).toString());
    else seen.push('(stream)');
    return original(op, ctx, response);
  };
  return seen;
}

const base64 = (text: string) => Buffer.from(text).toString('base64');

const ANSWERS: Record<string, string> = {
  'strings and numbers': JSON.stringify({
    Count: 2,
    Items: [
      { pk: { S: 'VM#1' }, sk: { S: 'STATE' }, v: { N: '3' } },
      { pk: { S: 'VM#2' }, sk: { S: 'EV#1' }, e: { S: '{"a":"\\u00e9\\n"}' } },
    ],
    ScannedCount: 5,
    LastEvaluatedKey: { pk: { S: 'VM#2' }, sk: { S: 'EV#1' } },
  }),
  'binary, sets, lists and maps': JSON.stringify({
    Items: [
      {
        pk: { S: 'k' },
        z: { B: base64('deflated') },
        bs: { BS: [base64('a'), base64('bc')] },
        ss: { SS: ['x', 'y'] },
        ns: { NS: ['1', '2.5'] },
        l: { L: [{ S: 'one' }, { B: base64('two') }, { M: { deep: { L: [{ B: base64('three') }] } } }] },
        m: { M: { flag: { BOOL: true }, none: { NULL: true }, bin: { B: base64('four') } } },
      },
    ],
    Count: 1,
    ScannedCount: 1,
  }),
  'no items': JSON.stringify({ Count: 0, Items: [], ScannedCount: 10 }),
  'consumed capacity': JSON.stringify({
    Count: 1,
    Items: [{ pk: { S: 'k' } }],
    ScannedCount: 1,
    ConsumedCapacity: { TableName: 't', CapacityUnits: 0.5 },
  }),
  'a member this reader does not know': JSON.stringify({ Count: 0, Items: [], ScannedCount: 0, Future: { x: 1 } }),
  'an attribute named __proto__': '{"Count":1,"Items":[{"pk":{"S":"k"},"__proto__":{"S":"p"}}],"ScannedCount":1}',
  'a null item': JSON.stringify({ Count: 1, Items: [null], ScannedCount: 1 }),
  'a count sent as text': JSON.stringify({ Count: 'Infinity', Items: [], ScannedCount: 0 }),
};

describe('Scan and Query answers read without the schema walk', () => {
  for (const [name, body] of Object.entries(ANSWERS)) {
    for (const operation of ['Scan', 'Query'] as const) {
      it(`gives the SDK's own output for ${name} (${operation})`, async () => {
        const sdk = cannedClient([{ status: 200, body }]).client;
        const plain = readItemsPlainly(cannedClient([{ status: 200, body }]).client);
        const send = (client: DynamoDBClient) =>
          operation === 'Scan'
            ? client.send(new ScanCommand({ TableName: 't' }))
            : client.send(new QueryCommand({ TableName: 't', KeyConditionExpression: 'pk = :p' }));
        const expected = await send(sdk);
        const actual = await send(plain);
        expect(actual).toStrictEqual(expected);
        expect(Object.keys(actual)).toEqual(Object.keys(expected));
      });
    }
  }

  for (const form of ['small-chunks', 'text-chunks', 'array-chunks', 'bytes'] as const) {
    it(`reads an answer that arrives as ${form} the same, multi-byte characters included`, async () => {
      const body = JSON.stringify({
        Count: 1,
        Items: [{ pk: { S: 'ünïcødé ✓ 𝄞'.repeat(20) }, z: { B: base64('é') } }],
        ScannedCount: 1,
      });
      const expected = await cannedClient([{ status: 200, body }]).client.send(new ScanCommand({ TableName: 't' }));
      const plain = readItemsPlainly(cannedClient([{ status: 200, body, form }]).client);
      expect(await plain.send(new ScanCommand({ TableName: 't' }))).toStrictEqual(expected);
    });
  }

  it('reads answers of any size one after another, and two at once, each as its own text', async () => {
    // The chunks of an answer are copied into one buffer kept from answer to answer (up to 8 MB; past it, one of its
    // own): a shorter answer after a longer one, or two answers whose chunks arrive together, must not mix.
    const answer = (n: number, text: string) =>
      JSON.stringify({ Count: n, Items: Array.from({ length: n }, (_, i) => ({ pk: { S: `${text}-${i}` } })) });
    const bodies = [
      answer(2000, 'long ✓'.repeat(40)),
      answer(3, 'short'),
      answer(40_000, 'x'.repeat(200)),
      answer(1, 'é'),
    ];
    const sdk = cannedClient(bodies.map((body) => ({ status: 200, body }))).client;
    const expected = [];
    for (const _ of bodies) expected.push(await sdk.send(new ScanCommand({ TableName: 't' })));
    const plain = readItemsPlainly(
      cannedClient(bodies.map((body) => ({ status: 200, body, form: 'chunks' as const }))).client,
    );
    const first = await plain.send(new ScanCommand({ TableName: 't' }));
    const [second, third] = await Promise.all([
      plain.send(new ScanCommand({ TableName: 't' })),
      plain.send(new ScanCommand({ TableName: 't' })),
    ]);
    const fourth = await plain.send(new ScanCommand({ TableName: 't' }));
    const strip = (o: { $metadata: unknown }) => ({ ...o, $metadata: undefined });
    expect([first, second, third, fourth].map(strip)).toStrictEqual(expected.map(strip));
  });

  it('refuses an answer that never ends once it passes the size limit, and ends its stream', async () => {
    let sentBytes = 0;
    let ended = false;
    // Valid JSON as far as it goes (an item list that never closes), as a broken or hostile endpoint could send.
    async function* endless() {
      try {
        yield Buffer.from('{"Count":1,"Items":[');
        const chunk = Buffer.from(`${'{"pk":{"S":"x"}},'.repeat(4096)}`);
        for (;;) {
          sentBytes += chunk.length;
          yield chunk;
        }
      } finally {
        ended = true;
      }
    }
    const limit = 1024 * 1024;
    const { client } = cannedClient([{ status: 200, body: '', stream: Readable.from(endless()) }]);
    const scan = readItemsPlainly(client, limit).send(new ScanCommand({ TableName: 't' }));
    await expect(scan).rejects.toThrow(AnswerTooLarge);
    await expect(scan).rejects.toThrow(/Scan answer is larger than 1048576 bytes/);
    expect(ended).toBe(true);
    // Stopped within a chunk or two of the limit, not after reading on.
    expect(sentBytes).toBeLessThan(limit + 4 * 70_000);
  });

  it('reads answers far larger than a page under the default limit', async () => {
    expect(MAX_ANSWER_BYTES).toBeGreaterThanOrEqual(32 * 1024 * 1024);
    const body = JSON.stringify({
      Count: 1,
      Items: [{ pk: { S: 'k' }, e: { S: 'x'.repeat(3 * 1024 * 1024) } }],
      ScannedCount: 1,
    });
    const out = await readItemsPlainly(cannedClient([{ status: 200, body, form: 'chunks' }]).client).send(
      new ScanCommand({ TableName: 't' }),
    );
    expect(out.Items![0]!.e!.S).toHaveLength(3 * 1024 * 1024);
  });

  it('reads the items itself and leaves only the metadata to the SDK when it knows every member', async () => {
    const { client } = cannedClient([{ status: 200, body: ANSWERS['binary, sets, lists and maps']! }]);
    const seen = bodiesSeenBySdk(client);
    const out = await readItemsPlainly(client).send(new ScanCommand({ TableName: 't' }));
    expect(seen).toEqual(['{}']);
    expect(out.$metadata).toMatchObject({ httpStatusCode: 200, requestId: 'req-1' });
    const item = out.Items![0]!;
    expect(item.z!.B).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(item.z!.B!).toString()).toBe('deflated');
    expect(item.bs!.BS!.map((b) => Buffer.from(b).toString())).toEqual(['a', 'bc']);
    expect(Buffer.from(item.l!.L![2]!.M!.deep!.L![0]!.B!).toString()).toBe('three');
    expect(Buffer.from(item.m!.M!.bin!.B!).toString()).toBe('four');
  });

  it('hands the SDK the very bytes of an answer it does not vouch for', async () => {
    const body = ANSWERS['consumed capacity']!;
    const { client } = cannedClient([{ status: 200, body }]);
    const seen = bodiesSeenBySdk(client);
    const out = await readItemsPlainly(client).send(new ScanCommand({ TableName: 't' }));
    expect(seen).toEqual([body]);
    expect(out.ConsumedCapacity).toEqual({ TableName: 't', CapacityUnits: 0.5 });
  });

  it('reads each answer once when a client, or a protocol object two clients share, is made to read plainly twice', async () => {
    const body = ANSWERS['binary, sets, lists and maps']!;
    const first = cannedClient([{ status: 200, body }]).client;
    const protocol = first.config.protocol as unknown as { deserializeResponse: unknown };
    readItemsPlainly(first);
    const reader = protocol.deserializeResponse;
    readItemsPlainly(first);
    // A second client handed the first one's protocol object (the SDK keeps a protocol instance it is given).
    const second = cannedClient([{ status: 200, body }], {
      protocol: first.config.protocol as DynamoDBClientConfig['protocol'],
    }).client;
    expect(second.config.protocol).toBe(first.config.protocol);
    readItemsPlainly(second);
    expect(protocol.deserializeResponse).toBe(reader);
    const expected = await cannedClient([{ status: 200, body }]).client.send(new ScanCommand({ TableName: 't' }));
    expect(await second.send(new ScanCommand({ TableName: 't' }))).toStrictEqual(expected);
  });

  it('leaves other operations to the SDK', async () => {
    const { client } = cannedClient([{ status: 200, body: '{}' }]);
    const seen = bodiesSeenBySdk(client);
    await readItemsPlainly(client).send(new PutItemCommand({ TableName: 't', Item: { pk: { S: 'k' } } }));
    expect(seen).toEqual(['(stream)']);
  });

  it('throws the SDK’s own exception for an error answer, and the SDK still retries throttling', async () => {
    const throttled: Canned = {
      status: 400,
      body: JSON.stringify({
        __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
        message: 'slow down',
      }),
    };
    const ok: Canned = { status: 200, body: ANSWERS['strings and numbers']! };

    const once = readItemsPlainly(cannedClient([throttled]).client);
    const err = await once.send(new ScanCommand({ TableName: 't' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProvisionedThroughputExceededException);
    expect(err).toMatchObject({ name: 'ProvisionedThroughputExceededException', message: 'slow down' });
    expect((err as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(400);

    const retried = cannedClient([throttled, ok], { maxAttempts: 3, retryMode: 'standard' });
    const out = await readItemsPlainly(retried.client).send(new ScanCommand({ TableName: 't' }));
    expect(retried.requests()).toBe(2);
    expect(out.Items).toHaveLength(2);
    expect(out.LastEvaluatedKey).toEqual({ pk: { S: 'VM#2' }, sk: { S: 'EV#1' } });
  });
});

describe('plainItemsOutput', () => {
  const decode = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));

  it('keeps the output members in the schema’s order and leaves null ones out', () => {
    const out = plainItemsOutput({ ScannedCount: 3, LastEvaluatedKey: null, Count: 1, Items: [] }, decode);
    expect(out).toEqual({ Items: [], Count: 1, ScannedCount: 3 });
    expect(Object.keys(out!)).toEqual(['Items', 'Count', 'ScannedCount']);
  });

  it('refuses values it cannot read as the SDK would', () => {
    expect(plainItemsOutput({ Items: [{ a: { B: 7 } }] }, decode)).toBeUndefined();
    expect(plainItemsOutput({ Items: [{ a: { L: ['bare'] } }] }, decode)).toBeUndefined();
    expect(plainItemsOutput({ Items: [{ a: { M: [] } }] }, decode)).toBeUndefined();
    expect(plainItemsOutput({ Items: {} }, decode)).toBeUndefined();
    expect(plainItemsOutput([], decode)).toBeUndefined();
  });
});

describe('against the embedded store', () => {
  let server: LocalServer;
  beforeAll(async () => {
    server = await startLocalServer({ mode: 'in-process' });
    const client = createDynamoClient({ endpoint: server.endpoint, unsigned: true });
    await ensureTable(client, 'plain');
    for (let i = 0; i < 40; i++)
      await client.send(
        new PutItemCommand({
          TableName: 'plain',
          Item: {
            pk: { S: `P#${i % 3}` },
            sk: { S: `S#${String(i).padStart(3, '0')}` },
            text: { S: `{"n":${i},"é":"\\"x\\""}`.repeat(50) },
            bin: { B: new Uint8Array([i, 0, 255]) },
            nested: { M: { list: { L: [{ N: String(i) }, { BS: [new Uint8Array([i])] }] } } },
          },
        }),
      );
  });
  afterAll(() => server.stop());

  it('pages through a Scan and a Query exactly as the SDK does', async () => {
    const plain = createDynamoClient({ endpoint: server.endpoint, unsigned: true });
    const sdk = new DynamoDBClient({
      endpoint: server.endpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const pages = async (client: DynamoDBClient, query: boolean) => {
      const out: unknown[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const input = {
          TableName: 'plain',
          Limit: 5,
          ...(start && { ExclusiveStartKey: start as never }),
        };
        const page = query
          ? await client.send(
              new QueryCommand({
                ...input,
                KeyConditionExpression: 'pk = :p',
                ExpressionAttributeValues: { ':p': { S: 'P#1' } },
              }),
            )
          : await client.send(new ScanCommand(input));
        const { $metadata, ...rest } = page;
        out.push({ ...rest, status: $metadata.httpStatusCode });
        start = page.LastEvaluatedKey;
      } while (start);
      return out;
    };
    for (const query of [false, true]) {
      const expected = await pages(sdk, query);
      expect(expected.length).toBeGreaterThan(2);
      expect(await pages(plain, query)).toStrictEqual(expected);
    }
  });
});
