import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sourceFiles } from '../support/source-files';

const FUNCTIONS = fileURLToPath(new URL('../../functions/', import.meta.url));

/** A handler parses its event, calls one use case and maps the answer: that fits in this many lines. */
const MAX_HANDLER_LINES = 40;

/**
 * Every file under functions/ that is not a handler: an adapter from a port or an AWS event to the use cases,
 * never a use case itself (those live in src/app). Name → why it is here.
 */
const ADAPTERS: Readonly<Record<string, string>> = {
  'shared/aws-events.ts': "the AWS events' zod schemas (Powertools' parser schemas)",
  'shared/env.ts': 'reads the environment the CDK app sets, once per container',
  'shared/powertools.ts': 'the middy wrapper, and the logger port on Powertools',
  'shared/store.ts': 'the fleet store on the DynamoDB table',
  'shared/webhook-secret.ts': 'the Slack webhook URL from Secrets Manager',
  'collect-vsphere/vsphere-secret.ts': 'the vSphere credentials port on Secrets Manager',
  'deploy-audit/sfn-run-starter.ts': 'the run starter port on Step Functions',
};

const files = sourceFiles(FUNCTIONS).map((f) => relative(FUNCTIONS, f).split('\\').join('/'));
const lineCount = (name: string) => readFileSync(join(FUNCTIONS, name), 'utf8').trimEnd().split('\n').length;

describe('functions/ holds handlers and adapters, no orchestration', () => {
  it(`keeps every handler (functions/*/index.ts) under ${MAX_HANDLER_LINES} lines`, () => {
    const long = files
      .filter((f) => /^[^/]+\/index\.ts$/.test(f))
      .map((f) => [f, lineCount(f)] as const)
      .filter(([, lines]) => lines >= MAX_HANDLER_LINES);
    expect(long).toEqual([]);
  });

  it('holds no other file than the listed adapters', () => {
    const others = files.filter((f) => !/^[^/]+\/index\.ts$/.test(f) && ADAPTERS[f] === undefined);
    expect(others, 'a use case belongs in src/app; an adapter goes on the ADAPTERS list with why').toEqual([]);
  });

  it('lists only adapters that exist', () => {
    for (const name of Object.keys(ADAPTERS)) expect(files).toContain(name);
  });
});
