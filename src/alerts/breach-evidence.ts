/**
 * The one line a perimeter breach needs in a digest: which VM went from where to where, when, and the event
 * that says so. Movement facts (`perimeterCrossing`, `crossDatacenterMove`) carry exactly that; placement
 * violations carry where the VM is that its perimeter does not allow.
 */

interface Movement {
  eventId: string;
  time: string;
  kind?: string;
  fromHostId: string;
  toHostId: string;
  fromPerimeters?: string[];
  toPerimeters?: string[];
  fromDatacenter?: string;
  toDatacenter?: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

function asMovement(value: unknown): Movement | undefined {
  if (!isRecord(value)) return undefined;
  const { eventId, time, fromHostId, toHostId } = value;
  if (typeof eventId !== 'string' || typeof time !== 'string') return undefined;
  if (typeof fromHostId !== 'string' || typeof toHostId !== 'string') return undefined;
  const m: Movement = { eventId, time, fromHostId, toHostId };
  if (typeof value.kind === 'string') m.kind = value.kind;
  if (isStrings(value.fromPerimeters)) m.fromPerimeters = value.fromPerimeters;
  if (isStrings(value.toPerimeters)) m.toPerimeters = value.toPerimeters;
  if (typeof value.fromDatacenter === 'string') m.fromDatacenter = value.fromDatacenter;
  if (typeof value.toDatacenter === 'string') m.toDatacenter = value.toDatacenter;
  return m;
}

function where(host: string, perimeters: string[] | undefined, datacenter: string | undefined): string {
  const scope = perimeters !== undefined ? perimeters.join('+') || 'no perimeter' : datacenter;
  return scope !== undefined ? `${host} (${scope})` : host;
}

/** Plain text (the caller escapes it for Slack); undefined when the evidence names no breach. */
export function breachEvidenceLine(resource: string, evidence: Readonly<Record<string, unknown>>): string | undefined {
  const placements = evidence.placementViolations;
  const outside =
    isStrings(placements) && placements.length > 0 ? `placed on ${placements.join(', ')}, outside its perimeter` : '';
  for (const value of Object.values(evidence)) {
    const m = asMovement(value);
    if (m === undefined) continue;
    const how = m.kind !== undefined ? `${m.kind} ` : '';
    return (
      `${resource}: ${how}from ${where(m.fromHostId, m.fromPerimeters, m.fromDatacenter)}` +
      ` to ${where(m.toHostId, m.toPerimeters, m.toDatacenter)} at ${m.time}, event ${m.eventId}` +
      (outside !== '' ? `; ${outside}` : '')
    );
  }
  return outside !== '' ? `${resource}: ${outside}` : undefined;
}
