import { deploymentScope, type DeploymentScope } from '../model/deployment-scope';
import type { Ports } from './ports';

/** The parts of an EventBridge event the deploy trigger reads; `source` and `detail` are checked here. */
export interface DeployTriggerEvent {
  id: string;
  source: string;
  detail: unknown;
}

export interface DeployAuditResult {
  executionName: string;
  scope: DeploymentScope;
  /** False when a run of this name already exists with other input (see `RunStart`). */
  started: boolean;
  /** The started (or already running, same input) run. */
  runId?: string;
}

/**
 * Run names are unique per workflow for 90 days, so naming the run after the EventBridge event id turns a
 * re-delivered event into a no-op instead of a second audit. Step Functions allows 80 characters of [A-Za-z0-9_-].
 */
export function deployRunName(eventId: string): string {
  return `deploy-${eventId.replace(/[^A-Za-z0-9_-]/g, '-')}`.slice(0, 80);
}

/**
 * A successful deployment starts an audit run of the whole fleet that records what was deployed. An event that is
 * not a successful deployment throws naming the field; a failure to start throws, so EventBridge retries.
 */
export async function startDeployAudit(ports: Ports<'runs'>, event: DeployTriggerEvent): Promise<DeployAuditResult> {
  const scope = deploymentScope(event);
  const executionName = deployRunName(event.id);
  const run = await ports.runs.start({ name: executionName, input: { trigger: 'deploy', scope } });
  return { executionName, scope, ...run };
}
