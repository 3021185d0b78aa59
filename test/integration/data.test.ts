// Issue 15, parts 3 and 4 on the lab: a dedicated filesystem listed in the node's /etc/fstab stays
// mounted and is emptied in place (fstab byte-identical); cluster data (etcd member files, an RKE
// snapshot) ends in an archive on the host before anything is deleted, nothing with --no-backup;
// a backup filesystem too small refuses the host with the sizes. Extra seeding is done here with
// labExec and undone in afterAll (also after a failure): fstab restored, test mounts gone, reseeded.
import { labArgs, runCli } from './cli.js';
import { labExec, labSeed, labStatus, type LabStatus } from './lab.js';

const DEDICATED = 'node1'; // root
const DATA = 'node2'; // ops + sudo NOPASSWD
const SMALL = 'node3'; // opspw + sudo password
const SNAPSHOT = '/opt/rke/etcd-snapshots/c-x-rke_etcd_2026-12-03T08:00:00Z.zip';
const timings: Record<string, number> = {};

function timed<T>(label: string, fn: () => T): T {
  const started = Date.now();
  try {
    return fn();
  } finally {
    timings[label] = Date.now() - started;
  }
}

function sh(node: string, command: string): string {
  const result = labExec(node, command);
  if (result.exitCode !== 0) throw new Error(`${node}: ${command}: exit ${result.exitCode}: ${result.stderr}`);
  return result.stdout;
}

const statusOf = (node: string): LabStatus => labStatus([node])[0];
const archives = (node: string) => sh(node, 'find /var/backups/nodescrub -name "*.tar.gz" 2>/dev/null | sort; true').split('\n').filter(Boolean);

beforeAll(() => labSeed([DEDICATED, DATA, SMALL]), 300_000);

afterAll(() => {
  // Undo whatever a test left, even half-way: the fstab copy back, the test mounts off, then reseed.
  labExec(DEDICATED, 'if [ -e /etc/fstab.nodescrub-test ]; then mv -f /etc/fstab.nodescrub-test /etc/fstab; fi; umount /var/lib/etcd 2>/dev/null; true');
  labExec(SMALL, 'umount /var/backups/nodescrub 2>/dev/null; true');
  labSeed([DEDICATED, DATA, SMALL]);
  process.stderr.write(`data integration timings (ms): ${JSON.stringify(timings)}\n`);
}, 300_000);

