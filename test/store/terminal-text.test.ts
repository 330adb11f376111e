import { describe, expect, it } from 'vitest';
import { terminalSafe } from '../../src/cli/terminal-text';

describe('terminalSafe', () => {
  it('shows escape sequences and control characters instead of letting the terminal run them', () => {
    expect(terminalSafe('web\u001b[2J\rvm\u0007\u009b')).toBe('web\\x1b[2J\\x0dvm\\x07\\x9b');
  });

  it('shows bidi overrides so a name cannot display as another', () => {
    expect(terminalSafe('vm-\u202egnp.exe')).toBe('vm-\\u{202e}gnp.exe');
  });

  it('leaves ordinary text, including non-Latin names, as it is', () => {
    expect(terminalSafe('prod-db-01 数据库 <b>')).toBe('prod-db-01 数据库 <b>');
    expect(terminalSafe(undefined)).toBe('');
  });
});
