// The cluster data in plan output: a `data` column (total of the outermost items), `data:` lines in
// --detail, `data` in --json.
import { describe, expect, it } from '@jest/globals';
import { planToJson, renderPlanDetail, renderPlanTable } from '../../../src/report/plan-text.js';
import type { DataItem } from '../../../src/recipe/cluster-data.js';
import type { HostResult } from '../../../src/run/results.js';

const host = (name: string, data: DataItem[]): HostResult => ({
  name,
  address: '10.0.0.1',
  status: 'ok',
  steps: [],
  durationMs: 0,
  plan: { steps: [], refusals: [], failures: [], data },
});

const k3s: DataItem[] = [
  { path: '/var/lib/rancher/k3s/server/db', what: 'datastore (K3s: etcd or sqlite)', sizeKiB: 2048 },
  { path: '/var/lib/rancher/k3s/server/db/snapshots', what: 'etcd snapshots (K3s)', sizeKiB: 1024, within: '/var/lib/rancher/k3s/server/db' },
  { path: '/var/lib/rancher/k3s/storage', what: 'local-path volumes (K3s)', sizeKiB: 1024 },
];

describe('cluster data in the plan output', () => {
  it('the table has a data column: the total counted once, - for none, ? when unmeasured', () => {
    const table = renderPlanTable([host('k3s', k3s), host('none', []), host('odd', [{ path: '/var/lib/etcd', what: 'etcd member data', sizeKiB: null }])]);
    expect(table).toMatch(/^host\s+status\s+svc.*iptables\s+data\s+notes\s*$/m);
    expect(table).toMatch(/^k3s\s+clean\s.*\s3\.0 MiB\s*$/m);
    expect(table).toMatch(/^none\s+clean\s.*\s-\s*$/m);
    expect(table).toMatch(/^odd\s+clean\s.*\s\?\s*$/m);
  });

  it('--detail lists each item with what it is and its size; --json carries the items', () => {
    expect(renderPlanDetail([host('k3s', k3s)]).split('\n').filter((l) => l.startsWith('  data: '))).toEqual([
      '  data: /var/lib/rancher/k3s/server/db (datastore (K3s: etcd or sqlite), 2.0 MiB)',
      '  data: /var/lib/rancher/k3s/server/db/snapshots (etcd snapshots (K3s), 1.0 MiB, inside /var/lib/rancher/k3s/server/db)',
      '  data: /var/lib/rancher/k3s/storage (local-path volumes (K3s), 1.0 MiB)',
    ]);
    expect((planToJson([host('k3s', k3s)]) as { hosts: Array<{ data: DataItem[] }> }).hosts[0].data).toEqual(k3s);
  });
});
