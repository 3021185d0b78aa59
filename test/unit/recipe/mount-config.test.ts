// Dedicated filesystems: systemd's path escaping (checked against systemd-escape when present), where
// a path is configured to be mounted, which mount of a stack is the configured one, and the
// empty-in-place command run for real in sh on a temporary tree.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findDedicatedMounts, mountOrigin } from '../../../src/recipe/mount-config/dedicated.js';
import { parseFstab } from '../../../src/recipe/mount-config/fstab.js';
import { normalizeMountPath, systemdEscapePath } from '../../../src/recipe/mount-config/systemd-escape.js';
import { emptyInPlaceCommand } from '../../../src/recipe/steps/empty-in-place.js';
import type { Facts, Mount, MountConfigFacts } from '../../../src/recipe/types.js';
import { emptyHostFacts } from './fixtures.js';

const hasSystemdEscape = spawnSync('systemd-escape', ['--path', '/x']).status === 0;
const PATHS = ['/var/lib/etcd', '/srv/my-data', '/srv/my data/ü', '/.hidden/x', '/a//b/', '/', '/opt/odd:name_x.y', '/srv/a\\b'];

describe('systemdEscapePath', () => {
  it.each([
    ['/var/lib/etcd', 'var-lib-etcd'],
    ['/srv/my-data', 'srv-my\\x2ddata'],
    ['/.hidden/x', '\\x2ehidden-x'],
    ['/a//b/', 'a-b'],
    ['/', '-'],
  ])('%s -> %s', (path, unit) => expect(systemdEscapePath(path)).toBe(unit));

  (hasSystemdEscape ? it : it.skip)('agrees with systemd-escape --path', () => {
    for (const path of PATHS) {
      expect({ path, unit: systemdEscapePath(path) }).toEqual({ path, unit: spawnSync('systemd-escape', ['--path', path], { encoding: 'utf8' }).stdout.trim() });
    }
  });

  it('normalizes mount paths for comparison, leaving non-paths alone', () => {
    expect(['/var/lib//etcd/', '/', 'none', 'swap', '/x/./y/'].map(normalizeMountPath)).toEqual(['/var/lib/etcd', '/', 'none', 'swap', '/x/y']);
  });
});

describe('parseFstab', () => {
  it('a CRLF file and a commented-out entry: only the live line counts', () => {
    const parsed = parseFstab('# /dev/sdb1 /var/lib/etcd ext4 defaults 0 0\r\n/dev/sdc1 /var/lib/kubelet xfs defaults 0 0\r\n');
    expect(parsed).toEqual({ entries: [{ line: 2, spec: '/dev/sdc1', file: '/var/lib/kubelet', fsType: 'xfs', options: 'defaults' }], ignored: [] });
  });
});

const mount = (id: number, parentId: number, mountPoint: string, fsType = 'ext4'): Mount => ({ id, parentId, root: '/', mountPoint, fsType, source: '/dev/x', options: 'rw' });
const config = (over: Partial<MountConfigFacts>): MountConfigFacts => ({ fstab: [], fstabIgnored: [], units: [], ...over });
const fstabAt = (file: string) => ({ line: 1, spec: 'UUID=1', file, fsType: 'ext4', options: 'noauto' });

describe('mountOrigin and findDedicatedMounts', () => {
  it('fstab first, then a unit by Where=, then a unit by its escaped name; otherwise none', () => {
    const units = [
      { file: '/etc/systemd/system/var-lib-etcd.mount', where: '/srv/elsewhere' },
      { file: '/run/systemd/system/data.mount', where: '/var/lib/rancher' },
    ];
    expect(mountOrigin('/var/lib/etcd', config({ fstab: [fstabAt('/var/lib/etcd')], units }))).toBe('/etc/fstab');
    expect(mountOrigin('/var/lib/etcd', config({ units }))).toBe('/etc/systemd/system/var-lib-etcd.mount');
    expect(mountOrigin('/var/lib/rancher', config({ units }))).toBe('/run/systemd/system/data.mount');
    expect(mountOrigin('/var/lib/kubelet', config({ units, fstab: [fstabAt('/var/lib/kubelet2')] }))).toBeNull();
  });

  it('of a stack the lowest mount is the configured one; a shared filesystem or an unconfigured one is not dedicated', () => {
    const mounts = [mount(1, 0, '/'), mount(10, 1, '/var/lib/rancher'), mount(11, 10, '/var/lib/rancher'), mount(12, 1, '/var/lib/etcd', 'nfs4'), mount(13, 1, '/var/lib/kubelet')];
    const facts = { mounts: { mounts }, mountConfig: config({ fstab: [fstabAt('/var/lib/rancher'), fstabAt('/var/lib/etcd')] }) };
    expect(findDedicatedMounts(facts)).toEqual([{ path: '/var/lib/rancher', mount: mounts[1], origin: '/etc/fstab' }]);
  });
});

describe('emptyInPlaceCommand, run in sh', () => {
  let dir: string;
  beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), 'nodescrub-empty-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const facts = (rmOneFileSystem: boolean): Facts => ({ ...emptyHostFacts(), tools: { timeout: 'gnu', rmOneFileSystem, chattr: false, lsattr: false } });

  it.each([true, false])('removes every entry (dotfiles, odd names, links not followed) but lost+found; the directory stays (rm --one-file-system: %s)', (ofs) => {
    const target = join(dir, `etcd it's`);
    const outside = join(dir, 'outside');
    mkdirSync(join(target, 'member/snap'), { recursive: true });
    mkdirSync(join(target, 'lost+found'));
    mkdirSync(outside);
    writeFileSync(join(outside, 'keep'), 'x');
    writeFileSync(join(target, 'member/snap/db'), 'x');
    writeFileSync(join(target, '.hidden'), 'x');
    writeFileSync(join(target, '..dots'), 'x');
    writeFileSync(join(target, '-rf'), 'x');
    writeFileSync(join(target, 'lost+found/keep'), 'x');
    symlinkSync(outside, join(target, 'link'));
    const run = spawnSync('sh', ['-c', emptyInPlaceCommand(target, facts(ofs))], { encoding: 'utf8' });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(readdirSync(target)).toEqual(['lost+found']);
    expect(existsSync(join(outside, 'keep'))).toBe(true);
  });

  it('an already empty directory is a success', () => {
    expect(spawnSync('sh', ['-c', emptyInPlaceCommand(dir, facts(true))]).status).toBe(0);
    expect(existsSync(dir)).toBe(true);
  });
});
