import { computeDigest } from '../alerts/digest';
import { loadNotifyState, saveNotifyState } from '../alerts/notify-state';
import { digestMessages, type SlackPayload } from '../alerts/digest-messages';
import { deliverOutbox, type DeliveryOptions, type DeliveryReport } from '../alerts/deliver-outbox';
import { toOutboxMessages } from '../alerts/outbox-messages';
import { webhookPoster, type SlackPoster } from '../alerts/slack-poster';
import type { Severity } from '../model/finding';
import type { Ports } from './ports';
import { readState, STATE } from '../store/state-keys';
import { profileOf } from '../engine/fingerprint';
import { auditStampOf } from './audit';
import { stampLine, type AuditStamp } from './audit-stamp';

export { NOTIFY_STATE_META } from '../alerts/notify-state';

export interface NotifyOptions {
  minSeverity: Severity;
  /** Announce unverified findings too (failing only on defaults nobody reported); off by default. */
  includeUnverified?: boolean;
  /** Link in the digest; defaults to the URL or path the last `report` run recorded. */
  reportUrl?: string;
  /** Plan only: nothing enqueued, no state written, nothing sent. */
  dryRun?: boolean;
  /** Where to deliver; without it (and without `post`) messages stay queued for a later run. */
  webhookUrl?: string;
  post?: SlackPoster;
  delivery?: Pick<DeliveryOptions, 'timing' | 'minIntervalMs' | 'retryBudgetMs' | 'backoffBaseMs' | 'backoffMaxMs'>;
  topItems?: number;
  maxBlocks?: number;
}

export interface NotifyResult {
  /** The audit the digest reflects; undefined when the store holds no audit. */
  audit?: AuditStamp;
  newCount: number;
  resolvedCount: number;
  openCount: number;
  /** Messages this run planned (and, unless dry-run, enqueued). */
  planned: { id: string; payload: SlackPayload }[];
  /**
   * False when `notify/last` already held a state from a run that got further (an overlapping run): this
   * run's state was not written, so the announced set never moves backwards.
   */
  stateSaved: boolean;
  delivery?: DeliveryReport;
}

/**
 * One notification run, used by `hyperaudit notify` and the notify Lambda: digest of what changed since
 * `notify/last`, messages into the outbox together with the new state, then the outbox delivered.
 * Enqueue comes before the state write: a crash in between re-plans the same digest, whose ids already sit
 * in the outbox, so nothing is lost or doubled.
 */
export async function runNotify(ports: Ports<'store' | 'clock'>, options: NotifyOptions): Promise<NotifyResult> {
  const { store } = ports;
  const now = ports.clock.now();
  const audit = await readState(store, STATE.auditLatest);
  // The latest audit's profile is the one announced; each profile keeps its own announced set (issue 15 item 7).
  const profile = audit?.profile;
  const findings = (await store.listFindings()).filter((f) => profile === undefined || profileOf(f) === profile);
  const previous = await loadNotifyState(store, profile);
  const digest = computeDigest(findings, previous, options.minSeverity, now.toISOString(), {
    includeUnverified: options.includeUnverified === true,
  });
  const reportUrl = options.reportUrl ?? (await readState(store, STATE.reportLatest))?.url;
  const stamp = audit === undefined ? undefined : auditStampOf(audit);
  const messages = digestMessages(digest, {
    reportUrl,
    topItems: options.topItems,
    maxBlocks: options.maxBlocks,
    ...(stamp && { auditLine: stampLine(stamp) }),
  });
  const outbox = toOutboxMessages(digest, messages, now);
  const result: NotifyResult = {
    newCount: digest.newItems.length,
    resolvedCount: digest.closedItems.length,
    openCount: digest.openCount,
    planned: outbox.map((m) => ({ id: m.id, payload: m.payload as unknown as SlackPayload })),
    stateSaved: false,
    ...(stamp && { audit: stamp }),
  };
  if (options.dryRun) return result;

  if (outbox.length > 0) await store.enqueueOutbox(outbox);
  result.stateSaved = await saveNotifyState(store, digest.nextState, profile);

  const post = options.post ?? (options.webhookUrl !== undefined ? webhookPoster(options.webhookUrl) : undefined);
  if (post !== undefined) {
    result.delivery = await deliverOutbox(store, {
      webhookUrl: options.webhookUrl ?? 'injected',
      post,
      ...options.delivery,
    });
  }
  return result;
}
