import { describe, expect, it } from 'vitest';
import type { VmContext } from '../../src/engine/fleet-index';
import { vmSettingFacts } from '../../src/engine/facts/settings';

const settingReported = vmSettingFacts.find((f) => f.id === 'settingReported')!;

/** A VM context carrying only the settings (all a setting lookup reads). */
function vmWith(settings: Record<string, string>): VmContext {
  return { type: 'vm', vm: { settings } } as unknown as VmContext;
}

function reported(settings: Record<string, string>, key: string): unknown {
  return settingReported.compute(vmWith(settings), { key });
}

describe('Setting lookup: a few keys walked, many keys mapped, the same answer', () => {
  it('finds a key whose lower case is longer than it (İ lowers to i + U+0307) among a few keys as among many', () => {
    // 'KEY.İ' lower-cases to 'key.i\u0307' (6 code units from 5): a walk that skips keys of another length misses it.
    const few = { 'KEY.İ': 'TRUE' };
    const many: Record<string, string> = { ...few };
    for (let i = 0; i < 40; i++) many[`guestinfo.key${i}`] = String(i);
    for (const key of ['key.İ', 'key.i\u0307']) {
      expect(reported(many, key)).toBe(true);
      expect(reported(few, key)).toBe(true);
    }
    expect(reported(few, 'key.i')).toBe(false);
    expect(reported(many, 'key.i')).toBe(false);
  });
});
