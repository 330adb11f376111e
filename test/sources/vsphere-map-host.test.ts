import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mapHost } from '../../src/sources/vsphere/map-host';
import type { ObjectContent } from '../../src/sources/vsphere/property-collector';
import { buildTopology } from '../../src/sources/vsphere/topology';
import { child, childText, children, moRef, parseXml } from '../../src/sources/vsphere/xml';

/** The objects of a RetrievePropertiesExResponse, as the property collector module reads them. */
function objects(file: string): ObjectContent[] {
  const doc = parseXml(readFileSync(new URL(`../fixtures/sources/vsphere/${file}`, import.meta.url), 'utf8'));
  const rv = child(child(child(child(doc, 'Envelope'), 'Body'), 'RetrievePropertiesExResponse'), 'returnval');
  return children(rv, 'objects').map((o) => ({
    obj: moRef(child(o, 'obj'))!,
    props: new Map(children(o, 'propSet').map((p) => [childText(p, 'name')!, child(p, 'val')!])),
    missing: children(o, 'missingSet').map((m) => childText(m, 'path')!),
  }));
}

describe('vSphere host mapping for what vcsim does not report', () => {
  const [prod1, prod2] = objects('host-ntp-tpm.xml').map(
    (o) => mapHost(o, new Map(), buildTopology([]), (m) => `vc-uuid/${m}`, 'vc01').host,
  );

  it('reads NTP servers from config.dateTimeInfo.ntpConfig and secure boot + TPM from an accepted TPM attestation', () => {
    expect(prod1).toMatchObject({
      id: 'vc-uuid/host-1001',
      ntpServers: ['0.pool.ntp.org', '1.pool.ntp.org'],
      secureBoot: true,
      tpm: true,
      lockdownMode: 'normal',
    });
  });

  it('reports no secure boot it cannot know, a missing TPM as absent, and no lockdown mode the server could not give', () => {
    expect(prod2!.secureBoot).toBeUndefined();
    expect(prod2!.tpm).toBe(false);
    expect(prod2!.lockdownMode).toBeUndefined();
    expect(prod2!.ntpServers).toBeUndefined();
  });
});
