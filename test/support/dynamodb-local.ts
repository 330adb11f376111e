import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';

/**
 * AWS's DynamoDB Local, as the npm package amplify-dynamodb-simulator ships it (emulator/DynamoDBLocal.jar and
 * its native SQLite libraries: nothing is downloaded at run time), started in memory on 127.0.0.1 at a free
 * port with Java 17. Unlike dynalite it implements Streams, so stream records come from DynamoDB's own code.
 */
export interface DynamoDbLocal {
  endpoint: string;
  client: DynamoDBClient;
  stop(): Promise<void>;
}

export const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/** Why DynamoDB Local cannot run here, or undefined when it can. */
export function dynamoDbLocalUnavailable(): string | undefined {
  let jar: string;
  try {
    jar = join(
      dirname(createRequire(import.meta.url).resolve('amplify-dynamodb-simulator/package.json')),
      'emulator',
      'DynamoDBLocal.jar',
    );
  } catch {
    return 'amplify-dynamodb-simulator is not installed';
  }
  if (!existsSync(jar)) return `${jar} is missing`;
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (java.error !== undefined || java.status !== 0) return 'java is not on PATH (Debian: openjdk-17-jre-headless)';
  return undefined;
}

function emulatorDir(): string {
  return join(dirname(createRequire(import.meta.url).resolve('amplify-dynamodb-simulator/package.json')), 'emulator');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export async function startDynamoDbLocal(): Promise<DynamoDbLocal> {
  const dir = emulatorDir();
  const port = await freePort();
  const child: ChildProcess = spawn(
    'java',
    [
      `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(dir, 'DynamoDBLocal.jar'),
      '-inMemory',
      '-port',
      String(port),
    ],
    { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let exited = false;
  child.once('exit', () => (exited = true));
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: 'eu-west-1', credentials });
  // The JVM takes seconds to answer on a loaded machine: poll until it does, or it exits.
  for (;;) {
    if (exited) throw new Error('DynamoDB Local exited during start-up');
    try {
      await client.send(new ListTablesCommand({}));
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return {
    endpoint,
    client,
    stop: async () => {
      client.destroy();
      if (exited) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await gone;
    },
  };
}
