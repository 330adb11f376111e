/**
 * `npm run bench -- after-evaluation` (or `npx tsx bench/after-evaluation.ts [vms] [layout] [rounds]`, default
 * 20,000 VMs, sparse, 4 rounds): the CPU of a full audit's work per finding between the evaluation and the stored
 * state, on bench/growth's fleet held in memory (no store, no read): building the candidates
 * (`lifecycleCandidates`), the group digests (`planDigests`), the settled lifecycle (`computeLifecycle`) and the
 * result's order (`sortBySeverityThenId`), with the collector's pause time over the round. The first round has no
 * records (every group loud), the next ones the records it would leave, as the unchanged audit has them.
 */
import { planDigests } from '../src/app/group-digests';
import { CompiledRules } from '../src/engine/compile';
import { firstSeenRuns } from '../src/engine/finding-digest';
import { indexFleet } from '../src/engine/fleet-index';
import { computeLifecycle, lifecycleCandidates } from '../src/engine/lifecycle';
import { loadRules } from '../src/engine/load-rules';
import { sortBySeverityThenId } from '../src/engine/severity-order';
import { waiverMatcher } from '../src/engine/waivers';
import type { Finding } from '../src/model/finding';
import type { FindingDigestSet } from '../src/store/finding-digests';
import { MemoryStore } from '../src/store/memory-store';
import { fleetBenchArgs } from './lib/fleet-bench-args';
import { gcPauseMeter, ownCpuMs } from './lib/process-cpu';
import { growthEvents } from './lib/growth-fleet';

const { vms: VMS, layout: LAYOUT, rounds: ROUNDS } = fleetBenchArgs(process.argv, 20_000);

const store = new MemoryStore();
await store.putEvents(growthEvents(VMS, LAYOUT));
const fleet = await store.loadFleet();
const now = '2026-12-05T09:00:00.000Z';
const rules = loadRules(undefined, { profile: 'scg' });
const { hits } = new CompiledRules(rules).evaluate(indexFleet(fleet, undefined, now), {});
const ruleIds = new Set(rules.map((r) => r.id));
process.stdout.write(`${VMS.toLocaleString('en-US')} VMs, ${LAYOUT}: ${hits.length.toLocaleString('en-US')} hits\n`);

const gcPauses = gcPauseMeter();
const cpuMs = ownCpuMs;

let set: FindingDigestSet = { complete: true, groups: new Map(), leased: new Set() };
let kept: Finding[][] = [];
for (let round = 0; round < ROUNDS; round++) {
  const gcBefore = gcPauses();
  const laps: string[] = [];
  let at = cpuMs();
  const lap = (name: string) => {
    const t = cpuMs();
    laps.push(`${name} ${(t - at).toFixed(0)} ms`);
    at = t;
  };
  const waivers = waiverMatcher([]);
  const candidates = lifecycleCandidates({ hits, waivers, now, profile: 'scg' });
  lap('candidates');
  const plan = planDigests(candidates, 'scg', set, false);
  lap('digests');
  const { findings } = computeLifecycle({
    previous: [],
    hits,
    ruleIds,
    evaluated: () => true,
    waivers,
    now,
    candidates,
    settled: { firstSeen: plan.firstSeen },
  });
  lap('lifecycle');
  const sorted = sortBySeverityThenId(findings, (f) => f.status !== 'resolved');
  lap('sort');
  // The collector's pauses are reported after the round's work: wait for the observer's entries.
  await new Promise((resolve) => setTimeout(resolve, 50));
  process.stdout.write(
    `round ${round + 1}: ${laps.join(', ')}; gc pauses ${(gcPauses() - gcBefore).toFixed(0)} ms; ` +
      `${plan.loud.size} of ${plan.groups.size} groups loud\n`,
  );
  if (round === 0) {
    const groups = new Map(
      [...plan.groups].map(([group, indexes]) => [
        group,
        { token: 'bench', digest: { digest: plan.digests.get(group)!, firstSeen: firstSeenRuns(candidates, indexes) } },
      ]),
    );
    set = { complete: true, groups, leased: new Set() };
  }
  // Kept until the next round is built, as an audit keeps its findings to the end.
  kept = [candidates, sorted];
}
process.stdout.write(`(${kept.length} lists kept to the end)\n`);
