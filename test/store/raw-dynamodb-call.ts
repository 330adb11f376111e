import { Agent, request } from 'node:http';

/**
 * A connection per call: a test process that both serves and reads large answers over kept-alive connections waits
 * out the server's keep-alive timeout now and then.
 */
const agent = new Agent({ keepAlive: false });

/** One raw DynamoDB API call: status, headers, the CRC-32 header as a number and the body's exact bytes. */
export function rawDynamoCall(endpoint: string, target: string, body: unknown) {
  return new Promise<{ status: number; headers: Record<string, unknown>; crc: number; bytes: Buffer }>((ok, fail) => {
    const req = request(
      endpoint,
      {
        agent,
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': `DynamoDB_20120810.${target}`,
          'x-amz-date': '20260101T000000Z',
          authorization:
            'AWS4-HMAC-SHA256 Credential=local/20260101/local/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          ok({
            status: res.statusCode ?? 0,
            headers: res.headers,
            crc: Number(res.headers['x-amz-crc32']),
            bytes: Buffer.concat(chunks),
          }),
        );
      },
    );
    req.on('error', fail);
    req.end(JSON.stringify(body));
  });
}
