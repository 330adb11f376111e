import { describe, expect, it } from 'vitest';
import { describeRefusal } from '../../src/plan/refusal';

describe('refusal codes and their words', () => {
  it('renders each code with its figures as the plan has always printed it', () => {
    expect(describeRefusal({ code: 'trust', level: 2, others: [1, 3] })).toBe('trust level 2 next to 1, 3');
    expect(describeRefusal({ code: 'replica' })).toBe('a replica of the same app and role is there');
    expect(describeRefusal({ code: 'vendor', from: 'vmware', to: 'kvm' })).toBe('no live migration from vmware to kvm');
    expect(describeRefusal({ code: 'vcpu-ratio', limit: 4 })).toBe('vCPU:core would exceed 4');
    expect(describeRefusal({ code: 'n-plus-one', cluster: 'c1' })).toBe('cluster c1 would lose N+1');
    expect(describeRefusal({ code: 'crosses-perimeter' })).toBe('would cross a perimeter boundary');
  });
});
