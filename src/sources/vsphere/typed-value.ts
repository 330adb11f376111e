import { child, childText, children, text, xsiType, type XmlValue } from './xml';

/** An `anyType` value (`<value xsi:type="xsd:int">5</value>`) as the scalar a setting holds. */
export function typedScalar(value: XmlValue | undefined): string | number | boolean | undefined {
  const raw = text(value);
  if (raw === undefined) return undefined;
  switch (xsiType(value)) {
    case 'boolean':
      return raw === 'true' || raw === '1';
    case 'int':
    case 'long':
    case 'short':
    case 'byte':
    case 'float':
    case 'double': {
      const n = Number(raw);
      return Number.isFinite(n) ? n : raw;
    }
    default:
      return raw;
  }
}

/** Settings values are bounded so one hostile key cannot bloat an event past the store's item limit. */
const MAX_VALUE = 4096;
const MAX_KEYS = 4000;

/** `ArrayOfOptionValue` (host advanced settings, VM extraConfig) as a settings record. */
export function optionValues(array: XmlValue | undefined): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  let n = 0;
  for (const opt of children(array, 'OptionValue')) {
    const key = childText(opt, 'key');
    const value = typedScalar(child(opt, 'value'));
    if (!key || value === undefined || key === '__proto__') continue;
    if (++n > MAX_KEYS) break;
    out[key] = typeof value === 'string' ? value.slice(0, MAX_VALUE) : value;
  }
  return out;
}
