import type { Severity } from '../model/finding';
import { runNotify, type NotifyOptions } from './notify';
import type { Ports } from './ports';

/** `clock` stamps the digest, the outbox entries and a failed run's record. */
export interface NotifyDeps extends Ports<'store' | 'clock'> {
  minSeverity: Severity;
  webhookUrl: () => Promise<string>;
  /** Tests inject pacing; Lambda uses the real clock with a budget that fits its timeout. */
  delivery?: NotifyOptions['delivery'];
}

/** What the Lambda returns and logs: counts and message ids, never payloads or the webhook. */
export interface NotifySummary {
  newCount: number;
  resolvedCount: number;
  openCount: number;
  planned: number;
  delivered: number;
  deadLettered: number;
  remaining: number;
  stoppedBecause?: string;
  /** Slack refused the webhook (status and Slack's error text): every message is still queued. */
  configurationError?: { status: number; body: string };
  /** False when an overlapping run had already stored a newer digest state. */
  stateSaved: boolean;
}

/**
 * One digest-and-deliver pass. Messages Slack did not take stay in the store's outbox for the next pass
 * (the next stream batch, run, or the periodic drain), so a Slack outage delays alerts instead of losing them.
 */
export async function notifyRun(deps: NotifyDeps): Promise<NotifySummary> {
  const result = await runNotify(deps, {
    minSeverity: deps.minSeverity,
    webhookUrl: await deps.webhookUrl(),
    delivery: { retryBudgetMs: 60_000, ...deps.delivery },
  });
  const delivery = result.delivery;
  return {
    newCount: result.newCount,
    resolvedCount: result.resolvedCount,
    openCount: result.openCount,
    planned: result.planned.length,
    delivered: delivery?.delivered.length ?? 0,
    deadLettered: delivery?.deadLettered.length ?? 0,
    remaining: delivery?.remaining.length ?? 0,
    ...(delivery?.stoppedBecause !== undefined && { stoppedBecause: delivery.stoppedBecause }),
    ...(delivery?.configurationError !== undefined && { configurationError: delivery.configurationError }),
    stateSaved: result.stateSaved,
  };
}
