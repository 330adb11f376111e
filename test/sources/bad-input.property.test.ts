import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetEventSchema } from '../../src/model/event';
import { normaliseRecord } from '../../src/sources/index';
import { normaliseLibvirtLine } from '../../src/sources/libvirt';
import { normaliseRvtools } from '../../src/sources/rvtools';
import type { Cell, Sheet } from '../../src/sources/rvtools-sheets';
import { SOURCE_NAMES, type SourceName, type SourceOutcome } from '../../src/sources/types';
import { collect, fixture } from './helpers';

/** Every outcome is one of the three kinds, rejections and ignores say why, events obey the schema. */
function assertWellFormed(outcomes: SourceOutcome[]): void {
  for (const o of outcomes) {
    expect(typeof o.file).toBe('string');
    if (o.kind === 'event') expect(FleetEventSchema.safeParse(o.event).success).toBe(true);
    else if (o.kind === 'ignored' || o.kind === 'rejected') expect(o.reason.length).toBeGreaterThan(0);
    else throw new Error(`unexpected outcome ${JSON.stringify(o)}`);
  }
}

function assertNoPollution(): void {
  const probe: Record<string, unknown> = {};
  expect(probe.polluted).toBeUndefined();
  expect(probe.isAdmin).toBeUndefined();
  expect(Object.hasOwn(Object.prototype, 'polluted')).toBe(false);
}

const FORCED: (SourceName | undefined)[] = [undefined, ...SOURCE_NAMES];

/** Real records of each JSON source, as mutation seeds. */
async function seeds(): Promise<unknown[]> {
  const files = [
    'vcenter/veba_go_pagerduty-trigger_valid-event.json',
    'vcenter/veba_knative_python_kn-py-echo_testevent.json',
    'vcenter/vcsim/events/0037-VmClonedEvent.json',
    'vcenter/vcsim/vcsim-default-inventory.json',
    'nova/instance-live_migration_post_dest-end.json',
    'nova/service-update.json',
    'proxmox/cluster-resources.json',
    'canonical/array.json',
  ];
  const docs = await Promise.all(files.map(async (f) => JSON.parse(await readFile(fixture(f), 'utf8')) as unknown));
  const lines = (await readFile(fixture('vcenter/govmomi-events.ndjson'), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as unknown);
  return [...docs, ...lines];
}

type Json = unknown;
/** All paths to values inside a JSON value, for targeted mutation. */
function paths(v: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(v)) for (const [i, x] of v.entries()) paths(x, [...prefix, i], out);
  else if (v && typeof v === 'object')
    for (const k of Object.keys(v)) paths((v as Record<string, Json>)[k], [...prefix, k], out);
  return out;
}

function setAt(root: Json, path: (string | number)[], value: Json | typeof DELETE): Json {
  if (path.length === 0) return value === DELETE ? null : value;
  const copy = structuredClone(root) as Record<string | number, Json>;
  let cur = copy;
  for (const p of path.slice(0, -1)) cur = cur[p] as Record<string | number, Json>;
  const last = path[path.length - 1]!;
  if (value === DELETE) {
    if (Array.isArray(cur)) cur.splice(Number(last), 1);
    else delete cur[last];
  } else {
    // defineProperty so a mutation named __proto__ lands as data, the way JSON.parse would put it.
    Object.defineProperty(cur, last, { value, enumerable: true, writable: true, configurable: true });
  }
  return copy;
}
const DELETE = Symbol('delete');

const hostileValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constant('x'.repeat(200_000)),
  fc.constant(Number.MAX_SAFE_INTEGER),
  fc.constant(-1),
  fc.constant(null),
  fc.constant({ polluted: true, isAdmin: true }),
  fc.string({ unit: 'binary' }),
  fc.constant(DELETE),
);

