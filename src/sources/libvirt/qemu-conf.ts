/**
 * `/etc/libvirt/qemu.conf` in libvirt's config syntax (virconf): `key = value` where a value is a quoted
 * string, an integer or a `[ ... ]` list of strings (which may span lines); `#` starts a comment.
 * Lists become comma-joined strings, the form the `settingList` fact splits. Bad lines are reported with
 * their number and skipped; the rest is kept.
 */
export interface QemuConf {
  settings: Record<string, string | number>;
  errors: { line: number; reason: string }[];
}

const MAX_LINES = 20_000;
const KEY = /^([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$/;

export function parseQemuConf(text: string): QemuConf {
  const settings: Record<string, string | number> = {};
  const errors: QemuConf['errors'] = [];
  const lines = text.split(/\r?\n/);
  if (lines.length > MAX_LINES)
    errors.push({ line: MAX_LINES + 1, reason: `more than ${MAX_LINES} lines; the rest is ignored` });
  let pending: { key: string; line: number; body: string } | undefined;
  for (let i = 0; i < Math.min(lines.length, MAX_LINES); i++) {
    const line = stripComment(lines[i]!).trim();
    if (pending) {
      pending.body += ` ${line}`;
      if (line.includes(']')) {
        finish(pending.key, pending.body, pending.line);
        pending = undefined;
      }
      continue;
    }
    if (line === '') continue;
    const m = KEY.exec(line);
    if (!m) {
      errors.push({ line: i + 1, reason: 'not a `key = value` line' });
      continue;
    }
    const [, key, value] = m as unknown as [string, string, string];
    if (value.startsWith('[') && !value.includes(']')) pending = { key, line: i + 1, body: value };
    else finish(key, value, i + 1);
  }
  if (pending) errors.push({ line: pending.line, reason: `list for ${pending.key} is never closed with ]` });
  return { settings, errors };

  function finish(key: string, raw: string, line: number): void {
    const value = parseValue(raw.trim());
    if (value === undefined)
      errors.push({ line, reason: `value of ${key} is not a quoted string, an integer or a list of strings` });
    else if (key === '__proto__' || key === 'constructor' || key === 'prototype')
      errors.push({ line, reason: `key ${key} refused` });
    else settings[key] = value;
  }
}

function parseValue(raw: string): string | number | undefined {
  if (/^-?\d+$/.test(raw)) return Number(raw);
  const str = /^"((?:[^"\\]|\\.)*)"$/.exec(raw);
  if (str) return str[1]!.replace(/\\(.)/g, '$1');
  const list = /^\[(.*)\]$/s.exec(raw);
  if (!list) return undefined;
  const items: string[] = [];
  const body = list[1]!.trim();
  if (body === '') return '';
  for (const part of body.split(',')) {
    const item = /^\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(part);
    if (!item) return undefined;
    items.push(item[1]!.replace(/\\(.)/g, '$1'));
  }
  return items.join(',');
}

/** Drops a `#` comment that is not inside a quoted string. */
function stripComment(line: string): string {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '\\' && quoted) i++;
    else if (c === '"') quoted = !quoted;
    else if (c === '#' && !quoted) return line.slice(0, i);
  }
  return line;
}
