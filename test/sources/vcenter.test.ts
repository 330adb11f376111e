import { describe, expect, it } from 'vitest';
import { cloudEventFromBinary, normaliseRecord } from '../../src/sources/index';
import { collect, eventsOf, fixture, fleetOf, ignoredOf, only, rejectedOf } from './helpers';

describe('vCenter normaliser', () => {
  it('reads VEBA router-style CloudEvents: class from subject, id from vCenter identity + Key + ChainId, time from CreatedTime', async () => {
    const out = await collect([fixture('vcenter/veba_go_pagerduty-trigger_valid-event.json')]);
    expect(out).toHaveLength(1);
    const [e] = eventsOf(out);
    expect(e).toEqual({
      id: 'vcenter:https://veba.yourdomain.com/sdk:22273:22272:vm.upsert',
      time: '2020-09-15T21:03:03.183048Z',
      type: 'vm.upsert',
      source: 'vcenter',
      vm: {
        id: 'vm-1047',
        name: 'core-A',
        hostId: 'host-1009',
        cluster: 'RegionA01-COMP01',
        datacenter: 'RegionA01',
        settings: { 'mem.hotadd': false },
      },
    });
  });

  it('reads com.vmware.vsphere.<Class>.v0 CloudEvents, DrsVmPoweredOn included', async () => {
    const out = await collect([
      fixture('vcenter/veba_knative_python_kn-py-echo_testevent.json'),
      fixture('vcenter/veba_knative_python_kn-py-vm-attr_testevent.json'),
    ]);
    expect(eventsOf(out).map((e) => [e.type, 'vm' in e ? e.vm.id : undefined])).toEqual([
      ['vm.power_off', 'vm-56'],
      ['vm.power_on', 'vm-596'],
    ]);
  });

  it('maps govmomi camelCase events: vMotion, DRS, HA restart with host moves, failures and maintenance', async () => {
    const out = await collect([fixture('vcenter/govmomi-events.ndjson')]);
    const events = eventsOf(out);
    expect(only(events, 'vm.migrate').map((e) => e.migrate)).toEqual([
      {
        vmId: 'vm-43',
        fromHostId: 'host-21',
        toHostId: 'host-22',
        fromDatastore: 'ds-a',
        toDatastore: 'ds-b',
        toCluster: 'Cluster-A',
        toDatacenter: 'DC1',
        kind: 'live',
      },
      {
        vmId: 'vm-43',
        fromHostId: 'host-22',
        toHostId: 'host-23',
        toCluster: 'Cluster-A',
        toDatacenter: 'DC1',
        kind: 'drs',
      },
      { vmId: 'vm-43', fromHostId: 'host-23', toHostId: 'host-21', toCluster: 'Cluster-A', kind: 'ha' },
      {
        vmId: 'vm-44',
        fromHostId: 'host-22',
        toHostId: 'host-21',
        fromDatastore: 'ds-b',
        toDatastore: 'ds-a',
        kind: 'cold',
      },
    ]);
    expect(only(events, 'host.connection_lost').map((e) => [e.id, e.host.id])).toEqual([
      ['vcenter:830:830:host.connection_lost', 'host-23'],
      ['vcenter:831:831:host.connection_lost', 'host-23'],
    ]);
    expect(events.filter((e) => e.type.startsWith('host.maintenance')).map((e) => e.type)).toEqual([
      'host.maintenance_enter',
      'host.maintenance_exit',
    ]);
    expect(ignoredOf(out).map((o) => o.reason)).toEqual([
      'VmFailoverFailed (HA could not restart the VM; its placement is unchanged)',
    ]);
    const fleet = fleetOf(events);
    expect(fleet.vms.get('vm-43')?.hostId).toBe('host-21');
    expect(fleet.vms.get('vm-43')?.movements.map((m) => m.kind)).toEqual(['live', 'drs', 'ha']);
  });

  it('follows a host through add, connect and remove, and a clone with its source VM, from VEBA CloudEvents', async () => {
    const events = eventsOf(await collect([fixture('vcenter/veba-host-lifecycle.ndjson')]));
    expect(events.map((e) => e.type)).toEqual([
      'host.upsert',
      'host.connected',
      'vm.clone',
      'vm.upsert',
      'host.remove',
    ]);
    const clone = only(events, 'vm.clone')[0]!;
    expect(clone.clone).toEqual({
      sourceVmId: 'vm-43',
      vm: { id: 'vm-90', name: 'web01-clone', hostId: 'host-24', cluster: 'Cluster-A', datacenter: 'DC1' },
    });
    expect(only(events, 'vm.upsert')[0]!.vm).toEqual({ id: 'vm-90', name: 'web02' });
    const fleet = fleetOf(events);
    expect(fleet.hosts.has('host-24')).toBe(false);
    expect(fleet.vms.get('vm-90')).toMatchObject({ name: 'web02', clonedFrom: 'vm-43' });
  });

  it('replays the vcsim session so ids line up: created, reconfigured, powered off/on, cloned from vm-63', async () => {
    const out = await collect([fixture('vcenter/vcsim/events')]);
    expect(rejectedOf(out)).toEqual([]);
    const events = eventsOf(out);
    expect(events.map((e) => e.id)).toContain('vcenter:37:37:vm.clone');
    const fleet = fleetOf(events);
    expect([...fleet.vms.keys()].sort()).toEqual(['vm-57', 'vm-60', 'vm-63', 'vm-66', 'vm-73', 'vm-76']);
    expect(fleet.vms.get('vm-57')).toMatchObject({
      vcpus: 2,
      memoryMiB: 64,
      hostId: 'host-21',
      powerState: 'poweredOn',
    });
    expect(fleet.vms.get('vm-63')?.powerState).toBe('poweredOn');
    expect(fleet.vms.get('vm-73')).toMatchObject({ clonedFrom: 'vm-63', hostId: 'host-42', cluster: 'DC0_C0' });
    expect(ignoredOf(out).map((o) => o.reason)).toContain('UserLoginSessionEvent');
  });

  it('reads the vcsim inventory dump with host MoRefs resolved from host names, at the given snapshot time', () => {
    const value = {
      hosts: [
        {
          Moref: 'host-42',
          Name: 'DC0_C0_H1',
          Parent: 'DC0_C0',
          ParentType: 'ClusterComputeResource',
          Product: 'VMware ESXi 6.5.0 build-5969303',
          NumCpuPkgs: 2,
          NumCpuCores: 4,
          NumCpuThreads: 8,
          CpuMhz: 2294,
          MemorySize: 4294967296,
          ConnectionState: 'connected',
          InMaintenanceMode: false,
        },
      ],
      virtualMachines: [
        {
          Moref: 'vm-63',
          Name: 'DC0_C0_RP0_VM0',
          Host: 'DC0_C0_H1',
          PowerState: 'poweredOn',
          NumCPU: 1,
          MemoryMB: 32,
          Datastores: ['LocalDS_0'],
          Networks: ['DC0_DVPG0'],
        },
      ],
    };
    const out = normaliseRecord(value, { file: 'inventory.json' }, { snapshotTime: '2026-01-01T00:00:00Z' });
    expect(out.map((o) => (o.kind === 'event' ? o.event : o))).toEqual([
      expect.objectContaining({
        type: 'host.upsert',
        time: '2026-01-01T00:00:00Z',
        host: {
          id: 'host-42',
          name: 'DC0_C0_H1',
          cluster: 'DC0_C0',
          hypervisor: { vendor: 'vmware', version: '6.5.0', build: '5969303' },
          cpu: { sockets: 2, coresPerSocket: 2, threadsPerCore: 2, mhz: 2294 },
          memoryMiB: 4096,
          connectionState: 'connected',
          maintenanceMode: false,
        },
      }),
      expect.objectContaining({
        type: 'vm.upsert',
        vm: {
          id: 'vm-63',
          name: 'DC0_C0_RP0_VM0',
          hostId: 'host-42',
          powerState: 'poweredOn',
          vcpus: 1,
          memoryMiB: 32,
          datastore: 'LocalDS_0',
          nics: [{ network: 'DC0_DVPG0' }],
        },
      }),
    ]);
    const noTime = normaliseRecord(value, { file: 'inventory.json' });
    expect(noTime).toEqual([expect.objectContaining({ kind: 'rejected', field: 'time' })]);
  });

  it('reads PowerCLI exports with EventType and offsets in CreatedTime, rejecting a non-string MoRef by field', async () => {
    const out = await collect([fixture('vcenter/powercli-vm-created.json')]);
    expect(out.map((o) => o.kind)).toEqual(['event', 'rejected', 'event']);
    expect(rejectedOf(out)[0]).toMatchObject({ record: 'record 2', field: 'Vm.Vm.Value', source: 'vcenter' });
    const reconfigured = only(eventsOf(out), 'vm.upsert')[1]!;
    expect(reconfigured.time).toBe('2024-06-01T07:32:00+02:00');
    expect(reconfigured.vm).toEqual({
      id: 'vm-107',
      name: 'app07',
      hostId: 'host-21',
      vcpus: 4,
      memoryMiB: 8192,
      settings: { 'isolation.tools.copy.disable': 'TRUE' },
    });
  });

  it('reads `govc events -json -l` records, naming the object MoRef, and says how to capture records without a type', async () => {
    const out = await collect([fixture('vcenter/govc-events-long.ndjson')]);
    expect(out.map((o) => (o.kind === 'event' ? `${o.event.type} ${o.event.id}` : `${o.kind}`))).toEqual([
      'vm.power_off vcenter:2001:vm.power_off',
      'vm.power_on vcenter:2005:vm.power_on',
      'ignored',
      'rejected',
    ]);
    expect(rejectedOf(out)[0]).toMatchObject({
      record: 'line 4',
      field: 'type',
      reason: expect.stringContaining('govc events -json -l'),
    });
  });

  it('turns VmDeployedEvent with a template into a clone of the template', () => {
    const [o] = normaliseRecord(
      {
        specversion: '1.0',
        id: 'x1',
        source: 'https://vc/sdk',
        type: 'com.vmware.vsphere.VmDeployedEvent.v0',
        time: '2024-01-01T00:00:01Z',
        data: {
          Key: 5,
          ChainId: 4,
          CreatedTime: '2024-01-01T00:00:00Z',
          Vm: { Name: 'new', Vm: { Type: 'VirtualMachine', Value: 'vm-500' } },
          Host: { Name: 'esx', Host: { Type: 'HostSystem', Value: 'host-9' } },
          SrcTemplate: { Name: 'tpl', Vm: { Type: 'VirtualMachine', Value: 'vm-7' } },
        },
      },
      { file: 'http' },
    );
    expect(o).toMatchObject({
      kind: 'event',
      event: {
        type: 'vm.clone',
        id: 'vcenter:https://vc/sdk:5:4:vm.clone',
        clone: { sourceVmId: 'vm-7', vm: { id: 'vm-500', hostId: 'host-9' } },
      },
    });
  });

  it('accepts CloudEvents in binary mode from ce-* headers and the data body', () => {
    const headers = {
      'ce-specversion': '1.0',
      'ce-id': 'abc',
      'ce-source': 'https://vc02/sdk',
      'ce-type': 'com.vmware.vsphere.VmRemovedEvent.v0',
      'ce-time': '2024-02-02T00:00:00Z',
      'content-type': 'application/json',
      'ce-__proto__': 'x',
    };
    const body = JSON.stringify({
      Key: 77,
      ChainId: 70,
      CreatedTime: '2024-02-01T23:59:59Z',
      Vm: { Name: 'old', Vm: { Type: 'VirtualMachine', Value: 'vm-12' } },
    });
    const [o] = normaliseRecord(cloudEventFromBinary(headers, body), { file: 'http' });
    expect(o).toMatchObject({
      kind: 'event',
      event: {
        type: 'vm.remove',
        id: 'vcenter:https://vc02/sdk:77:70:vm.remove',
        time: '2024-02-01T23:59:59Z',
        vm: { id: 'vm-12' },
      },
    });
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('unwraps VEBA events delivered through EventBridge and rejects EventBridge events of other services', () => {
    const inner = {
      Key: 1,
      ChainId: 1,
      CreatedTime: '2024-03-03T00:00:00Z',
      Host: { Name: 'esx9', Host: { Type: 'HostSystem', Value: 'host-9' } },
    };
    const [ok] = normaliseRecord(
      {
        version: '0',
        id: 'eb-1',
        'detail-type': 'HostConnectionLostEvent',
        source: 'https://vc/sdk',
        time: '2024-03-03T00:00:01Z',
        detail: inner,
      },
      { file: 'sqs' },
      { source: 'vcenter' },
    );
    expect(ok).toMatchObject({ kind: 'event', event: { type: 'host.connection_lost', host: { id: 'host-9' } } });
    const [ec2] = normaliseRecord(
      {
        version: '0',
        id: 'eb-2',
        'detail-type': 'EC2 Instance State-change Notification',
        source: 'aws.ec2',
        detail: { state: 'terminated' },
      },
      { file: 'sqs' },
    );
    expect(ec2).toMatchObject({
      kind: 'rejected',
      reason: expect.stringContaining('EC2 Instance State-change Notification'),
    });
  });

  it('rejects events without a usable class, time or MoRef, naming the field', async () => {
    const out = await collect([
      fixture('vcenter/veba_go_tagging_eventErr1.json'),
      fixture('vcenter/vminfo-invalid-type-name-value.json'),
    ]);
    expect(rejectedOf(out).map((o) => o.field)).toEqual(['data.type', 'extraConfig.0.value._value']);
    const noTime = normaliseRecord(
      {
        specversion: '1.0',
        type: 'com.vmware.vsphere.VmPoweredOnEvent.v0',
        id: 'i',
        data: { Key: 1, CreatedTime: 'last tuesday', Vm: { Vm: { Value: 'vm-1' } } },
      },
      { file: 'f' },
    );
    expect(noTime).toEqual([expect.objectContaining({ kind: 'rejected', field: 'data.CreatedTime' })]);
    const noVm = normaliseRecord(
      {
        specversion: '1.0',
        type: 'com.vmware.vsphere.VmPoweredOnEvent.v0',
        id: 'i',
        time: '2024-01-01T00:00:00Z',
        data: { Key: 1 },
      },
      { file: 'f' },
    );
    expect(noVm).toEqual([expect.objectContaining({ kind: 'rejected', field: 'data.Vm' })]);
  });
});
