import { fixedClock } from '../../src/model/ports/clock';
import { describe, expect, it } from 'vitest';
import { runAudit } from '../../src/app/audit';
import { progressWanted } from '../../src/cli/command-progress';
import { colourWanted, outputWidth, severityPainter, terminalTableLayout } from '../../src/cli/terminal-style';
import { DEFAULT_RULES_DIR, loadRules } from '../../src/engine/load-rules';
import type { FleetEvent } from '../../src/model/event';
import { columnWidths, formatTable } from '../../src/report/formats/table';
import { MemoryStore } from '../../src/store/memory-store';

const tty = { isTTY: true, columns: 80 };
const pipe = { isTTY: false };

describe('severity colours follow no-color.org', () => {
  it('colours a terminal when NO_COLOR is unset or empty', () => {
    expect(colourWanted(tty, {})).toBe(true);
    expect(colourWanted(tty, { NO_COLOR: '' })).toBe(true);
  });

  it('never colours when NO_COLOR has any value, or when stdout is not a terminal', () => {
    expect(colourWanted(tty, { NO_COLOR: '1' })).toBe(false);
    expect(colourWanted(tty, { NO_COLOR: '0' })).toBe(false);
    expect(colourWanted(pipe, {})).toBe(false);
    expect(colourWanted({}, {})).toBe(false);
  });

  it('wraps a severity in its colour and a reset, or leaves it as is', () => {
    expect(severityPainter(true)('critical', 'critical')).toBe('\u001b[1;31mcritical\u001b[0m');
    expect(severityPainter(true)('medium', 'medium')).toBe('\u001b[33mmedium\u001b[0m');
    expect(severityPainter(false)('critical', 'critical')).toBe('critical');
  });
});

describe('table width', () => {
  it('is the terminal width on a TTY, 120 otherwise, and never absurdly narrow', () => {
    expect(outputWidth(tty)).toBe(80);
    expect(outputWidth(pipe)).toBe(120);
    expect(outputWidth({ isTTY: true })).toBe(120);
    expect(outputWidth({ isTTY: true, columns: 0 })).toBe(120);
    expect(outputWidth({ isTTY: true, columns: 20 })).toBe(60);
  });
});

describe('progress is drawn only for a person', () => {
  it('shows on a terminal stderr, not in a pipe or CI log, and never under --json', () => {
    expect(progressWanted({ isTTY: true })).toBe(true);
    expect(progressWanted({ isTTY: false })).toBe(false);
    expect(progressWanted({})).toBe(false);
    expect(progressWanted({ isTTY: true }, { json: true })).toBe(false);
  });
});

const t = (n: number) => new Date(Date.UTC(2026, 10, 1, 8, n)).toISOString();
const host = (n: number): FleetEvent => ({
  id: `h${n}`,
  time: t(n),
  type: 'host.upsert',
  host: {
    id: `host-${n}`,
    name: `fra-kvm-${String(n).padStart(2, '0')}.fra.example.com`,
    cluster: 'c-gen',
    hypervisor: { vendor: 'vmware', build: '22380479' },
    services: { 'TSM-SSH': { running: true } },
  },
});

describe('the audit table on a terminal', () => {
  const audit = async () => {
    const store = new MemoryStore();
    await store.putEvents([host(2), host(12)]);
    return runAudit({ store, clock: fixedClock('2026-11-05T00:00:00.000Z') }, { rules: loadRules(DEFAULT_RULES_DIR) });
  };

  it('fits every line into the terminal width and keeps host names apart', async () => {
    const result = await audit();
    for (const columns of [60, 80, 100, 200]) {
      const text = formatTable(result, terminalTableLayout({ isTTY: true, columns }, { NO_COLOR: '1' }));
      const lines = text.split('\n').slice(1, -1);
      for (const line of lines) expect([...line].length, `${columns}: ${line}`).toBeLessThanOrEqual(columns);
      // The shared domain goes first; at 60 columns the name keeps its distinguishing end.
      const [two, twelve] = columns >= 80 ? ['fra-kvm-02', 'fra-kvm-12'] : ['m-02', 'm-12'];
      expect(text).toContain(two);
      expect(text).toContain(twelve);
    }
  });

  it('colours severities only when asked, and a file gets the 120-column layout', async () => {
    const result = await audit();
    const coloured = formatTable(result, terminalTableLayout(tty, {}));
    expect(coloured).toContain('\u001b[31mhigh\u001b[0m');
    const plain = formatTable(result);
    expect(plain).not.toContain('\u001b[');
    for (const line of plain.split('\n').slice(1, -1)) expect([...line].length).toBeLessThanOrEqual(120);
  });
});

describe('column widths', () => {
  it('always add up to the width asked for, from 60 columns up', () => {
    for (let width = 60; width <= 240; width += 7) {
      const sum = columnWidths(width, { rule: 40, resource: 80 }).reduce((a, b) => a + b, 0) + 6;
      expect(sum, String(width)).toBeLessThanOrEqual(width);
    }
  });

  it('give room short rule ids do not use to long resource names', () => {
    const [, , rule, resource] = columnWidths(100, { rule: 8, resource: 60 });
    const [, , ruleDefault, resourceDefault] = columnWidths(100);
    expect(rule).toBe(10);
    expect(resource).toBeGreaterThan(resourceDefault);
    expect(rule + resource).toBeLessThanOrEqual(ruleDefault + resourceDefault + 10);
  });
});
