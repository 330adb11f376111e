import { describe, expect, it } from 'vitest';
import { capacityAfterLosing, toleratedHostFailures } from '../../src/model/failover-capacity';

describe('failover capacity (the N+1 definition)', () => {
  it('takes the largest hosts as the worst failures', () => {
    expect(capacityAfterLosing([128, 512, 128], 1)).toBe(256);
    expect(capacityAfterLosing([128, 512, 128], 2)).toBe(128);
  });

  it('counts the failures every dimension survives, and never all hosts', () => {
    const dims = (demand: number) => [{ capacities: [100, 100, 100, 100], demand }];
    expect(toleratedHostFailures(4, dims(200))).toBe(2);
    expect(toleratedHostFailures(4, dims(301))).toBe(0);
    expect(toleratedHostFailures(4, dims(0))).toBe(3);
    expect(
      toleratedHostFailures(4, [
        { capacities: [100, 100, 100, 100], demand: 100 },
        { capacities: [10, 10, 10, 10], demand: 25 },
      ]),
    ).toBe(1);
  });

  it('does not let a dimension no host reports limit the count', () => {
    expect(toleratedHostFailures(3, [{ capacities: [], demand: 1e9 }])).toBe(2);
  });
});
