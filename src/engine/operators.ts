import type { FactValue } from './types';

/**
 * json-rules-engine 7.3.1's default operators, transcribed from dist/engine-default-operators.js so the
 * compiled evaluator decides exactly as the engine does (including its validators: numeric operators
 * reject values `parseFloat` cannot read, `contains` needs an array fact). Kept in one table so the
 * equivalence test and the compiler share it.
 */
type Op = (a: unknown, b: unknown) => boolean;

const numeric = (a: unknown) => Number.parseFloat(a as string).toString() !== 'NaN';
const indexOf = (list: unknown, x: unknown) => (list as { indexOf(v: unknown): number }).indexOf(x);

export const OPERATORS: Readonly<Record<string, Op>> = {
  equal: (a, b) => a === b,
  notEqual: (a, b) => a !== b,
  in: (a, b) => indexOf(b, a) > -1,
  notIn: (a, b) => indexOf(b, a) === -1,
  contains: (a, b) => Array.isArray(a) && indexOf(a, b) > -1,
  doesNotContain: (a, b) => Array.isArray(a) && indexOf(a, b) === -1,
  lessThan: (a, b) => numeric(a) && (a as number) < (b as number),
  lessThanInclusive: (a, b) => numeric(a) && (a as number) <= (b as number),
  greaterThan: (a, b) => numeric(a) && (a as number) > (b as number),
  greaterThanInclusive: (a, b) => numeric(a) && (a as number) >= (b as number),
};

/** `$.a.b` as json-rules-engine resolves it (via JSONPath) for the identifier-only paths the schema allows. */
export function compilePath(path: string): (v: FactValue) => FactValue | undefined {
  const segments = path.split('.').slice(1);
  return (v) => {
    if (v === null || typeof v !== 'object') return v;
    let cur: unknown = v;
    for (const s of segments) {
      if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, s)) return undefined;
      cur = (cur as Record<string, unknown>)[s];
    }
    return cur as FactValue;
  };
}
