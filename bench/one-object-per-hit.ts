/**
 * `npx tsx bench/one-object-per-hit.ts [vms] [layout] [rounds]` (default 50,000 VMs, sparse, 4 rounds): the CPU of a
 * full audit's evaluation up to its candidate findings, on bench/growth's fleet held in memory, both ways alternated:
 * `hits` evaluates RuleHits and builds their findings after (`lifecycleCandidates`: two objects per hit, as before the
 * eleventh round), `findings` evaluates straight into the findings (`candidateMaker`, then `waiveCandidates`: what
 * `runAudit` does with group digests). Each way's findings are kept until the next way starts, as an audit keeps them
 * to its end, and dropped before it builds its own (neither way's collector carries the other's findings); the
 * collector's pause time over each is given beside its CPU.
 */
import { CompiledRules } from '../src/engine/compile';
import { indexFleet } from '../src/engine/fleet-index';
import { candidateMaker, lifecycleCandidates, waiveCandidates } from '../src/engine/lifecycle';
import { loadRules } from '../src/engine/load-rules';
import { waiverMatcher } from '../src/engine/waivers';
import type { Finding } from '../src/model/finding';
import { MemoryStore } from '../src/store/memory-store';
import { fleetBenchArgs } from './lib/fleet-bench-args';
import { gcPauseMeter, ownCpuMs } from './lib/process-cpu';
import { growthEvents } from './lib/growth-fleet';

const { vms: VMS, layout: LAYOUT, rounds: ROUNDS } = fleetBenchArgs(process.argv, 50_000);

const store = new MemoryStore();
await store.putEvents(growthEvents(VMS, LAYOUT));
const now = '2026-12-05T09:00:00.000Z';
const index = indexFleet(await store.loadFleet(), undefined, now);
const compiled = new CompiledRules(loadRules(undefined, { profile: 'scg' }));
const waivers = waiverMatcher([]);

const gcPauses = gcPauseMeter();
const cpuMs = ownCpuMs;

const ways: Record<string, () => Finding[]> = {
  hits: () => lifecycleCandidates({ hits: compiled.evaluate(index).hits, waivers, now }),
  findings: () => {
    const { hits } = compiled.evaluateAs(index, {}, candidateMaker(now));
    waiveCandidates(hits, waivers, now);
    return hits;
  },
};
let kept: Finding[] = [];
const total: Record<string, number> = { hits: 0, findings: 0 };
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 === 0 ? ['hits', 'findings'] : ['findings', 'hits'];
  const line: string[] = [];
  for (const way of order) {
    kept = [];
    const [cpu, gc] = [cpuMs(), gcPauses()];
    kept = ways[way]!();
    const spent = cpuMs() - cpu;
    total[way]! += spent;
    // The collector's entries arrive as an event: let them in before reading the sum.
    await new Promise((resolve) => setImmediate(resolve));
    line.push(`${way} ${spent.toFixed(0)} ms (gc ${(gcPauses() - gc).toFixed(0)} ms)`);
  }
  process.stdout.write(`${VMS.toLocaleString('en-US')} VMs, ${LAYOUT}, ${kept.length} findings: ${line.join(', ')}\n`);
}
// The baseline is the two-objects way (RuleHits, then lifecycleCandidates), run alternated in this process.
process.stdout.write(
  `over ${ROUNDS} rounds: findings ${total.findings!.toFixed(0)} ms against hits then candidates ${total.hits!.toFixed(0)} ms → ${(total.hits! / total.findings!).toFixed(2)}×\n`,
);
