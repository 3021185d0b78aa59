// The default cluster-data backup: which data a plan lists, what the archive holds, the free-space
// decision (exact messages), df's output read for real, and the action run for real in sh.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { archivePaths, backupContents, decideBackupSpace, requiredKiB } from '../../../src/guards/backup-contents.js';
import { backupSpaceSection, parseBackupSpace } from '../../../src/guards/backup-space.js';
import { createBackupSpaceGuard, createDataBackupAction } from '../../../src/guards/data-backup.js';
import { listClusterData, totalDataKiB, type DataItem } from '../../../src/recipe/cluster-data.js';
import type { DirectoryEntry, Facts } from '../../../src/recipe/types.js';
import type { HostPlan } from '../../../src/plan/host-plan.js';
import type { HookContext } from '../../../src/run/hooks.js';
import type { Transport } from '../../../src/transport/transport.js';
import { hostSpec } from '../../fixtures/guards/host.js';
import { emptyHostFacts } from '../recipe/fixtures.js';

const dir = (path: string, sizeKiB: number | null, extra: Partial<DirectoryEntry> = {}): Partial<DirectoryEntry> => ({ path, type: 'directory', sizeKiB, immutable: false, inode: '1:1', empty: false, ...extra });

/** Empty-host facts with some of the 16 paths and of the cluster-data paths present. */
function factsWith(top: Partial<DirectoryEntry>[], data: Partial<DirectoryEntry>[] = []): Facts {
  const facts = emptyHostFacts();
  for (const over of top) Object.assign(facts.directories.entries.find((e) => e.path === over.path)!, over);
  for (const over of data) Object.assign(facts.clusterData.entries.find((e) => e.path === over.path)!, { type: over.type, sizeKiB: over.sizeKiB, empty: over.empty });
  return facts;
}

describe('listClusterData', () => {
  it('K3s with a custom data-dir: its datastore is listed (and so archived before removal); an empty storage dir is not', () => {
    const facts = emptyHostFacts();
    facts.clusterData.custom = [
      { path: '/srv/k3s/server/db', type: 'directory', sizeKiB: 2048, empty: false, what: 'datastore (K3s: etcd or sqlite; data-dir)' },
      { path: '/srv/k3s/storage', type: 'directory', sizeKiB: 4, empty: true, what: 'local-path volumes (K3s, data-dir)' },
    ];
    expect(listClusterData(facts)).toEqual([{ path: '/srv/k3s/server/db', what: 'datastore (K3s: etcd or sqlite; data-dir)', sizeKiB: 2048 }]);
  });

  it('an RKE1 node: etcd member data and snapshots below /opt/rke', () => {
    const facts = factsWith([dir('/var/lib/etcd', 24), dir('/opt/rke', 40)], [dir('/opt/rke/etcd-snapshots', 12)]);
    expect(listClusterData(facts)).toEqual([
      { path: '/var/lib/etcd', what: 'etcd member data', sizeKiB: 24 },
      { path: '/opt/rke/etcd-snapshots', what: 'etcd snapshots (RKE)', sizeKiB: 12 },
    ]);
  });

  it('K3s: snapshots counted inside the datastore; /opt/local-path-provisioner is never removed, so never listed', () => {
    const facts = factsWith([dir('/var/lib/rancher', 900)], [
      dir('/var/lib/rancher/k3s/server/db', 300),
      dir('/var/lib/rancher/k3s/server/db/snapshots', 100),
      dir('/var/lib/rancher/k3s/storage', 500),
      dir('/opt/local-path-provisioner', 4),
    ]);
    const data = listClusterData(facts);
    expect(data.map((d) => [d.path, d.within])).toEqual([
      ['/var/lib/rancher/k3s/server/db', undefined],
      ['/var/lib/rancher/k3s/server/db/snapshots', '/var/lib/rancher/k3s/server/db'],
      ['/var/lib/rancher/k3s/storage', undefined],
    ]);
    expect(totalDataKiB(data)).toBe(800);
  });

  it('nothing when the data is empty, absent, a symlink, or behind a symlinked root (removed as a link only)', () => {
    expect(listClusterData(factsWith([dir('/var/lib/etcd', 16, { empty: true })]))).toEqual([]);
    expect(listClusterData(factsWith([dir('/var/lib/etcd', null, { type: 'symlink', sizeKiB: null, empty: null })]))).toEqual([]);
    const linkedRoot = factsWith([dir('/var/lib/rancher', null, { type: 'symlink', empty: null })], [dir('/var/lib/rancher/rke2/server/db', 50)]);
    expect(listClusterData(linkedRoot)).toEqual([]);
    expect(listClusterData(emptyHostFacts())).toEqual([]);
  });

  it('an unmeasured item makes the total unknown', () => {
    expect(totalDataKiB(listClusterData(factsWith([dir('/var/lib/etcd', null)])))).toBeNull();
  });
});

