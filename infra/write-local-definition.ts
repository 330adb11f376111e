import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { buildStack } from '../test/infra/build-stack';
import { localDefinition } from './local-definition';
import { REPO_ROOT } from './paths';

/**
 * Writes the synthesized audit state machine, resolved for a local run, where `demo` and `serve` read it
 * (the CDK app is a dev dependency, and synthesis takes seconds). `npm run synth:workflow` after changing
 * infra/constructs/audit-workflow.ts; test/infra/local-definition.test.ts fails while the copy is stale.
 */
export const LOCAL_DEFINITION_FILE = join(REPO_ROOT, 'src', 'server', 'workflow', 'audit-state-machine.asl.json');

export function currentLocalDefinition(): Record<string, unknown> {
  const { stack } = buildStack();
  return localDefinition(Template.fromStack(stack).toJSON() as Parameters<typeof localDefinition>[0]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(LOCAL_DEFINITION_FILE, `${JSON.stringify(currentLocalDefinition(), null, 2)}\n`);
  process.stdout.write(`wrote ${LOCAL_DEFINITION_FILE}\n`);
}
