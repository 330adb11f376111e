import { z } from 'zod';

/**
 * The part of a simulation result the report draws. Read from store meta `simulation/latest`, which
 * `simulateStored` writes (src/app/simulate.ts `storedForm`: hosts keyed by id with score, topReason
 * and figures; clusters; apps; fleet summary), or a full SimulationResult. Parsed leniently (unknown fields
 * ignored) so a newer simulation shape degrades to fewer charts rather than no report.
 */
export interface SimulationView {
  generatedAt?: string;
  energyKWh?: number;
  overloadedTimeFraction?: number;
  hosts: ScoredEntity[];
  vms: ScoredEntity[];
  /** Overloaded hosts (or fraction) per step over the simulated day. */
  overload: { labels: string[]; values: number[] };
  /** Availability figures to chart, e.g. per cluster or per application (0–1 or percent). */
  availability: { label: string; value: number }[];
}

export interface ScoredEntity {
  id: string;
  name?: string;
  score: number;
  reasons: string[];
}

const num = z.number().finite();
const reasonSchema = z.union([
  z.string(),
  z
    .object({
      detail: z.string().optional(),
      text: z.string().optional(),
      component: z.string().optional(),
      points: num.optional(),
    })
    .loose(),
]);
const scoredSchema = z
  .object({
    id: z.string().optional(),
    hostId: z.string().optional(),
    vmId: z.string().optional(),
    name: z.string().optional(),
    score: num.optional(),
    risk: num.optional(),
    reasons: z.array(reasonSchema).optional(),
    topReason: z.string().nullable().optional(),
    overloadedTimeFraction: num.optional(),
    cpuReadyPct: num.optional(),
    memoryOvercommit: num.optional(),
    unavailability: num.optional(),
  })
  .loose();
const scoredList = z.union([z.array(scoredSchema), z.record(z.string(), scoredSchema)]);
const seriesPoint = z.union([
  num,
  z.object({ time: z.string().optional(), t: z.string().optional(), step: num.optional() }).loose(),
]);
const availabilityEntry = z
  .object({
    id: z.string().optional(),
    name: z.string().optional(),
    label: z.string().optional(),
    availability: num.optional(),
    value: num.optional(),
  })
  .loose();

const simulationSchema = z
  .object({
    generatedAt: z.string().optional(),
    simulatedAt: z.string().optional(),
    at: z.string().optional(),
    energyKWh: num.optional(),
    fleet: z
      .object({
        energyKWh: num.optional(),
        overloadedTimeFraction: num.optional(),
        overloadedHostsPerStep: z.array(num).optional(),
      })
      .loose()
      .optional(),
    overloadedTimeFraction: num.optional(),
    hosts: scoredList.optional(),
    hostScores: scoredList.optional(),
    vms: scoredList.optional(),
    vmScores: scoredList.optional(),
    window: z.object({ start: z.string().optional(), stepSeconds: num.optional() }).loose().optional(),
    overloadSeries: z.array(seriesPoint).optional(),
    overloadedHostsPerStep: z.array(seriesPoint).optional(),
    overload: z.array(seriesPoint).optional(),
    steps: z.array(seriesPoint).optional(),
    availability: z
      .union([z.array(availabilityEntry), z.record(z.string(), z.union([num, availabilityEntry]))])
      .optional(),
    apps: z.record(z.string(), z.object({ expectedDowntimeHoursPerYear: num.optional() }).loose()).optional(),
  })
  .loose();

const HOURS_PER_YEAR = 8760;

type Scored = z.infer<typeof scoredSchema>;