describe('archivePaths and backupContents', () => {
  const data: DataItem[] = [
    { path: '/var/lib/etcd', what: 'etcd member data', sizeKiB: 24 },
    { path: '/var/lib/rancher/rke2/server/db', what: 'etcd member data (RKE2)', sizeKiB: 300 },
    { path: '/var/lib/rancher/rke2/server/db/snapshots', what: 'etcd snapshots (RKE2)', sizeKiB: 100, within: '/var/lib/rancher/rke2/server/db' },
    { path: '/opt/rke/etcd-snapshots', what: 'etcd snapshots (RKE)', sizeKiB: 12 },
  ];
  const facts = factsWith([dir('/etc/kubernetes', 100), dir('/opt/rke', 40), dir('/var/lib/etcd', 24)]);

  it('data only: the outermost items', () => {
    expect(backupContents({ data }, facts, false)).toEqual({
      paths: ['/var/lib/etcd', '/var/lib/rancher/rke2/server/db', '/opt/rke/etcd-snapshots'],
      data: data.filter((d) => !d.within),
      sizeKiB: 336,
    });
  });

  it('with --backup: its paths and the data in one archive, nothing twice (/opt/rke holds the snapshots)', () => {
    expect(archivePaths({ data }, true)).toEqual(['/etc/kubernetes', '/etc/cni', '/opt/rke', '/var/lib/etcd', '/var/lib/rancher/rke2/server/db']);
    // /etc/cni is absent: 0; /opt/rke counted once (40), /var/lib/etcd once (24).
    expect(backupContents({ data }, facts, true).sizeKiB).toBe(100 + 40 + 24 + 300);
  });

  it('no data and no --backup: nothing', () => {
    expect(archivePaths({}, false)).toEqual([]);
  });
});

describe('decideBackupSpace', () => {
  const contents = { paths: ['/var/lib/etcd'], data: [{ path: '/var/lib/etcd', what: 'etcd member data', sizeKiB: 2048 }], sizeKiB: 2048 };
  const space = (availableKiB: number) => ({ ok: true as const, value: { dir: '/var/backups', filesystem: '/dev/vda1', mountedOn: '/', availableKiB } });

  it('the margin is 10% plus 64 MiB', () => {
    expect(requiredKiB(2048)).toBe(2048 + 205 + 65536);
  });

  it('fits (exactly): a note; one KiB short: refused with the sizes', () => {
    expect(decideBackupSpace(contents, space(requiredKiB(2048)))).toEqual({
      note: 'backup: 66.2 MiB needed with the margin, /var/backups has 66.2 MiB available (/dev/vda1 on /)',
    });
    expect(decideBackupSpace(contents, space(requiredKiB(2048) - 1))).toEqual({
      refusal:
        'backup: not enough free space: archiving the cluster data /var/lib/etcd (2.0 MiB), 2.0 MiB in all, needs 66.2 MiB with the margin (+10% +64 MiB), ' +
        'but /var/backups has 66.2 MiB available (/dev/vda1 on /) — refusing; free space there, choose another --backup-dir, or pass --no-backup',
    });
  });

  it('unknown size or unknown space: a note, never a refusal', () => {
    expect(decideBackupSpace({ ...contents, sizeKiB: null }, space(1))).toEqual({
      note: 'backup: size not known (du did not finish in 5s), free space not checked: /var/backups has 1.0 KiB available (/dev/vda1 on /); a full disk fails the archive before anything is deleted',
    });
    expect(decideBackupSpace(contents, { ok: false, error: 'df -Pk failed: df: not found' })).toEqual({
      note: 'backup: free space not checked (df -Pk failed: df: not found); a full disk fails the archive before anything is deleted',
    });
  });
});

describe('the backup-space probe section, run in sh', () => {
  let work: string;
  beforeAll(() => void (work = mkdtempSync(join(tmpdir(), 'nodescrub-space-'))));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const runSection = (target: string) => {
    const section = backupSpaceSection(target);
    const script = `__ns_t() { shift; "$@"; }\n${section.script}`;
    const run = spawnSync('sh', ['-c', script], { encoding: 'utf8' });
    return parseBackupSpace({ status: run.status ?? 1, stdout: run.stdout, stderr: run.stderr });
  };

  it('walks up to the nearest existing parent (a name with spaces and a quote) and reads df', () => {
    const parent = join(work, `it's here`);
    mkdirSync(parent);
    const space = runSection(join(parent, 'not/yet/there'));
    expect(space).toMatchObject({ ok: true, value: { dir: parent, availableKiB: expect.any(Number) } });
    const df = spawnSync('df', ['-Pk', parent], { encoding: 'utf8' }).stdout.trim().split('\n')[1].split(/\s+/);
    expect(space).toMatchObject({ value: { filesystem: df[0] } });
  });

  it('a failed df or odd output is a problem, not a number', () => {
    expect(parseBackupSpace({ status: 127, stdout: 'dir /x\n', stderr: 'sh: df: not found\n' })).toEqual({ ok: false, error: 'df -Pk failed: sh: df: not found' });
    expect(parseBackupSpace({ status: 0, stdout: 'dir /x\nhello\n', stderr: '' })).toEqual({ ok: false, error: 'df -Pk failed: exit status 0' });
    expect(parseBackupSpace(undefined)).toEqual({ ok: false, error: 'not probed' });
    const proc = 'dir /proc\nFilesystem 1024-blocks Used Available Capacity Mounted on\nproc 0 0 0 - /proc\n';
    expect(parseBackupSpace({ status: 0, stdout: proc, stderr: '' })).toEqual({ ok: false, error: 'proc on /proc reports no size' });
  });

  it('reads a mount point with spaces', () => {
    const out = 'dir /mnt/my disk\nFilesystem 1024-blocks Used Available Capacity Mounted on\n/dev/sdb1 1000 10 990 2% /mnt/my disk\n';
    expect(parseBackupSpace({ status: 0, stdout: out, stderr: '' })).toEqual({ ok: true, value: { dir: '/mnt/my disk', filesystem: '/dev/sdb1', mountedOn: '/mnt/my disk', availableKiB: 990 } });
  });
});

