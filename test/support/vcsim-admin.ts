import { readFileSync } from 'node:fs';
import { retrieveAll, type ObjectContent } from '../../src/sources/vsphere/property-collector';
import { SoapClient } from '../../src/sources/vsphere/soap-client';
import {
  child,
  childText,
  children,
  el,
  escapeXml,
  moRef,
  moRefXml,
  text,
  type MoRef,
} from '../../src/sources/vsphere/xml';
import type { Vcsim } from './vcsim';

/**
 * Changes the simulated vCenter through the vim25 API, as an administrator would (clone, relocate,
 * reconfigure, advanced options, power), for tests that then collect and audit.
 */
export class VcsimAdmin {
  private constructor(readonly client: SoapClient) {}

  static async connect(vc: Vcsim): Promise<VcsimAdmin> {
    const client = new SoapClient({ url: vc.url, ca: readFileSync(vc.certFile, 'utf8') });
    await client.login(vc.username, vc.password);
    return new VcsimAdmin(client);
  }

  async objects(type: string, paths: string[]): Promise<ObjectContent[]> {
    const out: ObjectContent[] = [];
    for await (const page of retrieveAll(
      this.client,
      { viewTypes: [type], specs: [{ type, paths }], pageSize: 1000 },
      { pages: 0, droppedPaths: [] },
    ))
      out.push(...page);
    return out;
  }

  async byName(type: string, name: string, paths: string[] = []): Promise<ObjectContent> {
    const found = (await this.objects(type, ['name', ...paths])).find((o) => text(o.props.get('name')) === name);
    if (!found) throw new Error(`no ${type} named ${name}`);
    return found;
  }

  async waitTask(task: MoRef): Promise<void> {
    for (let i = 0; i < 600; i++) {
      const res = await this.client.call(
        'RetrievePropertiesEx',
        moRefXml('_this', this.client.content!.propertyCollector) +
          `<specSet><propSet>${el('type', 'Task')}${el('pathSet', 'info')}</propSet><objectSet>${moRefXml('obj', task)}</objectSet></specSet><options/>`,
      );
      const info = child(children(child(res, 'returnval'), 'objects')[0], 'propSet');
      const state = childText(child(info, 'val'), 'state');
      if (state === 'success') return;
      if (state === 'error')
        throw new Error(
          `task ${task.value} failed: ${JSON.stringify(child(child(info, 'val'), 'error')).slice(0, 300)}`,
        );
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`task ${task.value} did not finish`);
  }

  private async task(method: string, args: string): Promise<void> {
    const res = await this.client.call(method, args);
    await this.waitTask(moRef(child(res, 'returnval'))!);
  }

  /** Clones `vm` onto `host` (its cluster's root pool), in the source's folder. */
  async clone(vm: ObjectContent, name: string, host: ObjectContent, pool: MoRef): Promise<void> {
    const folder = moRef(vm.props.get('parent'))!;
    await this.task(
      'CloneVM_Task',
      moRefXml('_this', vm.obj) +
        moRefXml('folder', folder) +
        el('name', name) +
        `<spec><location>${moRefXml('pool', pool)}${moRefXml('host', host.obj)}</location>${el('template', false)}${el('powerOn', false)}</spec>`,
    );
  }

  async relocate(vm: ObjectContent, host: ObjectContent, pool: MoRef): Promise<void> {
    await this.task(
      'RelocateVM_Task',
      `${moRefXml('_this', vm.obj)}<spec>${moRefXml('pool', pool)}${moRefXml('host', host.obj)}</spec>`,
    );
  }

  async setExtraConfig(vm: ObjectContent, key: string, value: string): Promise<void> {
    await this.task(
      'ReconfigVM_Task',
      moRefXml('_this', vm.obj) +
        `<spec><extraConfig>${el('key', key)}<value xsi:type="xsd:string">${escapeXml(value)}</value></extraConfig></spec>`,
    );
  }

  async setHostOption(host: ObjectContent, key: string, value: number): Promise<void> {
    const mgr = moRef(host.props.get('configManager.advancedOption'))!;
    await this.client.call(
      'UpdateOptions',
      moRefXml('_this', mgr) +
        `<changedValue>${el('key', key)}<value xsi:type="xsd:long">${value}</value></changedValue>`,
    );
  }

  async destroy(vm: ObjectContent): Promise<void> {
    await this.powerOff(vm);
    await this.task('Destroy_Task', moRefXml('_this', vm.obj));
  }

  async snapshot(vm: ObjectContent, name: string): Promise<void> {
    await this.task(
      'CreateSnapshot_Task',
      moRefXml('_this', vm.obj) + el('name', name) + el('memory', false) + el('quiesce', false),
    );
  }

  async powerOff(vm: ObjectContent): Promise<void> {
    await this.task('PowerOffVM_Task', moRefXml('_this', vm.obj));
  }

  /**
   * Logs the DrsVmMigratedEvent vCenter logs after DRS vMotions a VM, through the EventManager's PostEvent: vcsim
   * moves a VM on RelocateVM_Task but logs no migration event of its own (and its VmMigratedEvent message template
   * is malformed: posting one stops vcsim 0.24).
   */
  async postDrsVmMigrated(
    vm: ObjectContent,
    from: ObjectContent,
    to: ObjectContent,
    cluster: ObjectContent,
    datacenter: ObjectContent,
  ): Promise<void> {
    const arg = (tag: string, inner: string, o: ObjectContent) =>
      `<${tag}>${el('name', text(o.props.get('name')) ?? o.obj.value)}${moRefXml(inner, o.obj)}</${tag}>`;
    await this.client.call(
      'PostEvent',
      moRefXml('_this', this.client.content!.eventManager) +
        '<eventToPost xsi:type="DrsVmMigratedEvent">' +
        el('key', 0) +
        el('chainId', 0) +
        el('createdTime', new Date().toISOString()) +
        el('userName', '') +
        arg('datacenter', 'datacenter', datacenter) +
        arg('computeResource', 'computeResource', cluster) +
        arg('host', 'host', to) +
        arg('vm', 'vm', vm) +
        el('template', false) +
        arg('sourceHost', 'host', from) +
        '</eventToPost>',
    );
  }

  async rootPool(clusterName: string): Promise<MoRef> {
    const cluster = await this.byName('ClusterComputeResource', clusterName, ['resourcePool']);
    return moRef(cluster.props.get('resourcePool'))!;
  }

  /** Ends every session but this one: what a vCenter does to an idle or revoked session. */
  async terminateOtherSessions(): Promise<number> {
    const mgr = this.client.content!.sessionManager;
    const res = await this.client.call(
      'RetrievePropertiesEx',
      moRefXml('_this', this.client.content!.propertyCollector) +
        `<specSet><propSet>${el('type', 'SessionManager')}${el('pathSet', 'sessionList')}${el('pathSet', 'currentSession')}</propSet><objectSet>${moRefXml('obj', mgr)}</objectSet></specSet><options/>`,
    );
    const props = children(children(child(res, 'returnval'), 'objects')[0], 'propSet');
    const val = (n: string) =>
      child(
        props.find((p) => childText(p, 'name') === n),
        'val',
      );
    const mine = childText(val('currentSession'), 'key');
    const others = children(val('sessionList'), 'UserSession')
      .map((s) => childText(s, 'key'))
      .filter((k): k is string => k !== undefined && k !== mine);
    if (others.length > 0)
      await this.client.call(
        'TerminateSession',
        moRefXml('_this', mgr) + others.map((k) => el('sessionId', k)).join(''),
      );
    return others.length;
  }

  async close(): Promise<void> {
    await this.client.logout();
  }
}
