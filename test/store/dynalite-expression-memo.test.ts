import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalServer, type LocalServer } from '../../src/store/local-server';
import { createDynamoClient, ensureTable } from '../../src/store/open-store';
import { rawDynamoCall as call } from './raw-dynamodb-call';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

type Request = Record<string, unknown>;
type Validate = (data: Request) => string | undefined;

const require = createRequire(import.meta.url);
const memo = require('../../src/store/dynalite-expression-memo.cjs') as {
  installExpressionMemo: () => boolean;
  expressionMemoCounts: () => { hits: number; kept: number; entries: number };
  dynaliteValidateExpressions: () => Validate;
  MAX_ENTRIES: number;
  MAX_KEY_CHARS: number;
};
const validations = require(require.resolve('dynalite/validations', { paths: [require.resolve('dynalite')] })) as {
  validateExpressions: Validate;
};

/** What dynalite's own validation returns and derives for `request` (a fresh copy each time). */
function byDynalite(request: Request): { message: string | undefined; data: Request } {
  const data = structuredClone(request);
  return { message: memo.dynaliteValidateExpressions()(data), data };
}

/** The same through the installed validation, as every action's validation calls it. */
function byMemo(request: Request): { message: string | undefined; data: Request } {
  const data = structuredClone(request);
  return { message: validations.validateExpressions(data), data };
}

const fleetFilter: Request = {
  FilterExpression: 'begins_with(pk, :vm) OR begins_with(#pk, :host) OR (attribute_exists(s) AND size(e) > :n)',
  ProjectionExpression: 'pk, sk, e, c, #s.a[2], covered',
  ExpressionAttributeNames: { '#pk': 'pk', '#s': 's' },
  ExpressionAttributeValues: { ':vm': { S: 'VM#' }, ':host': { S: 'HOST#' }, ':n': { N: '3' } },
};

beforeAll(() => {
  expect(memo.installExpressionMemo()).toBe(true);
});

describe('Function: installExpressionMemo', () => {
  it('derives the filter and projection dynalite derives, for a spelling met before and one met first', () => {
    const requests: Request[] = [
      fleetFilter,
      { ...fleetFilter, ExclusiveStartKey: { pk: { S: 'VM#1' }, sk: { S: 'EV#1' } }, Segment: 1, TotalSegments: 4 },
      { ProjectionExpression: 'pk, sk, #at', ExpressionAttributeNames: { '#at': 'at' } },
      {
        FilterExpression: 'NOT contains(#l, :x) AND #n BETWEEN :a AND :b',
        ExpressionAttributeNames: { '#l': 'l', '#n': 'n' },
        ExpressionAttributeValues: { ':x': { S: 'x' }, ':a': { N: '1' }, ':b': { N: '9' } },
      },
    ];
    for (const request of [...requests, ...requests]) {
      const expected = byDynalite(request);
      const got = byMemo(request);
      expect(got.message).toBe(expected.message);
      expect(got.data).toEqual(expected.data);
    }
  });

  it('parses a repeated spelling once: the other pages of a Scan take the kept parse', () => {
    const request = {
      ...fleetFilter,
      FilterExpression: `${fleetFilter.FilterExpression as string} OR begins_with(pk, :vm)`,
    };
    const before = memo.expressionMemoCounts();
    for (let segment = 0; segment < 4; segment++) byMemo({ ...request, Segment: segment, TotalSegments: 4 });
    const after = memo.expressionMemoCounts();
    expect(after.kept - before.kept).toBe(1);
    expect(after.hits - before.hits).toBe(3);
  });

  it("keeps no refused request: each is refused again with dynalite's own message", () => {
    const refused: Request[] = [
      { ...fleetFilter, ExpressionAttributeNames: { ...(fleetFilter.ExpressionAttributeNames as object), '#x': 'x' } },
      { FilterExpression: 'begins_with(pk, ' },
      { FilterExpression: 'size = :v', ExpressionAttributeValues: { ':v': { S: 'a' } } },
      { FilterExpression: 'pk = :v', ExpressionAttributeValues: { ':v': { N: 'not a number' } } },
    ];
    const before = memo.expressionMemoCounts();
    for (const request of [...refused, ...refused]) {
      const expected = byDynalite(request);
      expect(expected.message).toEqual(expect.any(String));
      expect(byMemo(request).message).toBe(expected.message);
    }
    const after = memo.expressionMemoCounts();
    expect(after.kept).toBe(before.kept);
    expect(after.hits).toBe(before.hits);
  });

  it('keeps no key condition, condition or update: dynalite rewrites or stores what it parses of them', () => {
    const writes: Request[] = [
      {
        KeyConditionExpression: ':v = pk',
        FilterExpression: 'attribute_exists(e)',
        ExpressionAttributeValues: { ':v': { S: 'VM#1' } },
      },
      { ConditionExpression: 'attribute_not_exists(pk)', ProjectionExpression: 'pk' },
      {
        UpdateExpression: 'SET #a = :a',
        FilterExpression: 'attribute_exists(e)',
        ExpressionAttributeNames: { '#a': 'a' },
        ExpressionAttributeValues: { ':a': { S: 'x' } },
      },
    ];
    const before = memo.expressionMemoCounts();
    for (const request of [...writes, ...writes]) expect(byMemo(request).data).toEqual(byDynalite(request).data);
    expect(memo.expressionMemoCounts().kept).toBe(before.kept);
  });

  it('serves no kept parse to a request whose maps hide members from their spelling (`__proto__`)', () => {
    // dynalite's type check copies a map into `{}` member by member: a `__proto__` member becomes the copy's prototype,
    // which JSON.stringify leaves out and the validation reads (`for … in`, `:v` looked up through it).
    const scanValidation = require(
      require.resolve('dynalite/validations/scan', { paths: [require.resolve('dynalite')] }),
    );
    const checked = validations as unknown as {
      checkTypes: (data: unknown, types: unknown) => Request;
      checkValidations: (data: Request, types: unknown, custom: unknown) => void;
    };
    /** A Scan body as dynalite's action receives it: typed, then validated (the memo's validation among the rest). */
    const scan = (json: string) => {
      const data = checked.checkTypes(JSON.parse(json), scanValidation.types);
      try {
        checked.checkValidations(data, scanValidation.types, scanValidation.custom);
        return { message: undefined, data };
      } catch (e) {
        return { message: (e as Error).message, data };
      }
    };
    const plain =
      '{"TableName":"memo","FilterExpression":"begins_with(pk, :w)","ExpressionAttributeValues":{":w":{"S":"VM#"}}}';
    // dynalite refuses it: its validation meets the hidden member `S`, no `:name`. Its spelling is the plain one's.
    const refused = plain.replace('{":w":{"S":"VM#"}}', '{":w":{"S":"VM#"},"__proto__":{"S":"x"}}');
    const message = 'ExpressionAttributeValues contains invalid key: Syntax error; key: "S"';
    expect(scan(refused).message).toContain(message);
    expect(scan(plain).message).toBeUndefined();
    expect(scan(plain).message).toBeUndefined();
    // Refused still, after its twin's parse was kept: the memo does not answer for what its spelling leaves out.
    expect(scan(refused).message).toContain(message);
  });

  it('keeps at most MAX_ENTRIES spellings, and none longer than MAX_KEY_CHARS', () => {
    for (let i = 0; i < memo.MAX_ENTRIES + 20; i++)
      byMemo({ FilterExpression: 'pk = :v', ExpressionAttributeValues: { ':v': { S: `pk-${i}` } } });
    expect(memo.expressionMemoCounts().entries).toBe(memo.MAX_ENTRIES);
    const before = memo.expressionMemoCounts();
    const long = {
      FilterExpression: 'pk = :v',
      ExpressionAttributeValues: { ':v': { S: 'x'.repeat(memo.MAX_KEY_CHARS) } },
    };
    expect(byMemo(long)).toEqual(byDynalite(long));
    expect(memo.expressionMemoCounts().kept).toBe(before.kept);
  });
});

