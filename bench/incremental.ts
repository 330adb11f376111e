/**
 * `npx tsx bench/incremental.ts [clusters] [--json]`: what one stream batch costs the evaluate function when it reads
 * through the cluster index (issue 17). Builds a table of `clusters` full-size clusters (96 hosts, 1,920 VMs each,
 * default 2) in a local dynalite, compacts it (which places every entity in the index) and audits it, then evaluates
 * a batch changing one VM in each cluster, and a batch changing a single VM, counting DynamoDB requests by operation
 * and estimating the capacity units they consume (from the bytes each request read or wrote, at DynamoDB's rounding:
 * 4 KB per read unit, halved for eventually consistent index Queries, 1 KB per write unit, plus the index's copy of
 * the keys and `z` for items in the index). Then it audits the whole table at the same instant and checks that the changed VMs' findings are the same.
 * `--json` ends the output with one JSON line, which `bench/scale` reads.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { runAudit } from '../src/app/audit';
import { evaluateChanges } from '../src/app/evaluate-changes';
import { loadRules } from '../src/engine/load-rules';
import type { FleetEvent } from '../src/model/event';
import type { Finding } from '../src/model/finding';
import { eventKey } from '../src/store/items';
import { startLocalServer } from '../src/store/local-server';
import { openDynamoStore } from '../src/store/open-store';
import { streamInsert } from '../test/functions/helpers/aws-events';
import { fleetEvents, generateFleet } from '../test/support/generated-fleet';
import { fixedClock } from '../src/model/ports/clock';

const args = process.argv.slice(2);
const JSON_OUT = args.includes('--json');
const CLUSTERS = Number(args.find((a) => !a.startsWith('--')) ?? 2);
const HOSTS_PER_CLUSTER = 96;
const T0 = '2026-11-20T12:00:00.000Z';
const NOW = '2026-11-21T10:00:00.000Z';
const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const say = (line: string) => process.stderr.write(`${line}\n`);

interface Tally {
  requests: Map<string, number>;
  /** Read units by what was read: the cluster index, unverified pages, the rest of the table. */
  readBy: Map<string, number>;
  readUnits: number;
  writeUnits: number;
}
const tally: Tally = { requests: new Map(), readBy: new Map(), readUnits: 0, writeUnits: 0 };
/** Bytes of marshalled items as DynamoDB counts them: a binary attribute by its length, not its JSON. */
const size = (v: unknown) =>
  v === undefined
    ? 0
    : Buffer.byteLength(JSON.stringify(v, (_k, x: unknown) => (x instanceof Uint8Array ? 'x'.repeat(x.length) : x)));
/** What the cluster index copies of an item: its keys and the projected attributes. */
const indexCopy = (item: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(item).filter(([k]) => ['pk', 'sk', 'gpk', 'gsk', 'z'].includes(k)));

function meter(client: DynamoDBClient): void {
  client.middlewareStack.add(
    (next, context) => async (a) => {
      const name = ((context as { commandName?: string }).commandName ?? '?').replace(/Command$/, '');
      tally.requests.set(name, (tally.requests.get(name) ?? 0) + 1);
      const input = (a as { input: Record<string, unknown> }).input;
      if (name === 'PutItem') {
        const item = input.Item as Record<string, unknown>;
        tally.writeUnits +=
          Math.ceil(size(item) / 1024) + (item.gpk !== undefined ? Math.ceil(size(indexCopy(item)) / 1024) : 0);
      } else if (name === 'BatchWriteItem') {
        for (const list of Object.values(input.RequestItems as Record<string, { PutRequest?: { Item: unknown } }[]>))
          for (const r of list) tally.writeUnits += Math.ceil(size(r.PutRequest?.Item) / 1024);
      }
      const out = await next(a);
      const output = out.output as { Items?: unknown[]; Item?: unknown; Responses?: unknown };
      const bytes = size(output.Items) + size(output.Item) + size(output.Responses);
      if (name !== 'PutItem' && name !== 'BatchWriteItem') {
        const units = Math.max(1, Math.ceil(bytes / 4096)) * (input.IndexName !== undefined ? 0.5 : 1);
        const pk = (input.ExpressionAttributeValues as Record<string, { S?: string }> | undefined)?.[':pk']?.S;
        const what =
          input.IndexName !== undefined
            ? 'cluster index'
            : pk?.startsWith('FINDINGS#UNVERIFIED')
              ? 'unverified pages'
              : 'table';
        tally.readUnits += units;
        tally.readBy.set(what, (tally.readBy.get(what) ?? 0) + units);
      }
      return out;
    },
    { step: 'initialize', name: 'benchMeter' },
  );
}
const reset = () => {
  tally.requests.clear();
  tally.readBy.clear();
  tally.readUnits = 0;
  tally.writeUnits = 0;
};
const requestTotal = () => [...tally.requests.values()].reduce((a, b) => a + b, 0);

