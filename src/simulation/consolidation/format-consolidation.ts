/** Table output of `simulate --accounting cloudsim --policy …`. */
import Table from 'cli-table3';
import type { ConsolidationRun } from './run-consolidation';

const plain = { style: { head: [] as string[], border: [] as string[] } };
const pct = (x: number, digits = 2) => `${(x * 100).toFixed(digits)} %`;

export function formatConsolidation(r: ConsolidationRun): string {
  const t = new Table({ ...plain, head: ['', r.policy, ...(r.cloudsimReference ? ['CloudSim 4.0'] : [])] });
  const ref = r.cloudsimReference;
  t.push(
    ['energy', `${r.energyKWh.toFixed(2)} kWh`, ...(ref ? [`${ref.energyKWh.toFixed(2)} kWh`] : [])],
    ['migrations', r.migrations.toLocaleString('en-US'), ...(ref ? [ref.migrations.toLocaleString('en-US')] : [])],
    ['SLATAH (SLA time per active host)', pct(r.slatah), ...(ref ? [pct(ref.slatah)] : [])],
    ['PDM (degradation due to migration)', pct(r.pdm, 4)],
    ['SLAV = SLATAH × PDM', r.slav.toExponential(3)],
    ['ESV = energy × SLAV', r.esv.toExponential(3)],
    ['overall SLA violation', pct(r.overallViolation, 3)],
    [
      `hosts mixing perimeters (host-steps, ${r.perimeters} perimeters by ${r.perimeterSource})`,
      String(r.mixedPerimeterHostSteps),
    ],
  );
  return `CloudSim 4.0 PlanetLab dynamic consolidation: ${r.vms} VMs on ${r.hosts} hosts; ${r.vmsRemoved} VMs removed at zero request; last event ${r.lastEventSeconds.toFixed(1)} s\n${t.toString()}\n`;
}
