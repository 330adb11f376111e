import { spawnSync } from 'node:child_process';

/**
 * A fixed piece of work of the kind an audit does (SHA-256 of short keys, small objects kept alive, JSON both ways),
 * run in a Node process of its own, with the collector on its thread as the heavy commands run theirs. Its CPU time is
 * the same work every time, so what it measures is the box: on this project's shared VM the same work has taken from
 * 1.0× to 1.6× as much CPU within one hour (the guest is told of no steal: /proc/stat's steal column stays 0, so time
 * the host takes is charged to the running task). Printed beside a command's CPU, it is a gauge of the moment before
 * the command: when it is dear too, the box was slow; when it is not, the box may still have slowed during the run
 * (a second-long probe before a ten-second command).
 */
const SCRIPT = `
const { hash } = require('node:crypto');
const started = process.cpuUsage();
let h = '';
for (let i = 0; i < 200000; i++) h = hash('sha256', 'rule-' + (i % 97) + '|vm|vm-' + i, 'hex');
const kept = [];
for (let i = 0; i < 700000; i++) kept.push({ id: 'vm-' + i, n: i, tag: h.slice(0, 8), on: (i & 1) === 0 });
const back = JSON.parse(JSON.stringify(kept.slice(0, 150000)));
const used = process.cpuUsage(started);
if (back.length + kept.length !== 850000) throw new Error('reference work: wrong count');
process.stdout.write(String((used.user + used.system) / 1e6));
`;

/** CPU seconds of the reference work in a fresh process now, or undefined when it could not run. */
export function referenceWorkCpuS(): number | undefined {
  const r = spawnSync(process.execPath, ['--single-threaded-gc', '-e', SCRIPT], { encoding: 'utf8' });
  const s = Number(r.stdout);
  return r.status === 0 && Number.isFinite(s) && s > 0 ? s : undefined;
}
