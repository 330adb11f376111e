import { z } from 'zod';
import type { AppAvailability } from '../../simulation/availability';
import type { ScoreComponent } from '../../simulation/coefficients';
import type { FleetSummary, HostResult, SimulationResult } from '../../simulation/result';
import { byId, compareText } from '../../model/event-order';

/**
 * The part of the stored simulation the report draws. Read from store meta `simulation/latest`, which the
 * simulate step writes as the compact form of `SimulationResult` (src/simulation/result.ts; compacted by
 * `storedForm` and `fitForItem` in src/app/simulate.ts, which may leave out apps, clusters and all but the
 * essential host figures to fit one DynamoDB item).
 */
export interface SimulationView {
  simulatedAt: string;
  /** Simulated window: start (ISO), number of steps, step length. */
  window: { start: string; steps: number; stepSeconds: number };
  /** Absent when no host has a SPECpower curve: then `energyMissing` says why there is no figure. */
  energy?: { kWh: number; hostsCounted: number; hostsWithoutCurve: number };
  energyMissing?: string;
  /** Overloaded host-steps over active host-steps. */
  overloadedTimeFraction: number;
  hosts: ScoredEntity[];
  /** Overloaded hosts at each step of the window, labelled with the step's UTC time. */
  overload: { labels: string[]; values: number[]; stepMinutes: number };
  /** Expected downtime in hours per year, least available first; per application, or per host without apps. */
  downtime: { per: 'application' | 'host'; entries: { label: string; hoursPerYear: number }[] };
  /** Hosts the stored result had to leave out to fit one item (their scores are not shown). */
  hostsOmitted: number;
}

export interface ScoredEntity {
  id: string;
  name?: string;
  /** 0–100, higher is riskier (docs/simulation.md, "Score"). */
  score: number;
  reasons: string[];
}

const num = z.number().finite();
const count = z.number().int().nonnegative();

/** Host figures every stored detail level keeps (`ESSENTIAL_HOST_FIELDS`), and the rest where present. */
const storedHost = z.object({
  score: num,
  overloadedTimeFraction: num,
  cpuReadyPct: num,
  memoryOvercommit: num,
  coincidingPeaks: num,
  unavailability: num,
  topReason: z.string().nullable().optional(),
  cluster: z.string().optional(),
  energyKWh: num.nullable().optional(),
});

const storedApp = z.object({ expectedDowntimeHoursPerYear: num });

const storedFleet = z.object({
  hosts: count,
  energyKWh: num,
  hostsWithoutPowerCurve: count,
  overloadedTimeFraction: num,
  overloadedHostsPerStep: z.array(num),
});

const storedSimulation = z.object({
  kind: z.literal('hyperaudit.simulation'),
  version: z.literal(1),
  simulatedAt: z.string(),
  window: z.object({ start: z.iso.datetime({ offset: true }), steps: count, stepSeconds: num.positive() }),
  fleet: storedFleet,
  hosts: z.record(z.string(), storedHost),
  apps: z.record(z.string(), storedApp),
  hostsOmitted: count.optional(),
});

/**
 * Compile-time tie to the declared shapes: each call fails to type-check if a field the schema reads is renamed
 * or retyped in src/simulation/result.ts (or availability.ts).
 */
function reads<Declared>(_schema: z.ZodType<Declared>): void {}
reads<Pick<FleetSummary, keyof z.infer<typeof storedFleet>>>(storedFleet);
reads<SimulationResult['window']>(storedSimulation.shape.window);
reads<Pick<AppAvailability, 'expectedDowntimeHoursPerYear'>>(storedApp);
reads<Pick<HostResult, 'score' | 'overloadedTimeFraction' | 'cpuReadyPct' | 'memoryOvercommit' | 'coincidingPeaks'>>(
  storedHost,
);

type StoredHost = z.infer<typeof storedHost>;

const HOURS_PER_YEAR = 8760;
const DOWNTIME_BARS = 25;

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