const server = await startLocalServer({ mode: 'child' });
const store = await openDynamoStore({ endpoint: server.endpoint });
meter((store as unknown as { options: { client: DynamoDBClient } }).options.client);
const rules = loadRules(undefined, { profile: 'scg' });
try {
  const fleet = generateFleet({ hosts: CLUSTERS * HOSTS_PER_CLUSTER, vmsPerHost: 20, hostsPerCluster: 96, seed: 17 });
  const events = fleetEvents(fleet, T0);
  const t = performance.now();
  for (let i = 0; i < events.length; i += 500) await store.putEvents(events.slice(i, i + 500));
  await store.compact();
  await runAudit({ store, clock: fixedClock(T0) }, { rules, full: true });
  say(
    `table: ${fmt(fleet.hosts.size)} hosts, ${fmt(fleet.vms.size)} VMs in ${CLUSTERS} clusters, ingested, compacted (cluster index built) and audited in ${fmt((performance.now() - t) / 1000, 1)} s`,
  );

  let sequence = 0;
  const evaluate = async (batch: FleetEvent[]) => {
    await store.putEvents(batch);
    reset();
    const result = await evaluateChanges(
      batch.map((e) => streamInsert(eventKey(e), sequence++)),
      { store, rules, clock: fixedClock(NOW) },
    );
    return {
      result,
      readBy: Object.fromEntries(tally.readBy),
      requests: requestTotal(),
      byOp: Object.fromEntries(tally.requests),
      readUnits: tally.readUnits,
      writeUnits: tally.writeUnits,
    };
  };
  // One VM per cluster, each drifting a setting: no two share a cluster, the costly case.
  const changed = Array.from({ length: CLUSTERS }, (_, c) => `vm-${c * HOSTS_PER_CLUSTER * 20 + 7}`);
  const batch = await evaluate(
    changed.map(
      (id, i) =>
        ({
          id: `bench-${i}`,
          time: '2026-11-21T09:00:00.000Z',
          type: 'vm.upsert',
          vm: { id, settings: { 'isolation.tools.copy.disable': 'FALSE' } },
        }) as FleetEvent,
    ),
  );
  const single = await evaluate([
    {
      id: 'bench-single',
      time: '2026-11-21T09:10:00.000Z',
      type: 'vm.upsert',
      vm: { id: 'vm-42', memoryMiB: 65536 },
    } as FleetEvent,
  ]);
  const perVm = batch.requests / changed.length;
  say(
    `stream batch changing ${changed.length} VMs in ${CLUSTERS} clusters (${batch.result.reads} reads): ${fmt(batch.requests)} requests ` +
      `(${Object.entries(batch.byOp)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}), ${fmt(perVm, 1)} per changed VM; ≈ ${fmt(batch.readUnits)} read units (${Object.entries(
        batch.readBy,
      )
        .map(([k, v]) => `${k} ${fmt(v)}`)
        .join(', ')}), ${fmt(batch.writeUnits)} write units`,
  );
  say(
    `batch changing 1 VM: ${fmt(single.requests)} requests (${Object.entries(single.byOp)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}); ≈ ${fmt(single.readUnits)} read units, ${fmt(single.writeUnits)} write units`,
  );

  // The same instant audited from the whole table: the changed VMs' findings must not move.
  const findingsOf = async (ids: string[]) =>
    (await Promise.all(ids.map((id) => store.listResourceFindings('vm', id))))
      .flat()
      .map((f: Finding) => JSON.stringify(f))
      .sort();
  const ids = [...changed, 'vm-42'];
  const before = await findingsOf(ids);
  await runAudit({ store, clock: fixedClock(NOW) }, { rules, full: true });
  const equalsFullAudit = JSON.stringify(before) === JSON.stringify(await findingsOf(ids));
  say(`changed VMs' findings equal a full audit's at the same instant: ${equalsFullAudit ? 'yes' : 'NO'}`);
  if (JSON_OUT)
    process.stdout.write(
      `${JSON.stringify({
        clusters: CLUSTERS,
        entities: fleet.hosts.size + fleet.vms.size,
        changedVms: changed.length,
        perVm,
        perVmByOp: Object.fromEntries(Object.entries(batch.byOp).map(([k, v]) => [k, v / changed.length])),
        batchRequests: batch.requests,
        batchReadUnits: batch.readUnits,
        batchWriteUnits: batch.writeUnits,
        perVmReadUnits: batch.readUnits / changed.length,
        perVmReadUnitsBy: Object.fromEntries(Object.entries(batch.readBy).map(([k, v]) => [k, v / changed.length])),
        perVmWriteUnits: batch.writeUnits / changed.length,
        singleVmRequests: single.requests,
        equalsFullAudit,
      })}\n`,
    );
} finally {
  store.close();
  await server.stop();
}
