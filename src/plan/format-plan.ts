import Table from 'cli-table3';
import type { FleetPlan } from './make-plan';
import type { SimulationFigures } from './verify-plan';

// biome-ignore lint/suspicious/noControlCharactersInRegex: names come from inventory; a terminal must not interpret them
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
/** Inventory text as inert terminal text. */
const plain = (s: string) => s.replace(CONTROL, '?');

export type PlanFormat = 'table' | 'json' | 'commands';

const FIGURES: [keyof SimulationFigures, string][] = [
  ['energyKWh', 'energy (kWh over the window)'],
  ['activeHosts', 'active hosts'],
  ['overloadedTimeFraction', 'overloaded host-time'],
  ['cpuReadyPct', 'CPU ready %'],
  ['hostScoreMean', 'host risk score, mean'],
  ['hostScoreMax', 'host risk score, max'],
  ['vmDowntimeHoursPerYearMean', 'VM downtime h/year, mean'],
  ['pCannotRestartMax', 'P(cannot restart), worst cluster'],
  ['antiAffinityViolations', 'anti-affinity violations'],
  ['clustersWithoutFailover', 'clusters without failover'],
];

/** A shell script: one command per line in execution order, each preceded by what it does and why. */
export function formatPlanCommands(plan: FleetPlan): string {
  const lines = [
    `# hyperaudit plan --goal ${plan.goal}: ${plan.steps.length} migration(s), ${plan.maintenance.length} host(s) to maintenance`,
    '# Run in this order: every step is valid in the state the steps before it leave.',
  ];
  const maintenanceAfter = new Map<number, FleetPlan['maintenance']>();
  for (const m of plan.maintenance)
    maintenanceAfter.set(m.afterStep, [...(maintenanceAfter.get(m.afterStep) ?? []), m]);
  const emitMaintenance = (step: number) => {
    for (const m of maintenanceAfter.get(step) ?? []) lines.push(`# maintenance: ${m.hostId} is empty`, m.command);
  };
  emitMaintenance(0);
  for (const s of plan.steps) {
    lines.push(
      `# ${s.step}. ${JSON.stringify(s.vmName)} ${s.fromHostId} -> ${s.toHostId} (${s.reason})`.replace(CONTROL, '?'),
    );
    lines.push(s.command);
    emitMaintenance(s.step);
  }
  for (const u of plan.unresolved)
    lines.push(`# not cleared: ${u.kind} ${u.subject}: ${u.reason}`.replace(CONTROL, '?'));
  return `${lines.join('\n')}\n`;
}

export function formatPlanTable(plan: FleetPlan): string {
  const out: string[] = [];
  out.push(
    `Plan (goal ${plan.goal}): ${plan.steps.length} migration(s), ${plan.maintenance.length} host(s) to maintenance`,
  );
  if (plan.steps.length > 0) {
    const t = new Table({
      head: ['#', 'VM', 'from', 'to', 'why', 'command'],
      style: { head: [], border: [], compact: true },
      wordWrap: true,
      colWidths: [5, 28, 14, 14, 40, 60],
    });
    for (const s of plan.steps)
      t.push([s.step, plain(s.vmName), plain(s.fromHostId), plain(s.toHostId), plain(s.reason), s.command]);
    out.push(t.toString());
  }
  for (const m of plan.maintenance) out.push(`after step ${m.afterStep}: ${m.hostId} to maintenance: ${m.command}`);
  const v = plan.verification;
  out.push(
    '',
    `Audit of the planned fleet: ${v.cleared.length} finding(s) cleared, ${v.added.length} added, ${v.findingsBefore} → ${v.findingsAfter} in all`,
  );
  for (const f of v.cleared)
    out.push(`  cleared ${f.severity.padEnd(8)} ${f.ruleId} ${f.resourceType} ${f.resourceId}`);
  for (const f of v.added) out.push(`  ADDED   ${f.severity.padEnd(8)} ${f.ruleId} ${f.resourceType} ${f.resourceId}`);
  if (plan.unresolved.length > 0) {
    out.push('', 'Not cleared:');
    for (const u of plan.unresolved) out.push(plain(`  ${u.kind} ${u.subject}: ${u.detail}. ${u.reason}`));
  }
  const crossing = plan.steps.filter((s) => s.crossesPerimeterSets);
  if (crossing.length > 0)
    out.push(
      '',
      `${crossing.length} move(s) bring a VM back into its perimeter across a perimeter boundary (steps ${crossing.map((s) => s.step).join(', ')}): once ingested, perimeter.migration-crossed records them.`,
    );
  const sim = new Table({ head: ['simulation', 'before', 'after'], style: { head: [], border: [], compact: true } });
  for (const [k, label] of FIGURES) sim.push([label, v.simulation.before[k], v.simulation.after[k]]);
  out.push('', sim.toString());
  for (const w of plan.warnings) out.push(`warning: ${w}`);
  if (plan.budgetExhausted) out.push(`warning: the move budget (--max-moves ${plan.maxMoves}) ran out`);
  return `${out.join('\n')}\n`;
}

export function formatPlan(plan: FleetPlan, format: PlanFormat): string {
  if (format === 'json') return `${JSON.stringify(plan, null, 2)}\n`;
  if (format === 'commands') return formatPlanCommands(plan);
  return formatPlanTable(plan);
}