const COMPONENT_WORDS: Record<ScoreComponent, string> = {
  cpuOverload: 'CPU overload',
  cpuReady: 'CPU ready',
  memoryOvercommit: 'memory overcommit',
  nicContention: 'NIC contention',
  storageContention: 'storage contention',
  coincidingPeaks: 'coinciding peaks',
};

function componentWords(component: string): string {
  return (COMPONENT_WORDS as Record<string, string | undefined>)[component] ?? component;
}

/** The stored form keeps only the top reason; the figures beside it explain the score too. */
function reasonsOf(h: StoredHost): string[] {
  const out: string[] = [];
  if (h.topReason) out.push(`mostly ${componentWords(h.topReason)}`);
  if (h.overloadedTimeFraction > 0) out.push(`CPU overloaded ${pct(h.overloadedTimeFraction)} of the time`);
  if (h.cpuReadyPct >= 0.1) out.push(`CPU ready ${h.cpuReadyPct.toFixed(1)}%`);
  if (h.memoryOvercommit > 1) out.push(`memory overcommit ${h.memoryOvercommit.toFixed(2)}×`);
  if (h.coincidingPeaks > 1) out.push(`${h.coincidingPeaks} VMs peaking together`);
  return out;
}

/** `path.to.key: message` for each issue, so a bad stored item names what is wrong with it. */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(top level)'}: ${i.message}`)
    .join('; ');
}

/**
 * Maps the stored simulation to the view; undefined when none is stored. Anything else that does not have
 * the stored shape is an error naming the key, not a silently emptier report.
 */
export function toSimulationView(raw: unknown, source = 'simulation/latest'): SimulationView | undefined {
  if (raw === undefined || raw === null) return undefined;
  const parsed = storedSimulation.safeParse(raw);
  if (!parsed.success)
    throw new Error(
      `${source} is not a stored hyperaudit simulation (src/simulation/result.ts): ${describeIssues(parsed.error)}. Run \`hyperaudit simulate\` again.`,
    );
  const s = parsed.data;

  const start = Date.parse(s.window.start);
  const stepMs = s.window.stepSeconds * 1000;
  const overload = {
    labels: s.fleet.overloadedHostsPerStep.map((_, i) => new Date(start + i * stepMs).toISOString().slice(11, 16)),
    values: [...s.fleet.overloadedHostsPerStep],
    stepMinutes: s.window.stepSeconds / 60,
  };

  const hosts: ScoredEntity[] = Object.entries(s.hosts)
    .map(([id, h]) => ({ id, score: h.score, reasons: reasonsOf(h) }))
    .sort((a, b) => b.score - a.score || byId(a, b));

  const apps = Object.entries(s.apps);
  const downtime: SimulationView['downtime'] =
    apps.length > 0
      ? {
          per: 'application',
          entries: apps.map(([label, a]) => ({ label, hoursPerYear: a.expectedDowntimeHoursPerYear })),
        }
      : {
          per: 'host',
          entries: Object.entries(s.hosts).map(([label, h]) => ({
            label,
            hoursPerYear: h.unavailability * HOURS_PER_YEAR,
          })),
        };
  downtime.entries.sort((a, b) => b.hoursPerYear - a.hoursPerYear || compareText(a.label, b.label));
  downtime.entries.splice(DOWNTIME_BARS);

  const view: SimulationView = {
    simulatedAt: s.simulatedAt,
    window: { ...s.window },
    overloadedTimeFraction: s.fleet.overloadedTimeFraction,
    hosts,
    overload,
    downtime,
    hostsOmitted: s.hostsOmitted ?? 0,
  };
  const counted = s.fleet.hosts - s.fleet.hostsWithoutPowerCurve;
  if (counted > 0)
    view.energy = { kWh: s.fleet.energyKWh, hostsCounted: counted, hostsWithoutCurve: s.fleet.hostsWithoutPowerCurve };
  else
    view.energyMissing =
      s.fleet.hosts === 0
        ? 'No energy figure: no host was simulated.'
        : `No energy figure: none of the ${s.fleet.hosts} simulated hosts has a SPECpower curve (host.power.specpowerWatts), so their draw cannot be estimated.`;
  return view;
}
