import { describe, expect, it } from 'vitest';
import { contextsOf, indexFleet } from '../../src/engine/fleet-index';
import type { ResourceType } from '../../src/model/finding';
import { generateFleet } from '../support/generated-fleet';

const TYPES: ResourceType[] = ['host', 'vm', 'cluster', 'perimeter'];

describe('Function: contextsOf', () => {
  const index = indexFleet(generateFleet({ hosts: 6, vmsPerHost: 3 }), undefined, '2026-12-01T00:00:00.000Z');

  // The evaluation, optimised on the first type's contexts, serves the next types only if they are objects of the
  // same keys in the same order (compile.ts, `evaluatePlan`): a type built with its own keys was a deoptimisation.
  it('gives contexts of every resource type the same own keys, in the same order', () => {
    const keysByType = TYPES.map((type) => {
      const contexts = contextsOf(index, type);
      expect(contexts.length).toBeGreaterThan(0);
      return [...new Set(contexts.map((ctx) => Object.keys(ctx).join(',')))];
    });
    expect(new Set(keysByType.flat()).size).toBe(1);
  });

  it('gives each context its type, id and what its type reads, the fields other types read undefined', () => {
    const [host] = contextsOf(index, 'host');
    const [vm] = contextsOf(index, 'vm');
    const [cluster] = contextsOf(index, 'cluster');
    expect(host).toMatchObject({ type: 'host', vm: undefined, hosts: undefined });
    expect(host!.type === 'host' && host!.host.id).toBe(host!.id);
    expect(vm!.type === 'vm' && vm!.vm.id).toBe(vm!.id);
    expect(vm).toMatchObject({ type: 'vm', vms: undefined, hosts: undefined });
    expect(cluster!.type === 'cluster' && cluster!.hosts.length).toBeGreaterThan(0);
    expect(cluster).toMatchObject({ type: 'cluster', host: undefined, vm: undefined, vms: undefined });
  });
});
