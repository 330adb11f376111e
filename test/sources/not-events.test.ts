import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli';
import { collect, eventsOf, fixture, ignoredOf, rejectedOf } from './helpers';

describe('Inputs that are not events are not errors (issue 15 item 14)', () => {
  it('ignores Nova notification types it does not use before looking for their time', async () => {
    // Nova's own samples of these types carry no timestamp and no updated_at: judging their time first rejected them.
    const out = await collect([fixture('nova/aggregate-create-end.json'), fixture('nova/compute-exception.json')]);
    expect(rejectedOf(out)).toEqual([]);
    expect(ignoredOf(out).map((o) => o.reason)).toEqual([
      'aggregate.create.end (not an instance or compute-service notification)',
      'compute.exception (not an instance or compute-service notification)',
    ]);
  });

  it('ignores an instance notification of an unused action and another service’s delete without a timestamp', async () => {
    const { normaliseNova } = await import('../../src/sources/nova');
    const lock = normaliseNova(
      { event_type: 'instance.lock', payload: { 'nova_object.data': { uuid: 'u1' } } },
      { file: 'x.json' },
    );
    expect(lock).toEqual([expect.objectContaining({ kind: 'ignored', reason: 'instance.lock' })]);
    const conductor = normaliseNova(
      {
        event_type: 'service.delete',
        payload: {
          'nova_object.data': { host: 'node1', binary: 'nova-conductor', updated_at: '2024-01-01T00:00:00Z' },
        },
      },
      { file: 'x.json' },
    );
    expect(conductor).toEqual([expect.objectContaining({ kind: 'ignored' })]);
  });

  describe('a directory holding files of no supported format', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'hyperaudit-not-events-'));
      const exports = join(dir, 'exports');
      await mkdir(exports);
      await copyFile(fixture('nova/instance-create-end.json'), join(exports, 'instance-create-end.json'));
      await writeFile(join(exports, 'collect.sh'), '#!/bin/sh\ngovc events -json > events.json\n');
      await writeFile(join(exports, 'inventory.yaml'), 'clusters:\n  - name: prod\n');
      await writeFile(
        join(exports, 'logo.png'),
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0]),
      );
      await writeFile(join(exports, 'package.json'), '{"name":"exports","version":"1.0.0"}\n');
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('ignores each such file with a reason and reads the rest', async () => {
      const out = await collect([join(dir, 'exports')]);
      expect(rejectedOf(out)).toEqual([]);
      expect(eventsOf(out).length).toBeGreaterThan(0);
      const reasons = Object.fromEntries(ignoredOf(out).map((o) => [o.file.replace(`${dir}/exports/`, ''), o.reason]));
      expect(reasons).toEqual({
        'collect.sh': 'a .sh file of no supported format',
        'inventory.yaml': 'a .yaml file of no supported format',
        'logo.png': 'a .png file of no supported format',
        'package.json': 'JSON of no supported format (no record any source recognises)',
      });
    });

    it('still rejects such a file when it is named on the command line', async () => {
      const out = await collect([join(dir, 'exports', 'package.json')]);
      expect(rejectedOf(out)).toHaveLength(1);
    });

    it('exits 0 from ingest and counts the ignored files by reason', async () => {
      const run = await runCli('ingest', join(dir, 'exports'), '--json', '--data-dir', join(dir, 'store'));
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const report = JSON.parse(run.stdout) as { accepted: number; ignoredCount: number; rejectedCount: number };
      expect(report).toMatchObject({ ignoredCount: 4, rejectedCount: 0 });
      expect(report.accepted).toBeGreaterThan(0);
    }, 120_000);
  });
});
