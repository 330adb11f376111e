import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { startLocalServer } from '../../src/store/local-server';

const run = promisify(execFile);
const SOURCES = join(import.meta.dirname, '..', 'fixtures', 'sources');
const NOVA = join(SOURCES, 'nova');
/** Real samples: vcsim's events and inventory, Nova's notification samples, a VEBA test event, and two reference files ingest ignores. */
const samples = [
  join(SOURCES, 'vcenter', 'vcsim'),
  join(SOURCES, 'vcenter', 'veba_knative_python_kn-py-vm-attr_testevent.json'),
  ...readdirSync(NOVA)
    .filter((f) => f.endsWith('.json'))
    .map((f) => join(NOVA, f)),
  join(import.meta.dirname, 'fixtures'),
];
const bin = join(import.meta.dirname, '..', '..', 'bin', 'hyperaudit.js');
const work = mkdtempSync(join(tmpdir(), 'hyperaudit-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs the real CLI (embedded dynalite child process, --data-dir) and returns exit code and output. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env: { ...process.env, NO_COLOR: '1' } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('hyperaudit ingest and inventory', () => {
  const dataDir = join(work, 'store');

  it('ingests real samples, then counts all of them as duplicates the second time, with the same inventory', async () => {
    const first = await cli('ingest', ...samples, '--data-dir', dataDir, '--json');
    expect(first.stderr).toBe('');
    const a = JSON.parse(first.stdout) as {
      accepted: number;
      duplicates: number;
      ignored: unknown[];
      rejected: unknown[];
      bySource: Record<string, unknown>;
    };
    expect(a.accepted).toBeGreaterThan(10);
    expect(a.ignored.length).toBeGreaterThan(0);
    expect(Object.keys(a.bySource).sort()).toEqual(expect.arrayContaining(['nova', 'vcenter']));
    const inventoryBefore = await cli('inventory', '--json', '--data-dir', dataDir);
    expect(inventoryBefore.code).toBe(0);
    const fleet = JSON.parse(inventoryBefore.stdout) as {
      hosts: unknown[];
      vms: { id: string; hostId?: string; powerState?: string }[];
    };
    expect(fleet.vms.length).toBeGreaterThan(3);
    expect(fleet.vms.some((v) => v.hostId !== undefined && v.powerState !== undefined)).toBe(true);

    const second = await cli('ingest', ...samples, '--data-dir', dataDir, '--json');
    const b = JSON.parse(second.stdout) as typeof a;
    expect(b).toMatchObject({ accepted: 0, duplicates: a.accepted, rejected: a.rejected, ignored: a.ignored });
    expect(second.code).toBe(first.code);
    expect((await cli('inventory', '--json', '--data-dir', dataDir)).stdout).toBe(inventoryBefore.stdout);

    const table = await cli('inventory', '--data-dir', dataDir);
    expect(table.stdout).toContain(`${fleet.vms.length} VM(s)`);
    expect(table.stdout).toContain(fleet.vms[0]!.id);
  });

  it('exits 1 and names file and line of a rejected record, storing the valid lines beside it', async () => {
    const file = join(work, 'mixed.ndjson');
    writeFileSync(
      file,
      [
        JSON.stringify({
          id: 'ok-1',
          time: '2025-01-01T00:00:00Z',
          type: 'vm.upsert',
          vm: { id: 'vm-x', name: 'web\u001b[31m', hostId: 'h1' },
        }),
        '{"id": "bad", "time": "yesterday", "type": "vm.upsert", "vm": {"id": "vm-y"}}',
        JSON.stringify({ id: 'ok-2', time: '2025-01-02T00:00:00Z', type: 'vm.power_on', vm: { id: 'vm-x' } }),
      ].join('\n'),
    );
    const dir = join(work, 'mixed-store');
    const out = await cli('ingest', file, '--data-dir', dir);
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(/^2 event\(s\) stored, 0 duplicate\(s\), 0 ignored, 1 rejected/);
    expect(out.stdout).toContain(`${file}:line 2`);
    const inventory = await cli('inventory', '--data-dir', dir);
    // A control sequence in a name is shown, not executed by the terminal.
    expect(inventory.stdout).toContain('web\\x1b[31m');
    expect(inventory.stdout).not.toContain('\u001b');
    expect(inventory.stdout).toContain('poweredOn');
  });

  it('uses any DynamoDB-compatible server given with --endpoint, and the table given with --table', async () => {
    const server = await startLocalServer({ mode: 'in-process' });
    try {
      const file = join(work, 'one.ndjson');
      writeFileSync(
        file,
        `${JSON.stringify({ id: 'h-1', time: '2025-01-01T00:00:00Z', type: 'host.upsert', host: { id: 'esx-9', name: 'esx-9.lab' } })}\n`,
      );
      const ingest = await cli('ingest', file, '--endpoint', server.endpoint, '--table', 'elsewhere', '--json');
      expect(JSON.parse(ingest.stdout)).toMatchObject({ accepted: 1 });
      const other = await cli('inventory', '--json', '--endpoint', server.endpoint, '--table', 'elsewhere');
      expect(JSON.parse(other.stdout)).toMatchObject({ hosts: [{ id: 'esx-9', name: 'esx-9.lab' }] });
      const empty = await cli('inventory', '--json', '--endpoint', server.endpoint);
      expect(JSON.parse(empty.stdout)).toEqual({ hosts: [], vms: [], perimeters: [] });
    } finally {
      await server.stop();
    }
  });

  it('refuses a malformed --endpoint as a usage error', async () => {
    const out = await cli('inventory', '--endpoint', 'not a url');
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('--endpoint');
  });
});
