import { collectVsphere, type CollectReport } from '../../src/app/collect-vsphere';
import type { FleetStore } from '../../src/store/types';
import type { VsphereSecret } from './vsphere-secret';

export interface CollectRunInput {
  store: FleetStore;
  url: string;
  secret: () => Promise<VsphereSecret>;
  eventWindowHours: number;
  /** Leaves time to store what was read before Lambda's own timeout. */
  timeoutMs: number;
}

/** What the handler returns and logs: counts only, never a credential. */
export type CollectSummary = Pick<
  CollectReport,
  'vcenter' | 'instanceUuid' | 'events' | 'stored' | 'duplicates' | 'removed' | 'roundTrips' | 'missingProperties'
> & {
  objects: number;
  rejected: number;
};

/** One scheduled collection of one vCenter; a failure throws (the checkpoint stays, the next run repeats it). */
export async function collectRun(input: CollectRunInput): Promise<CollectSummary> {
  const secret = await input.secret();
  const report = await collectVsphere(input.store, {
    url: input.url,
    username: secret.username,
    password: secret.password,
    ...(secret.caPem !== undefined && { ca: secret.caPem }),
    eventWindowHours: input.eventWindowHours,
    timeoutMs: input.timeoutMs,
  });
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
