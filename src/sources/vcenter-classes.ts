import type { MigrationKind } from '../model/event';

/**
 * What each vCenter event class means for inventory. Classes not listed here are valid vCenter events that
 * change nothing hyperaudit tracks (logins, alarms, tasks, "being migrated" phases): they are counted as
 * ignored with the class name as the reason.
 */
export type VcenterAction =
  | { kind: 'vm.upsert' }
  | { kind: 'vm.deployed' }
  | { kind: 'vm.clone' }
  | { kind: 'vm.migrate'; migration: MigrationKind }
  | { kind: 'vm.remove' }
  | { kind: 'vm.power_on' }
  | { kind: 'vm.power_off' }
  | { kind: 'vm.suspended' }
  | { kind: 'vm.reconfigured' }
  | { kind: 'vm.renamed' }
  | { kind: 'host.upsert' }
  | { kind: 'host.remove' }
  | { kind: 'host.connected' }
  | { kind: 'host.connection_lost' }
  | { kind: 'host.failed' }
  | { kind: 'host.maintenance_enter' }
  | { kind: 'host.maintenance_exit' };

const act = (kind: Exclude<VcenterAction['kind'], 'vm.migrate'>) => ({ kind }) as VcenterAction;

/** Keys are lower-cased class names (EventEx ids keep their dotted form). */
const TABLE: Record<string, VcenterAction> = {
  vmcreatedevent: act('vm.upsert'),
  vmregisteredevent: act('vm.upsert'),
  vmdiscoveredevent: act('vm.upsert'),
  vmdeployedevent: act('vm.deployed'),
  vmclonedevent: act('vm.clone'),
  // VmMigratedEvent is logged after a vMotion of a running VM as well as a cold move; vMotion is the common case.
  vmmigratedevent: { kind: 'vm.migrate', migration: 'live' },
  drsvmmigratedevent: { kind: 'vm.migrate', migration: 'drs' },
  vmrelocatedevent: { kind: 'vm.migrate', migration: 'cold' },
  vmrestartedonalternatehostevent: { kind: 'vm.migrate', migration: 'ha' },
  'com.vmware.vc.ha.vmrestartedbyhaevent': { kind: 'vm.migrate', migration: 'ha' },
  vmremovedevent: act('vm.remove'),
  vmpoweredonevent: act('vm.power_on'),
  drsvmpoweredonevent: act('vm.power_on'),
  vmpoweredoffevent: act('vm.power_off'),
  vmsuspendedevent: act('vm.suspended'),
  vmreconfiguredevent: act('vm.reconfigured'),
  vmrenamedevent: act('vm.renamed'),
  hostaddedevent: act('host.upsert'),
  hostremovedevent: act('host.remove'),
  hostconnectedevent: act('host.connected'),
  hostreconnectedevent: act('host.connected'),
  hostconnectionlostevent: act('host.connection_lost'),
  hostdisconnectedevent: act('host.connection_lost'),
  hostnotrespondingevent: act('host.connection_lost'),
  dashostfailedevent: act('host.failed'),
  enteredmaintenancemodeevent: act('host.maintenance_enter'),
  exitmaintenancemodeevent: act('host.maintenance_exit'),
};

/** Why a listed-but-unmapped class is ignored, where the class name alone would not tell a reader. */
const IGNORE_NOTES: Record<string, string> = {
  vmfailoverfailed: 'HA could not restart the VM; its placement is unchanged',
  vmbeingmigratedevent: 'migration phase; the move is taken from VmMigratedEvent',
  vmbeinghotmigratedevent: 'migration phase; the move is taken from VmMigratedEvent',
  vmemigratingevent: 'migration phase; the move is taken from VmMigratedEvent',
  vmbeingrelocatedevent: 'relocation phase; the move is taken from VmRelocatedEvent',
  vmbeingclonedevent: 'clone phase; the clone is taken from VmClonedEvent',
  vmbeingcreatedevent: 'creation phase; the VM is taken from VmCreatedEvent',
  vmbeingdeployedevent: 'deploy phase; the VM is taken from VmDeployedEvent',
  enteringmaintenancemodeevent: 'maintenance phase; taken from EnteredMaintenanceModeEvent',
  vmstartingevent: 'power phase; taken from VmPoweredOnEvent',
  vmstoppingevent: 'power phase; taken from VmPoweredOffEvent',
};

export function vcenterAction(className: string): VcenterAction | undefined {
  return TABLE[className.toLowerCase()];
}

export function ignoreReason(className: string): string {
  const note = IGNORE_NOTES[className.toLowerCase()] ?? IGNORE_NOTES[className.toLowerCase().replace(/event$/, '')];
  return note ? `${className} (${note})` : className;
}
