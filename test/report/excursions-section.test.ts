import { folderArtifactStore } from '../../src/store/artifacts/folder-artifact-store';
import { fixedClock } from '../../src/model/ports/clock';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateReport } from '../../src/app/report';
import type { FleetEvent } from '../../src/model/event';
import { MemoryStore } from '../../src/store/memory-store';

const t = (day: number) => new Date(Date.UTC(2026, 10, day, 8)).toISOString();
const host = (id: string, perimeter: string): FleetEvent => ({
  id: `h-${id}`,
  time: t(1),
  type: 'host.upsert',
  host: { id, name: id, perimeter },
});
const move = (id: string, day: number, toHostId: string): FleetEvent => ({
  id,
  time: t(day),
  type: 'vm.migrate',
  migrate: { vmId: 'vm-pay', toHostId, kind: 'live' },
});

describe('The report lists past perimeter excursions in its window (issue 15 item 5)', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('shows an excursion that is over, with every leg, and none older than the window', async () => {
    const store = new MemoryStore();
    await store.putEvents([
      host('pci-1', 'pci'),
      host('gen-1', 'general'),
      {
        id: 'v0',
        time: t(1),
        type: 'vm.upsert',
        vm: { id: 'vm-pay', name: 'pay<01>', hostId: 'pci-1', perimeter: 'pci' },
      },
      move('m-out', 2, 'gen-1'),
      move('m-back', 3, 'pci-1'),
    ]);
    const outDir = await mkdtemp(join(tmpdir(), 'hyperaudit-excursions-'));
    dirs.push(outDir);
    await generateReport({ store, clock: fixedClock(new Date(t(20))), artifacts: folderArtifactStore() }, { outDir });
    const html = await readFile(join(outDir, 'report.html'), 'utf8');
    const section = html.slice(
      html.indexOf('<section id="excursions">'),
      html.indexOf('</section>', html.indexOf('<section id="excursions">')),
    );
    expect(section).toContain('pay&lt;01&gt;');
    expect(section).toContain('back inside');
    expect(section).toContain('m-out');
    expect(section).toContain('m-back');
    const data = JSON.parse(await readFile(join(outDir, 'report.json'), 'utf8')) as { excursions: unknown[] };
    expect(data.excursions).toEqual([expect.objectContaining({ vmId: 'vm-pay', open: false, home: ['pci'] })]);

    const later = await mkdtemp(join(tmpdir(), 'hyperaudit-excursions-'));
    dirs.push(later);
    await generateReport(
      { store, clock: fixedClock(new Date(Date.UTC(2027, 5, 1))), artifacts: folderArtifactStore() },
      { outDir: later },
    );
    expect(await readFile(join(later, 'report.html'), 'utf8')).toContain(
      'No VM left its perimeters in the last 90 days.',
    );
  });
});