describe('normalisers under hostile input', () => {
  let seedRecords: unknown[];
  let dir: string;
  beforeAll(async () => {
    seedRecords = await seeds();
    dir = await mkdtemp(join(tmpdir(), 'hyperaudit-fuzz-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('never throws on arbitrary JSON, for every source forced or detected', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(...FORCED), (value, source) => {
        const out = normaliseRecord(value, { file: 'fuzz.json', record: 'record 1' }, { source });
        // An empty batch is the only input with nothing to say about it.
        if (!(Array.isArray(value) && value.length === 0)) expect(out.length).toBeGreaterThan(0);
        assertWellFormed(out);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects mutated real records (wrong types, missing keys, huge strings) by field, or still emits a valid event', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), hostileValue, (seedIndex, pathIndex, value) => {
        const seed = seedRecords[seedIndex % seedRecords.length];
        const all = paths(seed);
        const mutated = setAt(seed, all[pathIndex % all.length]!, value);
        const out = normaliseRecord(mutated, { file: 'mutated.json' });
        assertWellFormed(out);
        assertNoPollution();
      }),
      { numRuns: 400 },
    );
  });

  it('treats __proto__, constructor and prototype keys as data, at any depth, without polluting Object.prototype', () => {
    const key = fc.constantFrom('__proto__', 'constructor', 'prototype');
    fc.assert(
      fc.property(fc.nat(), fc.nat(), key, fc.constantFrom(...FORCED), (seedIndex, pathIndex, k, source) => {
        const seed = seedRecords[seedIndex % seedRecords.length];
        const objectPaths = paths(seed).filter((p) => {
          let cur: unknown = seed;
          for (const s of p) cur = (cur as Record<string | number, unknown>)[s];
          return cur !== null && typeof cur === 'object' && !Array.isArray(cur);
        });
        const at = objectPaths[pathIndex % objectPaths.length]!;
        // Built as JSON text and parsed, exactly how hostile input reaches us.
        const text = JSON.stringify(setAt(seed, [...at, 'placeholder-key'], { polluted: true, isAdmin: true })).replace(
          '"placeholder-key"',
          JSON.stringify(k),
        );
        const out = normaliseRecord(JSON.parse(text) as unknown, { file: 'proto.json' }, { source });
        assertWellFormed(out);
        assertNoPollution();
      }),
      { numRuns: 300 },
    );
  });

  it('refuses hostile nesting depth with a reason instead of overflowing the stack', async () => {
    const deep = join(dir, 'deep.json');
    await writeFile(deep, `${'['.repeat(200_000)}${']'.repeat(200_000)}`);
    const deepObject = join(dir, 'deep-object.ndjson');
    await writeFile(
      deepObject,
      `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}\n{"id":"ok","time":"2024-01-01T00:00:00Z","type":"vm.power_on","vm":{"id":"v"}}\n`,
    );
    const out = await collect([deep, deepObject]);
    assertWellFormed(out);
    expect(out.map((o) => o.kind)).toEqual(['rejected', 'rejected', 'event']);
    expect(out[0]).toMatchObject({ reason: expect.stringContaining('nests deeper') });
  });

  it('keeps every complete record of a truncated NDJSON or JSON file and rejects only the cut one with its position', async () => {
    const sources = [
      'vcenter/govmomi-events.ndjson',
      'vcenter/veba-host-lifecycle.ndjson',
      'canonical/events.ndjson',
      'nova/oslo-wrapped.ndjson',
      'libvirt/kvm01-events.log',
    ];
    const originals = await Promise.all(
      sources.map(async (f) => ({ name: f.split('/').pop()!, bytes: await readFile(fixture(f)) })),
    );
    const full = await Promise.all(
      originals.map(async ({ name, bytes }) => {
        const file = join(dir, `full-${name}`);
        await writeFile(file, bytes);
        return collect([file]);
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.nat(), async (which, cutAt) => {
        const { name, bytes } = originals[which % originals.length]!;
        const cut = cutAt % bytes.length;
        const file = join(dir, `cut-${name}`);
        await writeFile(file, bytes.subarray(0, cut));
        const out = await collect([file]);
        assertWellFormed(out);
        // Lines that ended before the cut are untouched, so their outcomes are exactly those of the full file.
        const completeLines = bytes.subarray(0, cut).toString('latin1').split('\n').length - 1;
        const expected = full[which % originals.length]!.filter(
          (o) => Number(o.record?.replace('line ', '')) <= completeLines,
        ).map((o) => ({ ...o, file }));
        const got = out.filter((o) => Number(o.record?.replace('line ', '')) <= completeLines);
        expect(got).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });

  it('rejects a line with invalid UTF-8 and keeps the valid lines of the same file', async () => {
    const bytes = await readFile(fixture('vcenter/govmomi-events.ndjson'));
    const lines = bytes.toString('utf8').trimEnd().split('\n');
    await fc.assert(
      fc.asyncProperty(
        fc.nat(),
        fc.constantFrom([0xff], [0xc3, 0x28], [0xe2, 0x82], [0xf0, 0x28, 0x8c, 0xbc], [0xed, 0xa0, 0x80]),
        async (lineIndex, bad) => {
          const target = lineIndex % lines.length;
          const parts = lines.map((l, i) =>
            i === target
              ? Buffer.concat([Buffer.from(l.slice(0, 40)), Buffer.from(bad), Buffer.from(l.slice(40))])
              : Buffer.from(l),
          );
          const file = join(dir, 'mojibake.ndjson');
          await writeFile(file, Buffer.concat(parts.flatMap((p) => [p, Buffer.from('\n')])));
          const out = await collect([file]);
          assertWellFormed(out);
          const rejectedLines = out.filter((o) => o.kind === 'rejected' && o.field === 'encoding').map((o) => o.record);
          expect(rejectedLines).toEqual([`line ${target + 1}`]);
          // Line 6 (VmFailoverFailed) is ignored rather than an event, so breaking it costs no event.
          expect(out.filter((o) => o.kind === 'event')).toHaveLength(lines.length - 1 - (target === 5 ? 0 : 1));
        },
      ),
      { numRuns: 25 },
    );
  });

  it('rejects arbitrary bytes named .xlsx or .csv with a reason, never crashing the reader', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 2048 }),
        fc.boolean(),
        fc.constantFrom('.xlsx', '.csv'),
        async (body, zipHeader, ext) => {
          const file = join(dir, `random${ext}`);
          await writeFile(file, zipHeader ? Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), body]) : body);
          const out = await collect([file]);
          assertWellFormed(out);
          expect(out.length).toBeGreaterThan(0);
          expect(out.every((o) => o.kind === 'rejected')).toBe(true);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('handles arbitrary and mangled virsh event lines without throwing', async () => {
    const real = (await readFile(fixture('libvirt/kvm01-events.log'), 'utf8')).split('\n');
    const mangled = fc
      .tuple(fc.constantFrom(...real), fc.nat(), fc.string())
      .map(([line, at, junk]) => line.slice(0, at % (line.length + 1)) + junk + line.slice(at % (line.length + 1)));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string({ unit: 'grapheme' }),
          mangled,
          fc.constant(`event 'lifecycle' for domain '${'x'.repeat(100_000)}': Started Booted`),
        ),
        fc.option(fc.string(), { nil: undefined }),
        (line, host) => {
          const out = normaliseLibvirtLine(line, { file: 'virsh.log', record: 'line 1' }, { host });
          assertWellFormed(out);
          for (const o of out) if (o.kind === 'rejected') expect(o.field).toBeDefined();
        },
      ),
      { numRuns: 400 },
    );
  });

  it('handles RVTools sheets with arbitrary cell values without throwing, rejecting bad rows by column', () => {
    const columns = [
      'VM',
      'VM ID',
      'VM UUID',
      'Host',
      'CPUs',
      'Memory',
      'Powerstate',
      'Size MiB',
      'Capacity MiB',
      'Controller',
      'Network',
      '# CPU',
      'Cores per CPU',
      'Speed',
      '# Memory',
      'Object ID',
      'xlsx creation datetime',
      '__proto__',
      'constructor',
    ];
    const cell: fc.Arbitrary<Cell> = fc.oneof(
      fc.string(),
      fc.double(),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.date({ noInvalidDate: false }),
      fc.constant('x'.repeat(10_000)),
    );
    const row = fc.dictionary(fc.constantFrom(...columns), cell);
    const sheet = fc.record({
      name: fc.constantFrom('vInfo', 'vHost', 'vCPU', 'vMemory', 'vDisk', 'vNetwork', 'vMetaData'),
      rows: fc.array(row, { maxLength: 8 }),
    });
    fc.assert(
      fc.property(
        fc.array(sheet, { maxLength: 5 }),
        fc.option(fc.constant('2024-01-01T00:00:00Z'), { nil: undefined }),
        (sheets, fallbackTime) => {
          const input: Sheet[] = sheets.map((sh) => ({
            name: sh.name,
            rows: sh.rows.map((r, i) => ({ rowNumber: i + 2, cells: new Map(Object.entries(r)) })),
          }));
          const out = normaliseRvtools({ file: 'fuzz.xlsx', sheets: input, fallbackTime });
          assertWellFormed(out);
          for (const o of out) if (o.kind === 'rejected') expect(o.field).toMatch(/^(v[A-Za-z]+[.:]|vMetaData)/);
          assertNoPollution();
        },
      ),
      { numRuns: 300 },
    );
  });
});
