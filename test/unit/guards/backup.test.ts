// --backup: the script (quoting, run for real in sh), its output, the directory rule, and the hook's
// failure modes (each a HostError step-failed before anything is deleted).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackupAction, createBackupPlanNote, sha256File } from '../../../src/guards/backup.js';
import { backupSpec, buildBackupScript, checkBackupDir, formatBytes, parseBackupOutput, safeFileName } from '../../../src/guards/backup-script.js';
import { HostError } from '../../../src/errors.js';
import type { Facts, IptablesDump } from '../../../src/recipe/types.js';
import type { HookContext } from '../../../src/run/hooks.js';
import type { ExecResult, Transport } from '../../../src/transport/transport.js';
import { hostSpec } from '../../fixtures/guards/host.js';

const dump = (saveCommand: string, error: string | null = null): IptablesDump => ({
  family: saveCommand.startsWith('ip6') ? 'ipv6' : 'ipv4',
  backend: 'default',
  saveCommand,
  restoreCommand: null,
  error,
  tables: [],
  unrepresentable: [],
  warnings: [],
});
const facts = (dumps: IptablesDump[] = [dump('iptables-save'), dump('ip6tables-save')]) =>
  ({ probe: { uid: 0, timestamp: '20250601T120000Z' }, iptables: { dumps } }) as unknown as Facts;

