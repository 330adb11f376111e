import { FLEET_EVENT_TYPES } from '../model/event';
import { isRecord, own } from './json-access';
import { emit, rejected, type Outcomes } from './outcome';
import type { RecordLocation } from './types';

/** A canonical event names one of the FleetEvent types; anything else is some other source's format. */
export function looksCanonical(value: unknown): boolean {
  const type = own(value, 'type');
  // `vm.explode` is a canonical event with a wrong type, better reported as such than as an unknown format.
  return (
    typeof type === 'string' &&
    ((FLEET_EVENT_TYPES as string[]).includes(type) || /^(host|vm|perimeter)\.[a-z_]+$/.test(type))
  );
}

/** Canonical JSON is already the contract: validate it, and let the zod issue path name the field. */
export function normaliseCanonical(value: unknown, loc: RecordLocation): Outcomes {
  if (!isRecord(value)) return [rejected('canonical', loc, 'a canonical event must be a JSON object', 'type')];
  const type = own(value, 'type');
  if (typeof type !== 'string' || !(FLEET_EVENT_TYPES as string[]).includes(type)) {
    return [
      rejected(
        'canonical',
        loc,
        `unknown event type ${JSON.stringify(type)}; expected one of ${FLEET_EVENT_TYPES.join(', ')}`,
        'type',
      ),
    ];
  }
  const out = emit('canonical', loc, value);
  // Keep the producer's own `source` label if it gave one; otherwise say it came in canonical form. Set after
  // validation on zod's fresh copy: re-shaping the input first costs more than the validation itself.
  if (out.kind === 'event' && out.event.source === undefined) out.event.source = 'canonical';
  return [out];
}