describe('Function: installExpressionMemo, through the in-process store', () => {
  let server: LocalServer;
  beforeAll(async () => {
    server = await startLocalServer({ mode: 'in-process' });
    const client = createDynamoClient({ endpoint: server.endpoint });
    await ensureTable(client, 'memo');
    for (let i = 0; i < 40; i++)
      await call(server.endpoint, 'PutItem', {
        TableName: 'memo',
        Item: { pk: { S: `${i % 2 === 0 ? 'VM' : 'FINDING'}#${i}` }, sk: { S: `EV#${i}` }, e: { S: `{"n":${i}}` } },
      });
    client.destroy();
  });
  afterAll(() => server.stop());

  it("answers every segment of a repeated Scan with the items dynalite's filter takes", async () => {
    const scan = (segment: number) =>
      call(server.endpoint, 'Scan', {
        TableName: 'memo',
        FilterExpression: 'begins_with(pk, :vm) AND size(e) > :n',
        ProjectionExpression: 'pk, e',
        ExpressionAttributeValues: { ':vm': { S: 'VM#' }, ':n': { N: '7' } },
        Segment: segment,
        TotalSegments: 3,
      });
    const keys = async () => {
      const pks: string[] = [];
      for (let segment = 0; segment < 3; segment++) {
        const answer = JSON.parse((await scan(segment)).bytes.toString()) as {
          Items: { pk: { S: string }; e: { S: string } }[];
        };
        for (const item of answer.Items) {
          expect(Object.keys(item)).toEqual(['pk', 'e']);
          pks.push(item.pk.S);
        }
      }
      return pks.sort();
    };
    const expected = Array.from({ length: 40 }, (_, i) => i)
      .filter((i) => i % 2 === 0 && `{"n":${i}}`.length > 7)
      .map((i) => `VM#${i}`)
      .sort();
    const before = memo.expressionMemoCounts();
    expect(await keys()).toEqual(expected);
    expect(await keys()).toEqual(expected);
    expect(memo.expressionMemoCounts().hits - before.hits).toBeGreaterThanOrEqual(5);
  });
});
