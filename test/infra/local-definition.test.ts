import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { currentLocalDefinition, LOCAL_DEFINITION_FILE } from '../../infra/write-local-definition';

describe('the state machine definition demo and serve execute', () => {
  it('equals the current synth of infra/constructs/audit-workflow.ts (npm run synth:workflow rewrites it)', () => {
    const cached = JSON.parse(readFileSync(LOCAL_DEFINITION_FILE, 'utf8')) as unknown;
    expect(cached).toEqual(currentLocalDefinition());
  }, 300_000);
});
