import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outcomesOfMessage } from '../../src/sources/decode-message';
import { encodeEnvelope } from '../../src/sources/envelope';
import { loadTraceDirectory, runSimulation } from '../../src/app/simulate';
import { readTraceInside } from '../../src/app/trace-file';
import { SimulationInputError } from '../../src/simulation/compile';
import { normaliseRecord } from '../../src/sources/index';
import { httpSqsRecord } from '../functions/helpers/aws-events';
import { fleetOf } from '../simulation/helpers';

const SECRET = 'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG';
const vmEvent = (trace: string) => ({
  id: 'e-1',
  time: '2026-01-01T00:00:00Z',
  type: 'vm.upsert',
  vm: { id: 'vm-1', workload: { trace } },
});
const host = { id: 'h1', cluster: 'c', cpu: { sockets: 1, coresPerSocket: 4, mhz: 2000 }, memoryMiB: 65536 };
const trace288 = `${Array.from({ length: 288 }, () => '20').join('\n')}\n`;

let root: string;
let traces: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hyperaudit-traces-'));
  traces = join(root, 'traces');
  await mkdir(traces);
  await writeFile(join(root, 'secrets.env'), `${SECRET}\n`);
  await writeFile(join(traces, 'good'), trace288);
  await symlink(join(root, 'secrets.env'), join(traces, 'escape'));
  await writeFile(join(traces, 'garbage'), `10\n${SECRET}\n`);
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('workload.trace names', () => {
  it.each(['../../../../proc/self/environ', '/etc/passwd', 'a\\b', '..', '.hidden', 'a\u0000b', 'x'.repeat(256)])(
    'refuses the trace name %j at ingest with field vm.workload.trace',
    (name) => {
      const [o] = normaliseRecord(vmEvent(name), { file: 'events.ndjson', record: 'line 1' });
      expect(o).toMatchObject({
        kind: 'rejected',
        file: 'events.ndjson',
        record: 'line 1',
        field: 'vm.workload.trace',
      });
    },
  );

  it('refuses a path as trace name in an HTTP body, as the ingest Lambda decodes it', () => {
    const out = outcomesOfMessage(
      httpSqsRecord(
        JSON.stringify(vmEvent('../../proc/self/environ')),
        encodeEnvelope({ contentType: 'application/json', ce: {} }),
        'm-1',
      ),
    );
    expect(out).toEqual([expect.objectContaining({ kind: 'rejected', field: 'vm.workload.trace' })]);
  });

  it('accepts a plain PlanetLab file name', () => {
    const [o] = normaliseRecord(vmEvent('planetlab1_fit_vutbr_cz_nyu_d'), { file: 'f' });
    expect(o?.kind).toBe('event');
  });
});

describe('opening trace files', () => {
  it('refuses a symlink in the traces folder that points outside it, without reading the target', async () => {
    const err = await readTraceInside(traces, 'escape').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SimulationInputError);
    expect((err as Error).message).toMatch(/resolves outside the traces folder/);
    expect((err as Error).message).not.toContain('wJalr');
    await expect(loadTraceDirectory(traces, ['escape'])).rejects.toThrow(/resolves outside the traces folder/);
  });

  it('refuses a name with path parts even when called directly', async () => {
    await expect(readTraceInside(traces, '../secrets.env')).rejects.toThrow(/field vm\.workload\.trace/);
  });

  it('never quotes file content in a trace parse error: file, line and reason only', async () => {
    const err = await loadTraceDirectory(traces, ['garbage']).catch((e: unknown) => e);
    expect((err as Error).message).toBe(
      `${join(traces, 'garbage')}:2: expected a CPU percent between 0 and 100 (not a number)`,
    );
  });

  it('does not read names with path parts that old stored events hand the folder loader', async () => {
    const loaded = await loadTraceDirectory(traces, ['good', '../secrets.env']);
    expect([...loaded.keys()]).toEqual(['good']);
  });

  it('skips the folder symlink when loading a whole folder instead of following it out', async () => {
    const loaded = await loadTraceDirectory(traces, ['good']);
    expect(loaded.get('good')?.samples.length).toBe(288);
    await expect(loadTraceDirectory(traces)).rejects.toThrow(/garbage:2/);
  });
});

describe('error messages never quote input content', () => {
  it('an HTTP body that is not JSON is rejected without echoing it into the logs', () => {
    const out = outcomesOfMessage(
      httpSqsRecord(SECRET, encodeEnvelope({ contentType: 'application/json', ce: {} }), 'm-2'),
    );
    expect(out).toEqual([
      expect.objectContaining({ kind: 'rejected', reason: expect.stringMatching(/^not valid JSON/) }),
    ]);
    expect(JSON.stringify(out)).not.toContain('wJalr');
  });
});

describe('simulating a fleet stored before trace names were checked', () => {
  it('skips that VM’s trace with a warning naming the VM and the field, and still scores every VM', () => {
    const fleet = fleetOf(
      [host],
      [
        { id: 'old-vm', hostId: 'h1', vcpus: 2, workload: { trace: '../../../../proc/self/environ' } },
        { id: 'ok-vm', hostId: 'h1', vcpus: 2, workload: { cpuAvgPct: 20 } },
      ],
    );
    const result = runSimulation(fleet, { trials: 0 });
    expect(Object.keys(result.vms).sort()).toEqual(['ok-vm', 'old-vm']);
    expect(result.warnings.some((w) => w.includes('vm.workload.trace') && w.includes('old-vm'))).toBe(true);
  });
});
