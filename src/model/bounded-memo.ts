/**
 * `compute` remembered by its text argument, for values a fleet repeats on every resource (a setting's value, a rule's
 * key, a collect hint). At most `maxEntries` are kept, then the memory starts over: the texts can come from input
 * (stored settings, rule files), so a hostile fleet cannot grow it, and one repeating a handful is served from it.
 */
export function boundedMemo<V>(maxEntries: number, compute: (text: string) => V): (text: string) => V {
  const memory = new Map<string, V>();
  return (text) => {
    let value = memory.get(text);
    if (value === undefined) {
      value = compute(text);
      if (memory.size >= maxEntries) memory.clear();
      memory.set(text, value);
    }
    return value;
  };
}
