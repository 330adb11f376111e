const ELLIPSIS = '…';

/** Cuts `text` to `width` characters with `…` in the middle, so both its start and its end stay readable. */
export function truncateMiddle(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  if (width <= 1) return ELLIPSIS.slice(0, width);
  const keep = width - 1;
  const head = Math.ceil(keep / 2);
  return chars.slice(0, head).join('') + ELLIPSIS + chars.slice(chars.length - (keep - head)).join('');
}

const SEPARATOR = /[.\-_:/@ ]/;

/** The longest ending every name shares that starts at a separator (`.fra.example.com`), or ''. */
function sharedEnding(names: string[]): string {
  const distinct = [...new Set(names)];
  const first = distinct[0];
  if (distinct.length < 2 || first === undefined) return '';
  let length = first.length;
  for (const name of distinct.slice(1)) {
    let n = 0;
    while (n < length && n < name.length && name[name.length - 1 - n] === first[first.length - 1 - n]) n += 1;
    length = n;
  }
  // A shared ending must leave every name a part of its own, and start on a separator so no token is split.
  const shortest = distinct.reduce((min, n) => Math.min(min, n.length), Number.POSITIVE_INFINITY);
  let ending = first.slice(first.length - Math.min(length, shortest - 1));
  while (ending.length > 0 && !SEPARATOR.test(ending[0] ?? '')) ending = ending.slice(1);
  return ending;
}

const kindOf = (name: string): string => name.slice(0, Math.max(0, name.indexOf(':')));

/**
 * Fits a column of resource names into `width` characters without making two of them read alike: what the
 * names of one kind (`host:`, `vm:`) share at their end (a domain) is dropped first, since it tells them
 * apart from nothing; what is left is cut in the middle, keeping its distinguishing end (`-02`).
 */
export function fitNames(names: readonly string[], width: number): string[] {
  const byKind = new Map<string, string[]>();
  for (const name of names) {
    const kind = kindOf(name);
    const group = byKind.get(kind);
    if (group) group.push(name);
    else byKind.set(kind, [name]);
  }
  const endings = new Map([...byKind].map(([kind, group]) => [kind, sharedEnding(group)]));
  return names.map((name) => {
    if ([...name].length <= width) return name;
    const ending = endings.get(kindOf(name)) ?? '';
    const own = name.slice(0, name.length - ending.length);
    if (ending !== '' && [...own].length < width) {
      const room = width - [...own].length - 1;
      return own + [...ending].slice(0, room).join('') + ELLIPSIS;
    }
    return truncateMiddle(own, width);
  });
}
