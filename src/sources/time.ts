import { z } from 'zod';

const Rfc3339 = z.iso.datetime({ offset: true });

/** The input's own RFC 3339 string when it already is one (keeps sub-millisecond precision), else undefined. */
export function rfc3339(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.trim();
  if (Rfc3339.safeParse(v).success) return v;
  // `+0000` offsets (virsh --timestamp, some exporters) and a space separator are common; normalise them.
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2}(?:\.\d+)?)\s*(Z|[+-]\d{2}:?\d{2})$/i.exec(v);
  if (!m) return undefined;
  const off = m[3]!.toUpperCase() === 'Z' ? 'Z' : `${m[3]!.slice(0, 3)}:${m[3]!.slice(-2)}`;
  const candidate = `${m[1]}T${m[2]}${off}`;
  return Rfc3339.safeParse(candidate).success && !Number.isNaN(Date.parse(candidate)) ? candidate : undefined;
}

/** Times written without an offset (RVTools, spreadsheets) are taken as UTC; documented in docs/events.md. */
export function rfc3339AssumingUtc(value: unknown): string | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  const direct = rfc3339(value);
  if (direct) return direct;
  if (typeof value !== 'string') return undefined;
  const m = /^(\d{4})[-/](\d{2})[-/](\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?$/.exec(value.trim());
  if (!m) return undefined;
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}Z`;
  return Number.isNaN(Date.parse(iso)) ? undefined : iso;
}
