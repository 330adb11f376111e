import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';

/** What the Lambda event source mapping hands the function: the stream record as JSON, times in epoch seconds. */
export function asLambdaRecord(record: _Record, streamArn: string): DynamoDBRecord {
  const json = JSON.parse(JSON.stringify(record)) as DynamoDBRecord & {
    dynamodb?: { ApproximateCreationDateTime?: unknown };
  };
  const created = record.dynamodb?.ApproximateCreationDateTime;
  return {
    ...json,
    eventSourceARN: streamArn,
    dynamodb: {
      ...json.dynamodb,
      ...(created instanceof Date && { ApproximateCreationDateTime: Math.floor(created.getTime() / 1000) }),
    },
  };
}

/** Every record of every shard, oldest first, through DescribeStream, GetShardIterator and GetRecords. */
export async function readStream(streams: DynamoDBStreamsClient, streamArn: string): Promise<_Record[]> {
  const records: _Record[] = [];
  const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
  for (const shard of StreamDescription?.Shards ?? []) {
    let iterator = (
      await streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shard.ShardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      )
    ).ShardIterator;
    // An open shard always returns a next iterator; stop at the first empty page, as everything was written before.
    while (iterator !== undefined) {
      const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      records.push(...(page.Records ?? []));
      if ((page.Records ?? []).length === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  return records;
}
