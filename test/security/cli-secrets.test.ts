import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/exit-codes';
import { readSecret } from '../../src/cli/secret-option';
import type { DynamoStore } from '../../src/store/dynamo-store';
import { finding } from '../alerts/findings-fixture';
import { startLocalDynamo, type LocalDynamo } from '../support/local-dynamo';
import { runCli } from '../support/run-cli';
import { startSlackLikeServer, type SlackLikeServer } from '../support/slack-like-server';

const SECRET = 'tok-0123456789abcdef-SECRET';

describe('secrets given to the CLI', () => {
  let dynamo: LocalDynamo;
  let store: DynamoStore;
  let slack: SlackLikeServer;
  beforeAll(async () => {
    dynamo = await startLocalDynamo('hyperaudit-secrets-');
    store = dynamo.store;
    slack = await startSlackLikeServer(() => 'ok');
  });
  afterAll(async () => {
    await slack?.close();
    await dynamo?.stop();
  });

  it('notify reads the webhook from --webhook-file, with no warning and without printing it', async () => {
    await store.putFindings([finding(1, { severity: 'critical' })]);
    const file = join(dynamo.dir, 'webhook');
    await writeFile(file, `${slack.url}\n`, { mode: 0o600 });
    const run = await runCli('notify', '--endpoint', dynamo.endpoint, '--webhook-file', file, '--min-severity', 'info');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('1 delivered');
    // No audit is stored, so notify audits first and says so (issue 15 item 8); nothing else, and no warning.
    expect(run.stderr).not.toMatch(/warn/i);
    expect(run.stdout + run.stderr).not.toContain(slack.url);
  });

  it('notify warns on stderr when the webhook is given as --webhook on the command line', async () => {
    const run = await runCli('notify', '--endpoint', dynamo.endpoint, '--webhook', slack.url, '--min-severity', 'info');
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(
      /warning: --webhook on the command line is visible to other users \(ps, \/proc\); use --webhook-file FILE or SLACK_WEBHOOK_URL/,
    );
    expect(run.stderr).not.toContain(slack.url);
  });

  it('reads a token file, warns for the flag and refuses both at once, never quoting the secret', async () => {
    const file = join(dynamo.dir, 'token');
    await writeFile(file, `${SECRET}\n`);
    const base = { flag: '--token', fileFlag: '--token-file', envName: 'HYPERAUDIT_TOKEN_TEST_UNSET' };
    expect(await readSecret({ ...base, flagValue: undefined, file })).toBe(SECRET);
    const warnings: string[] = [];
    expect(await readSecret({ ...base, flagValue: SECRET, file: undefined, warn: (l) => warnings.push(l) })).toBe(
      SECRET,
    );
    expect(warnings.join('')).toMatch(/--token on the command line is visible to other users/);
    expect(warnings.join('')).not.toContain(SECRET);
    await expect(readSecret({ ...base, flagValue: SECRET, file })).rejects.toThrow(UsageError);
    const missing = await readSecret({ ...base, flagValue: undefined, file: join(dynamo.dir, 'nope') }).catch(
      (e: unknown) => e as Error,
    );
    expect((missing as Error).message).toBe(`--token-file ${join(dynamo.dir, 'nope')}: cannot read (ENOENT)`);
  });

  it('serve refuses an empty token file by name', async () => {
    const file = join(dynamo.dir, 'empty-token');
    await writeFile(file, '\n');
    const run = await runCli(
      'serve',
      '--endpoint',
      dynamo.endpoint,
      '--token-file',
      file,
      '--port',
      '0',
      '--data-dir',
      join(dynamo.dir, 'serve'),
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`--token-file ${file}: the file is empty`);
  });
});
