import type { Finding } from '../model/finding';
import { waiveCandidates } from '../engine/lifecycle';
import type { Profile } from '../engine/types';
import { waiverMatcher, type Waiver } from '../engine/waivers';
import type { FindingDigestStore } from '../store/finding-digests';
import type { FleetStore } from '../store/types';
import type { LifecycleDigests } from './apply-lifecycle';
import { cpuMsSince } from './cpu-ms';
import {
  AuditDigests,
  groupsKnownLoud,
  loudPrevious,
  planDigests,
  readEveryGroup,
  readGroups,
  readMorePages,
  type DigestPlan,
  type GroupRead,
} from './group-digests';

/**
 * A full audit's read of the stored findings with group digests (src/app/group-digests.ts), in two halves: `start`
 * before the fleet is read (the records, and whatever is sure to be read: everything while no complete set of
 * records exists, else the groups whose record is a bare token, with the finding items), `finish` after the
 * evaluation (the pages of the groups whose digest differs).
 */
export interface DigestRead {
  /** Settles once the records are listed and what is sure to be read was requested (never rejects). */
  ready: Promise<void>;
  finish(input: {
    /** The evaluation's hits as findings (`candidateMaker`), not yet waived: waived here, in place. */
    candidates: Finding[];
    waivers: readonly Waiver[];
    ruleIds: ReadonlySet<string>;
    now: string;
  }): Promise<{
    previous: Finding[];
    digests: LifecycleDigests;
    plan: DigestPlan;
    /**
     * Milliseconds spent waiving the candidates and comparing the digests (lifecycle work, not reading); the candidates
     * themselves were built during the evaluation (`candidateMaker`), in its time.
     */
    planMs: number;
    /** CPU time of the same. */
    planCpuMs: number;
    /** To call once the audit is recorded: the digests of the loud groups it did not write, the completeness mark. */
    records: AuditDigests;
  }>;
}

export function startDigestRead(store: FleetStore, records: FindingDigestStore, profile: Profile): DigestRead {
  const early = Promise.all([records.list(profile), store.legacyUnverifiedProfiles?.() ?? Promise.resolve([])]).then(
    ([set, legacy]) => {
      const readAll = !set.complete || legacy.includes(profile);
      const known = groupsKnownLoud(set);
      const read: Promise<GroupRead> | undefined = readAll
        ? readEveryGroup(store)
        : known.length > 0
          ? readGroups(store, known)
          : undefined;
      // Should the fleet's read or the evaluation fail first, that error is the one reported.
      read?.catch(() => undefined);
      return { set, readAll, read };
    },
  );
  const ready = early.then(
    () => undefined,
    () => undefined,
  );
  return {
    ready,
    async finish({ candidates, waivers, ruleIds, now }) {
      const { set, readAll, read } = await early;
      const started = performance.now();
      const cpuStarted = process.cpuUsage();
      waiveCandidates(candidates, waiverMatcher(waivers), now);
      const plan = planDigests(candidates, profile, set, readAll);
      const planMs = performance.now() - started;
      const planCpuMs = cpuMsSince(cpuStarted);
      let stored = read === undefined ? undefined : await read;
      if (plan.loud.size > 0)
        stored =
          stored === undefined
            ? await readGroups(store, [...plan.loud])
            : await readMorePages(store, stored, [...plan.loud]);
      const previous = stored === undefined ? [] : loudPrevious(stored, plan.loud);
      const guard = new AuditDigests(store, plan, candidates, previous, ruleIds);
      return {
        previous,
        plan,
        planMs,
        planCpuMs,
        records: guard,
        digests: { candidates, settled: { firstSeen: plan.firstSeen }, guard },
      };
    },
  };
}
