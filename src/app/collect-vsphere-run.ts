import { collectVsphere, type CollectReport } from './collect-vsphere';
import type { Ports } from './ports';
import type { VsphereSecretProvider } from './vsphere-secret-provider';

export interface CollectVsphereRunPorts extends Ports<'store'> {
  secrets: VsphereSecretProvider;
}

export interface CollectVsphereRunInput {
  /** The vCenter's SDK endpoint. */
  url: string;
  /** First collection only: how far back to read events. */
  eventWindowHours: number;
  /** Per vCenter request; the caller leaves time to store what was read before its own deadline. */
  timeoutMs: number;
}

/** What a scheduled run returns and logs: counts only, never a credential. */
export type CollectSummary = Pick<
  CollectReport,
  'vcenter' | 'instanceUuid' | 'events' | 'stored' | 'duplicates' | 'removed' | 'roundTrips' | 'missingProperties'
> & {
  objects: number;
  rejected: number;
};

/**
 * One scheduled collection of one vCenter with the credentials its secret holds now. A failure throws: the
 * checkpoint and digests stay where they were, so the next run repeats the work.
 */
export async function collectVsphereRun(
  ports: CollectVsphereRunPorts,
  input: CollectVsphereRunInput,
): Promise<CollectSummary> {
  const secret = await ports.secrets.read();
  const report = await collectVsphere(ports, {
    url: input.url,
    username: secret.username,
    password: secret.password,
    ...(secret.caPem !== undefined && { ca: secret.caPem }),
    eventWindowHours: input.eventWindowHours,
    timeoutMs: input.timeoutMs,
  });
  return summarise(report);
}

function summarise(report: CollectReport): CollectSummary {
  return {
    vcenter: report.vcenter,
    instanceUuid: report.instanceUuid,
    objects: report.objects.total,
    events: report.events,
    stored: report.stored,
    duplicates: report.duplicates,
    removed: report.removed,
    rejected: report.rejected.length,
    roundTrips: report.roundTrips,
    missingProperties: report.missingProperties,
  };
}
