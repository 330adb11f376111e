import '../../src/server/workflow/node20-shim';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { describe, expect, it } from 'vitest';
import { ITEM_READER_CONTEXT, readerStateName, shimItemReaders } from '../../src/server/workflow/item-reader-shim';

/** A Distributed Map reading its items from S3, as CDK's S3JsonItemReader synthesizes it. */
const machine = {
  StartAt: 'Prepare',
  States: {
    Prepare: { Type: 'Pass', Result: 'lists/items.json', ResultPath: '$.key', Next: 'Fan' },
    Fan: {
      Type: 'Map',
      ItemReader: {
        Resource: 'arn:aws:states:::s3:getObject',
        ReaderConfig: { InputType: 'JSON' },
        Parameters: { Bucket: 'b', 'Key.$': '$.key' },
      },
      ItemSelector: { 'n.$': '$$.Map.Item.Value.n', 'tag.$': '$.tag' },
      ItemProcessor: {
        ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
        StartAt: 'Double',
        States: { Double: { Type: 'Task', Resource: 'arn:aws:lambda:local:000000000000:function:double', End: true } },
      },
      ResultPath: '$.doubled',
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Failed' }],
      End: true,
    },
    Failed: { Type: 'Fail', Error: 'ReadFailed' },
  },
};

function run(read: (input: { Bucket: string; Key: string }) => Promise<unknown[]>) {
  const { definition, readers } = shimItemReaders(machine);
  const items: Record<string, unknown> = {};
  const reader = [...readers.keys()][0]!;
  const sm = new StateMachine(definition as unknown as StateMachineDefinition, {
    validationOptions: { checkArn: false },
  });
  return sm.run(
    { tag: 't' },
    {
      overrides: {
        taskResourceLocalHandlers: {
          [reader]: async (input) => {
            items[readers.get(reader)!] = await read(input as { Bucket: string; Key: string });
            return input;
          },
          Double: async (input) => ({ n: (input as { n: number }).n * 2, tag: (input as { tag: string }).tag }),
        },
      },
      context: { [ITEM_READER_CONTEXT]: items },
    },
  ).result;
}

describe('the local stand-in for the Distributed Map’s S3 item reader', () => {
  it('reads the object the ItemReader names and maps over its items, leaving the state data as it was', async () => {
    const asked: unknown[] = [];
    const out = await run(async (input) => {
      asked.push(input);
      return [{ n: 1 }, { n: 2 }, { n: 3 }];
    });
    expect(asked).toEqual([{ Bucket: 'b', Key: 'lists/items.json' }]);
    expect(out).toEqual({
      tag: 't',
      key: 'lists/items.json',
      doubled: [
        { n: 2, tag: 't' },
        { n: 4, tag: 't' },
        { n: 6, tag: 't' },
      ],
    });
  });

  it('routes every transition into the Map through its reader, which carries the Map’s Catch', () => {
    const { definition } = shimItemReaders(machine);
    expect(definition.States.Prepare!.Next).toBe(readerStateName('Fan'));
    expect(definition.States[readerStateName('Fan')]).toMatchObject({
      Next: 'Fan',
      ResultPath: null,
      Catch: machine.States.Fan.Catch,
    });
    expect(definition.States.Fan).not.toHaveProperty('ItemReader');
  });

  it('fails the Map as AWS would when the item list cannot be read, through the Map’s Catch', async () => {
    const err = (await run(async () => {
      throw new Error('NoSuchKey');
    }).catch((e: unknown) => e)) as Error;
    // The execution ended in the Map's Catch target (the Fail state ReadFailed), not in an uncaught error.
    expect(err.cause).toMatchObject({ name: 'ReadFailed' });
  });

  it('refuses readers it cannot run the same way (CSV, manifests, listings)', () => {
    const csv = structuredClone(machine);
    csv.States.Fan.ItemReader.ReaderConfig.InputType = 'CSV';
    expect(() => shimItemReaders(csv)).toThrow(/only an S3 JSON ItemReader/);
  });
});