describe('a dedicated filesystem listed in /etc/fstab', () => {
  it('stays mounted and ends empty (lost+found kept), fstab byte-identical, while the rest is cleaned', () => {
    // /var/lib/etcd becomes a tmpfs of its own holding the seeded member data; the seed's tmpfs at
    // /var/lib/kubelet (with pod mounts below) gets an fstab line too.
    sh(DEDICATED, [
      'cp -p /etc/fstab /etc/fstab.nodescrub-test',
      'cp -a /var/lib/etcd /tmp/etcd-seed && rm -rf /var/lib/etcd/* && mount -t tmpfs -o size=8m nodescrub-etcd /var/lib/etcd',
      'cp -a /tmp/etcd-seed/. /var/lib/etcd/ && rm -rf /tmp/etcd-seed && mkdir /var/lib/etcd/lost+found',
      `printf '%s\\n' 'nodescrub-etcd /var/lib/etcd tmpfs size=8m,noauto 0 0' 'tmpfs\t/var/lib/kubelet/\ttmpfs\tsize=4m  0 0' >> /etc/fstab`,
    ].join(' && '));
    const fstabSha = sh(DEDICATED, 'sha256sum /etc/fstab');
    expect(sh(DEDICATED, 'ls -A /var/lib/etcd/member')).toMatch(/snap/);

    const plan = runCli(['plan', ...labArgs('--limit', DEDICATED, '--detail')]);
    expect(plan.exitCode).toBe(0);
    expect(plan.stdout).toMatch(/- directories: \/var\/lib\/etcd \(directory, \d+ KiB, emptied in place \(dedicated filesystem from \/etc\/fstab\)\)/);
    expect(plan.stdout).toMatch(/- directories: \/var\/lib\/kubelet \(directory, \d+ KiB, emptied in place \(dedicated filesystem from \/etc\/fstab\)\)/);
    expect(plan.stdout).toContain('note: /var/lib/kubelet is a dedicated filesystem (tmpfs tmpfs, from /etc/fstab): kept mounted');
    expect(plan.stdout).not.toMatch(/- mounts: \/var\/lib\/kubelet \(/);

    const run = timed('run dedicated', () => runCli(['run', ...labArgs('--limit', DEDICATED, '--yes', '--json')]));
    expect({ exitCode: run.exitCode, stderr: run.exitCode === 0 ? '' : run.stderr }).toEqual({ exitCode: 0, stderr: '' });
    const host = JSON.parse(run.stdout).hosts[0];
    const removed = host.steps.find((s: { id: string }) => s.id === 'directories').removed.map((a: { name: string }) => a.name);
    expect(removed).toEqual(expect.arrayContaining(['/var/lib/etcd', '/var/lib/kubelet', '/etc/kubernetes']));

    expect(sh(DEDICATED, 'findmnt -rn -o FSTYPE,SOURCE --mountpoint /var/lib/etcd').trim()).toBe('tmpfs nodescrub-etcd');
    expect(sh(DEDICATED, 'findmnt -rn -o FSTYPE --mountpoint /var/lib/kubelet').trim()).toBe('tmpfs');
    expect(sh(DEDICATED, 'ls -A /var/lib/etcd').trim()).toBe('lost+found');
    expect(sh(DEDICATED, 'ls -A /var/lib/kubelet').trim()).toBe('');
    expect(sh(DEDICATED, 'findmnt -rn -o TARGET | grep -c "^/var/lib/kubelet/"; true').trim()).toBe('0');
    expect(sh(DEDICATED, 'sha256sum /etc/fstab')).toBe(fstabSha);
    // The lab's own check (status-node.sh): an empty dedicated filesystem is no leftover.
    expect(statusOf(DEDICATED)).toMatchObject({ clean: true, intact: true });
    // And nodescrub agrees on its next look.
    const verify = runCli(['verify', ...labArgs('--limit', DEDICATED)]);
    expect(verify.exitCode).toBe(0);
  });
});

describe('cluster data kept in a backup by default', () => {
  it('plan lists the data with sizes; run archives etcd member data and the snapshot on the host first; --no-backup archives nothing', () => {
    sh(DATA, `mkdir -p /opt/rke/etcd-snapshots && head -c 20000 /dev/urandom > '${SNAPSHOT}'`);
    const plan = JSON.parse(runCli(['plan', ...labArgs('--limit', DATA, '--json')]).stdout).hosts[0];
    expect(plan.data).toEqual([
      { path: '/var/lib/etcd', what: 'etcd member data', sizeKiB: expect.any(Number) },
      { path: '/opt/rke/etcd-snapshots', what: 'etcd snapshots (RKE)', sizeKiB: expect.any(Number) },
    ]);
    expect(plan.data[1].sizeKiB).toBeGreaterThanOrEqual(20);
    expect(plan.notes).toEqual(expect.arrayContaining([expect.stringMatching(/^backup: before the first step, archive the cluster data \/var\/lib\/etcd \(\d+\.\d KiB\), \/opt\/rke\/etcd-snapshots \(\d+\.\d KiB\) into \/var\/backups\/nodescrub\/\d{8}T\d{6}Z\/nodescrub-backup-node2-\d{8}T\d{6}Z\.tar\.gz \(--no-backup skips it\); 64\.\d MiB needed with the margin, \/var\/backups(\/nodescrub)? has \d+\.\d [KMGT]iB available \(\S+ on \/\S*\)$/)]));
    const table = runCli(['plan', ...labArgs('--limit', DATA)]).stdout;
    expect(table).toMatch(/^host\s+status\s.*\sdata\s+notes/m);
    expect(table).toMatch(/^node2\s+dirty\s.*\s\d+\.\d KiB\s*$/m);
    const detail = runCli(['plan', ...labArgs('--limit', DATA, '--detail')]).stdout;
    expect(detail).toMatch(/^ {2}data: \/opt\/rke\/etcd-snapshots \(etcd snapshots \(RKE\), \d+\.\d KiB\)$/m);

    const before = archives(DATA);
    const run = timed('run with data backup', () => runCli(['run', ...labArgs('--limit', DATA, '--yes')]));
    expect(run.exitCode).toBe(0);
    const note = /^node2: backup: (\/var\/backups\/nodescrub\/\S+\.tar\.gz) \(\S+ \S+, sha256 ([0-9a-f]{64})\) holds the cluster data \/var\/lib\/etcd, \/opt\/rke\/etcd-snapshots$/m.exec(run.stderr);
    expect(note).not.toBeNull();
    const archive = note![1];
    expect(archives(DATA)).toEqual([...before, archive].sort());
    const listing = sh(DATA, `tar -tzf ${archive}`).split('\n');
    expect(listing).toEqual(expect.arrayContaining(['var/lib/etcd/member/snap/db', 'var/lib/etcd/member/wal/0000000000000000-0000000000000000.wal', SNAPSHOT.slice(1)]));
    expect(sh(DATA, `sha256sum ${archive}`).split(' ')[0]).toBe(note![2]);
    expect(sh(DATA, `stat -c '%U %a' ${archive} $(dirname ${archive})`).trim().split('\n')).toEqual(['root 600', 'root 700']);
    expect(statusOf(DATA)).toMatchObject({ clean: true, intact: true });

    labSeed([DATA]);
    sh(DATA, `mkdir -p /opt/rke/etcd-snapshots && head -c 20000 /dev/urandom > '${SNAPSHOT}'`);
    const none = timed('run --no-backup', () => runCli(['run', ...labArgs('--limit', DATA, '--yes', '--no-backup')]));
    expect(none.exitCode).toBe(0);
    expect(none.stderr).not.toMatch(/backup:/);
    expect(archives(DATA)).toEqual([...before, archive].sort());
    expect(statusOf(DATA)).toMatchObject({ clean: true, intact: true });
    sh(DATA, `rm -f ${archive}`);
  });
});

describe('a backup filesystem without room for the data', () => {
  it('refuses the host with the sizes and changes nothing; --no-backup cleans it', () => {
    // A 1 MiB tmpfs where the archive would go, inside the node's own mount namespace.
    sh(SMALL, 'mkdir -p /var/backups/nodescrub && mount -t tmpfs -o size=1m nodescrub-small /var/backups/nodescrub');
    const before = statusOf(SMALL);
    expect(before).toMatchObject({ clean: false, intact: true });
    const run = timed('run refused for space', () => runCli(['run', ...labArgs('--limit', SMALL, '--yes', '--json')]));
    expect(run.exitCode).toBe(2);
    const host = JSON.parse(run.stdout).hosts[0];
    expect(host.status).toBe('refused');
    expect(host.reason).toMatch(
      /^backup: not enough free space: archiving the cluster data \/var\/lib\/etcd \(\d+\.\d KiB\), \d+\.\d KiB in all, needs 64\.\d MiB with the margin \(\+10% \+64 MiB\), but \/var\/backups\/nodescrub has 1\.0 MiB available \(nodescrub-small on \/var\/backups\/nodescrub\) — refusing; free space there, choose another --backup-dir, or pass --no-backup$/,
    );
    expect(statusOf(SMALL)).toEqual(before);
    const plan = runCli(['plan', ...labArgs('--limit', SMALL)]);
    expect(plan.stdout).toMatch(/^node3\s+will-refuse\s.*backup: not enough free space/m);

    const forced = timed('run --no-backup (small)', () => runCli(['run', ...labArgs('--limit', SMALL, '--yes', '--no-backup')]));
    expect(forced.exitCode).toBe(0);
    expect(statusOf(SMALL)).toMatchObject({ clean: true, intact: true });
    expect(sh(SMALL, 'find /var/backups/nodescrub -name "*.tar.gz" | wc -l').trim()).toBe('0');
  });
});