function reasonText(r: z.infer<typeof reasonSchema>): string {
  if (typeof r === 'string') return r;
  const text = r.detail ?? r.text ?? r.component ?? JSON.stringify(r);
  return r.points !== undefined && r.detail !== undefined ? `${text} (+${Math.round(r.points)})` : text;
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

/** The compact stored form keeps only the top reason; the figures beside it explain the score too. */
function reasonsOf(s: Scored): string[] {
  if (s.reasons !== undefined && s.reasons.length > 0) return s.reasons.map(reasonText);
  const out: string[] = [];
  if (s.topReason) out.push(`mostly ${s.topReason}`);
  if (s.overloadedTimeFraction) out.push(`CPU overloaded ${pct(s.overloadedTimeFraction)} of the time`);
  if (s.cpuReadyPct !== undefined && s.cpuReadyPct >= 0.1) out.push(`CPU ready ${s.cpuReadyPct.toFixed(1)}%`);
  if (s.memoryOvercommit !== undefined && s.memoryOvercommit > 1)
    out.push(`memory overcommit ${s.memoryOvercommit.toFixed(2)}×`);
  return out;
}

function toScored(list: z.infer<typeof scoredList> | undefined, idKey: 'hostId' | 'vmId'): ScoredEntity[] {
  if (list === undefined) return [];
  const entries: [string | undefined, Scored][] = Array.isArray(list)
    ? list.map((s) => [undefined, s])
    : Object.entries(list);
  const out: ScoredEntity[] = [];
  for (const [key, s] of entries) {
    const id = s.id ?? s[idKey] ?? key;
    const score = s.score ?? s.risk;
    if (id === undefined || score === undefined) continue;
    const entity: ScoredEntity = { id, score, reasons: reasonsOf(s) };
    if (s.name !== undefined) entity.name = s.name;
    out.push(entity);
  }
  return out.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
}

function seriesValue(p: z.infer<typeof seriesPoint>): { label?: string; value?: number } {
  if (typeof p === 'number') return { value: p };
  const value = ['overloadedHosts', 'overloaded', 'value', 'fraction', 'count']
    .map((k) => p[k])
    .find((v) => typeof v === 'number') as number | undefined;
  return { label: p.time ?? p.t, value };
}

/** Maps whatever the simulation stored to the view, or undefined when there is nothing usable. */
export function toSimulationView(raw: unknown): SimulationView | undefined {
  const parsed = simulationSchema.safeParse(raw);
  if (!parsed.success) return undefined;
  const s = parsed.data;
  const points = (
    s.overloadSeries ??
    s.overloadedHostsPerStep ??
    s.fleet?.overloadedHostsPerStep ??
    s.overload ??
    s.steps ??
    []
  ).map(seriesValue);
  const overload = { labels: [] as string[], values: [] as number[] };
  const start = s.window?.start !== undefined ? Date.parse(s.window.start) : Number.NaN;
  const stepMs = (s.window?.stepSeconds ?? 0) * 1000;
  points.forEach((p, i) => {
    if (p.value === undefined) return;
    // Real step times when the window is known (UTC hh:mm), else the step's place in a day.
    const windowLabel =
      Number.isFinite(start) && stepMs > 0 ? new Date(start + i * stepMs).toISOString().slice(11, 16) : undefined;
    overload.labels.push(p.label ?? windowLabel ?? stepLabel(i, points.length));
    overload.values.push(p.value);
  });
  const availability: SimulationView['availability'] = [];
  if (Array.isArray(s.availability)) {
    for (const a of s.availability) {
      const value = a.availability ?? a.value;
      const label = a.label ?? a.name ?? a.id;
      if (value !== undefined && label !== undefined) availability.push({ label, value });
    }
  } else if (s.availability) {
    for (const [label, a] of Object.entries(s.availability)) {
      const value = typeof a === 'number' ? a : (a.availability ?? a.value);
      if (value !== undefined) availability.push({ label, value });
    }
  } else if (s.apps !== undefined && Object.keys(s.apps).length > 0) {
    // Per application: the share of the year its expected downtime leaves.
    for (const [app, a] of Object.entries(s.apps)) {
      if (a.expectedDowntimeHoursPerYear !== undefined)
        availability.push({ label: app, value: 1 - a.expectedDowntimeHoursPerYear / HOURS_PER_YEAR });
    }
  } else {
    const hostList = s.hosts ?? s.hostScores;
    const entries =
      hostList === undefined
        ? []
        : Array.isArray(hostList)
          ? hostList.map((h) => [h.id ?? h.hostId ?? '?', h] as const)
          : Object.entries(hostList);
    for (const [id, h] of entries)
      if (h.unavailability !== undefined) availability.push({ label: h.name ?? id, value: 1 - h.unavailability });
  }
  // The least available first: those are the ones to look at.
  availability.sort((a, b) => a.value - b.value);
  availability.splice(25);
  const view: SimulationView = {
    hosts: toScored(s.hosts ?? s.hostScores, 'hostId'),
    vms: toScored(s.vms ?? s.vmScores, 'vmId'),
    overload,
    availability,
  };
  const generatedAt = s.generatedAt ?? s.simulatedAt ?? s.at;
  if (generatedAt !== undefined) view.generatedAt = generatedAt;
  const energy = s.energyKWh ?? s.fleet?.energyKWh;
  if (energy !== undefined) view.energyKWh = energy;
  const overloaded = s.overloadedTimeFraction ?? s.fleet?.overloadedTimeFraction;
  if (overloaded !== undefined) view.overloadedTimeFraction = overloaded;
  const empty =
    view.hosts.length === 0 &&
    view.vms.length === 0 &&
    overload.values.length === 0 &&
    availability.length === 0 &&
    energy === undefined;
  return empty ? undefined : view;
}

/** hh:mm of step i when a day is split into n equal steps. */
function stepLabel(i: number, n: number): string {
  const minutes = Math.round((i * 24 * 60) / Math.max(n, 1));
  return `${String(Math.floor(minutes / 60) % 24).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