let dir: string;
beforeAll(() => void (dir = mkdtempSync(join(tmpdir(), 'nodescrub-backup-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('backupSpec', () => {
  it('defaults to /var/backups/nodescrub/<probe timestamp>, names the archive after host and time', () => {
    expect(backupSpec('node1', facts())).toEqual({
      dir: '/var/backups/nodescrub/20250601T120000Z',
      archive: '/var/backups/nodescrub/20250601T120000Z/nodescrub-backup-node1-20250601T120000Z.tar.gz',
      saveCommands: ['iptables-save', 'ip6tables-save'],
      localName: 'node1-20250601T120000Z.tar.gz',
    });
  });
  it('keeps only iptables variants the probe could read, and a safe file name for any host name', () => {
    const spec = backupSpec('rack 3/../node1', facts([dump('iptables-legacy-save'), dump('iptables-nft-save'), dump('ip6tables-save', 'not installed'), dump('iptables-save; rm -rf /')]), '/srv/bk');
    expect(spec.saveCommands).toEqual(['iptables-legacy-save', 'iptables-nft-save']);
    expect(spec.archive).toBe('/srv/bk/nodescrub-backup-rack_3_.._node1-20250601T120000Z.tar.gz');
    expect(safeFileName('..hidden')).toBe('_hidden');
  });
});

describe('checkBackupDir', () => {
  it.each([
    ['/srv/backups/', { ok: true, value: '/srv/backups' }],
    ['/var/backups/./nodescrub//x', { ok: true, value: '/var/backups/nodescrub/x' }],
    ['/var/lib/etcd-backup', { ok: true, value: '/var/lib/etcd-backup' }],
    ['relative/dir', { ok: false, error: 'expected an absolute path on the host, got "relative/dir"' }],
    ['/', { ok: false, error: 'must not be /' }],
    ['/etc/kubernetes/backup', { ok: false, error: '/etc/kubernetes/backup is inside /etc/kubernetes, which the cleanup removes' }],
    ['/var/lib/etcd', { ok: false, error: '/var/lib/etcd is inside /var/lib/etcd, which the cleanup removes' }],
    ['/var/lib/kubelet/../rancher/x', { ok: false, error: '/var/lib/rancher/x is inside /var/lib/rancher, which the cleanup removes' }],
    ['/run/calico/b', { ok: false, error: '/run/calico/b is inside /run/calico, which the cleanup removes' }],
    ['/var/run/flannel', { ok: false, error: '/var/run/flannel is inside /run/flannel, which the cleanup removes' }],
    ['/srv/a\nb', { ok: false, error: 'must not contain NUL or newline characters' }],
  ])('%j', (input, expected) => {
    expect(checkBackupDir(input)).toEqual(expected);
  });
});

describe('buildBackupScript', () => {
  it('quotes every path: a hostile directory name stays one literal word', () => {
    const spec = backupSpec('node1', facts(), `/srv/it's $(touch pwned) "x"`);
    const script = buildBackupScript(spec);
    expect(script).toContain(`D='/srv/it'\\''s $(touch pwned) "x"'`);
    expect(script).toContain(`set -- "$@" 'srv/it'\\''s $(touch pwned) "x"/iptables-save.rules'`);
    expect(spawnSync('sh', ['-n', '-c', script]).status).toBe(0);
  });

  it('runs in sh: dumps the rules fresh, archives relative to /, prints size and sha256', () => {
    // A stand-in iptables-save on PATH; the backup directory is a hostile name under a temp dir.
    const bin = join(dir, 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'fake-save'), '#!/bin/sh\necho "*filter"\necho ":INPUT ACCEPT [0:0]"\necho COMMIT\n');
    chmodSync(join(bin, 'fake-save'), 0o755);
    const target = join(dir, `bk it's $HOME`);
    const spec = backupSpec('node1', facts([dump('fake-save')]), target);
    const run = spawnSync('sh', ['-c', buildBackupScript(spec)], { encoding: 'utf8', cwd: dir, env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const out = parseBackupOutput(run.stdout);
    expect(out).toMatchObject({ empty: false, warnings: [] });
    const listing = spawnSync('tar', ['-tzf', spec.archive], { encoding: 'utf8' }).stdout.split('\n');
    expect(listing).toContain(`${target.slice(1)}/fake-save.rules`);
    expect(readFileSync(join(target, 'fake-save.rules'), 'utf8')).toContain(':INPUT ACCEPT');
    expect(existsSync(`${spec.archive}.partial`)).toBe(false);
    if (out && !out.empty) {
      expect(out.bytes).toBe(readFileSync(spec.archive).length);
      expect(spawnSync('sha256sum', [spec.archive], { encoding: 'utf8' }).stdout.split(' ')[0]).toBe(out.sha256);
    }
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
  });

  it('a failing dump fails the script (set -e) with its message', () => {
    const spec = backupSpec('node1', facts([dump('nodescrub-no-such-save')]), join(dir, 'fail'));
    const run = spawnSync('sh', ['-c', buildBackupScript(spec)], { encoding: 'utf8' });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/nodescrub-no-such-save.*not found/);
  });
});

describe('parseBackupOutput and formatBytes', () => {
  it('reads size (padded by BSD wc), sha256, warnings, empty', () => {
    const sha = 'a'.repeat(64);
    expect(parseBackupOutput(`warning some files changed while being archived\nsize    1234\nsha256 ${sha}\n`)).toEqual({ empty: false, bytes: 1234, sha256: sha, warnings: ['some files changed while being archived'] });
    expect(parseBackupOutput('empty\n')).toEqual({ empty: true });
    expect(parseBackupOutput('size 1\nsha256 xyz\n')).toBeUndefined();
  });
  it('formats sizes', () => {
    expect([0, 1023, 1024, 1536, 5 * 1024 ** 2, 3.5 * 1024 ** 3].map(formatBytes)).toEqual(['0 B', '1023 B', '1.0 KiB', '1.5 KiB', '5.0 MiB', '3.5 GiB']);
  });
});

/** A transport answering the backup script with canned output, and copying `content` on fetch. */
function cannedTransport(exec: Partial<ExecResult>, content?: Buffer | Error): Transport & { fetched: string[] } {
  const fetched: string[] = [];
  return {
    fetched,
    exec: async (command) => ({ command, exitCode: 0, stdout: '', stderr: '', timedOut: false, aborted: false, durationMs: 1, ...exec }),
    close: async () => undefined,
    ...(content === undefined
      ? {}
      : {
          fetchFile: async (remote: string, local: string) => {
            fetched.push(remote);
            if (content instanceof Error) throw content;
            writeFileSync(local, content);
            return { bytes: content.length };
          },
        }),
  };
}

function ctxFor(transport: Transport): HookContext {
  return { host: hostSpec({ name: 'node1' }), transport, facts: facts(), plan: { steps: [], refusals: [], failures: [] }, recipe: { removeImages: false, force: false }, signal: new AbortController().signal };
}

describe('backup action', () => {
  const archive = Buffer.from('pretend this is a tar.gz');
  const sha = sha256Of(archive);
  const ok = { stdout: `size ${archive.length}\nsha256 ${sha}\n` };

  it('reports path, size and sha256; with --backup-fetch copies, verifies and names the local file', async () => {
    const fetchDir = join(dir, 'fetched');
    const transport = cannedTransport(ok, archive);
    const notes = await createBackupAction({ fetchDir, timeoutMs: 1000 })(ctxFor(transport));
    const local = join(fetchDir, 'node1-20250601T120000Z.tar.gz');
    expect(notes).toEqual([
      `backup: /var/backups/nodescrub/20250601T120000Z/nodescrub-backup-node1-20250601T120000Z.tar.gz (24 B, sha256 ${sha})`,
      `backup: copied to ${local} (sha256 verified)`,
    ]);
    expect(await sha256File(local)).toBe(sha);
    expect(transport.fetched).toEqual(['/var/backups/nodescrub/20250601T120000Z/nodescrub-backup-node1-20250601T120000Z.tar.gz']);
  });

  it('a copy whose sha256 differs fails the host and is removed', async () => {
    const fetchDir = join(dir, 'mismatch');
    const action = createBackupAction({ fetchDir, timeoutMs: 1000 });
    await expect(action(ctxFor(cannedTransport(ok, Buffer.from('corrupted'))))).rejects.toThrow(
      new HostError('step-failed', `backup failed: the copy of /var/backups/nodescrub/20250601T120000Z/nodescrub-backup-node1-20250601T120000Z.tar.gz has sha256 ${sha256Of(Buffer.from('corrupted'))}, the host's archive ${sha} (copy removed); nothing was deleted`),
    );
    expect(spawnSync('ls', ['-A', fetchDir], { encoding: 'utf8' }).stdout).toBe('');
  });

  it.each([
    ['the archive command fails', { exitCode: 2, stderr: 'tar: /var/backups: No space left on device\n' }, undefined, /^backup failed: tar: \/var\/backups: No space left on device \(exit 2\); nothing was deleted$/],
    ['it times out', { exitCode: null, timedOut: true }, undefined, /^backup failed: archiving took longer than 1s \(raise --step-timeout\)/],
    ['its output is not understood', { stdout: 'hello' }, undefined, /^backup failed: unexpected output/],
    ['the copy fails', ok, new Error('SFTP unavailable: Permission denied'), /^backup failed: copying .* to .*: SFTP unavailable: Permission denied; nothing was deleted$/],
    ['the transport cannot copy', ok, undefined, /^backup failed: this connection cannot copy files back/],
  ])('%s → HostError step-failed', async (_name, exec, content, message) => {
    const action = createBackupAction({ fetchDir: join(dir, 'f'), timeoutMs: 1000 });
    const error = await action(ctxFor(cannedTransport(exec, content))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostError);
    expect((error as HostError).kind).toBe('step-failed');
    expect((error as HostError).message).toMatch(message);
  });

  it('nothing to archive is a note, not a failure', async () => {
    expect(await createBackupAction({ timeoutMs: 1000 })(ctxFor(cannedTransport({ stdout: 'empty\n' })))).toEqual([
      'backup: nothing to archive (none of /etc/kubernetes, /etc/cni, /opt/rke, /var/lib/etcd exists and no iptables rules)',
    ]);
  });

  it('the plan says what the backup will do', async () => {
    const verdict = await createBackupPlanNote({ dir: '/srv/bk', fetchDir: 'out', timeoutMs: 1 })(ctxFor(cannedTransport({})));
    expect(verdict).toEqual({
      refusals: [],
      notes: [
        'backup: before the first step, archive /etc/kubernetes, /etc/cni, /opt/rke, /var/lib/etcd (those present) and the iptables rules (iptables-save, ip6tables-save) into /srv/bk/nodescrub-backup-node1-20250601T120000Z.tar.gz, then copy it to out/node1-20250601T120000Z.tar.gz and compare sha256',
      ],
    });
  });
});

function sha256Of(data: Buffer): string {
  return spawnSync('sha256sum', { input: data, encoding: 'utf8' }).stdout.split(' ')[0];
}
