import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { configFromContext } from '../../infra/config';
import { REPO_ROOT } from '../../infra/paths';
import { HyperauditStack } from '../../infra/stacks/hyperaudit-stack';

/** cdk.json's feature flags, so the in-process app behaves like `npx cdk synth`. */
export function cdkJsonContext(): Record<string, unknown> {
  return (JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> })
    .context;
}

/**
 * The stack as `npx cdk synth` builds it, minus asset bundling (the synth test covers that): assertions
 * and cdk-nag look at resources, not at bundle bytes.
 */
export function buildStack(context: Record<string, unknown> = {}) {
  const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [], ...context } });
  const stack = new HyperauditStack(app, 'Hyperaudit', { config: configFromContext(app.node) });
  return { app, stack };
}