/** Runs each command in a local sh: the archive script for real. */
const localShell: Transport = {
  exec: async (command) => {
    const started = Date.now();
    const run = spawnSync('sh', ['-c', command], { encoding: 'utf8' });
    return { command, exitCode: run.status, stdout: run.stdout, stderr: run.stderr, timedOut: false, aborted: false, durationMs: Date.now() - started };
  },
  close: async () => undefined,
};

function context(plan: HostPlan, facts: Facts): HookContext {
  return { host: hostSpec({ name: 'node1' }), transport: localShell, facts, plan, recipe: { removeImages: false, force: false }, signal: new AbortController().signal };
}

describe('the guard and the action', () => {
  let work: string;
  beforeAll(() => void (work = mkdtempSync(join(tmpdir(), 'nodescrub-data-'))));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const facts = emptyHostFacts();
  const plan = (data: DataItem[]): HostPlan => ({ steps: [], refusals: [], failures: [], data });
  const withSpace = (availableKiB: number): Facts => ({
    ...facts,
    custom: { 'backup-space': { status: 0, stdout: `dir /var/backups\nFilesystem 1024-blocks Used Available Capacity Mounted on\ntmpfs 1024 0 ${availableKiB} 0% /var/backups\n`, stderr: '' } },
  });

  it('no data: no note, no archive', async () => {
    expect(await createBackupSpaceGuard({ explicit: false })(context(plan([]), withSpace(1)))).toEqual({ refusals: [], notes: [] });
    expect(await createDataBackupAction({ timeoutMs: 1000 })(context(plan([]), facts))).toEqual([]);
  });

  it('data on a full filesystem: refused; with room: what will be archived where', async () => {
    const data = [{ path: '/var/lib/etcd', what: 'etcd member data', sizeKiB: 24 }];
    const refused = await createBackupSpaceGuard({ explicit: false })(context(plan(data), withSpace(1024)));
    expect(refused.refusals).toEqual([expect.stringMatching(/^backup: not enough free space: archiving the cluster data \/var\/lib\/etcd \(24\.0 KiB\)/)]);
    const ok = await createBackupSpaceGuard({ explicit: false })(context(plan(data), withSpace(10 * 1024 * 1024)));
    expect(ok).toEqual({
      refusals: [],
      notes: [
        'backup: before the first step, archive the cluster data /var/lib/etcd (24.0 KiB) into /var/backups/nodescrub/20261127T120000Z/nodescrub-backup-node1-20261127T120000Z.tar.gz (--no-backup skips it); ' +
          '64.0 MiB needed with the margin, /var/backups has 10.0 GiB available (tmpfs on /var/backups)',
      ],
    });
  });

  it('the action archives the data for real (paths relative to /), no iptables dump, and says what it holds', async () => {
    const data = join(work, 'etcd');
    mkdirSync(join(data, 'member/snap'), { recursive: true });
    writeFileSync(join(data, 'member/snap/db'), 'etcd');
    const target = join(work, 'backups');
    const notes = await createDataBackupAction({ dir: target, timeoutMs: 10_000 })(context(plan([{ path: data, what: 'etcd member data', sizeKiB: 8 }]), facts));
    const archive = `${target}/nodescrub-backup-node1-20261127T120000Z.tar.gz`;
    expect(notes).toEqual([expect.stringMatching(new RegExp(`^backup: ${archive} \\(\\d+ B, sha256 [0-9a-f]{64}\\) holds the cluster data ${data}$`))]);
    const listing = spawnSync('tar', ['-tzf', archive], { encoding: 'utf8' }).stdout.split('\n');
    expect(listing).toContain(`${data.slice(1)}/member/snap/db`);
    expect(listing.some((l) => l.endsWith('.rules'))).toBe(false);
    expect(spawnSync('stat', ['-c', '%a', target, archive], { encoding: 'utf8' }).stdout.split('\n').slice(0, 2)).toEqual(['700', '600']);
  });
});
