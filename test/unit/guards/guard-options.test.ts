// The guard and backup flags: checked up front, the offending value in the message.
import { describe, expect, it } from '@jest/globals';
import { normalizeGuardOptions } from '../../../src/cli/guard-options.js';
import { normalizeFleetOptions } from '../../../src/cli/options.js';

describe('normalizeGuardOptions', () => {
  it('defaults: a 300 s heartbeat window, no backup, no --kubeconfig', () => {
    expect(normalizeGuardOptions({})).toEqual({ liveHeartbeatMs: 300_000 });
    expect(normalizeFleetOptions({}).guards).toEqual({ liveHeartbeatMs: 300_000 });
  });
  it('--backup-dir and --backup-fetch imply --backup; the directory is normalized', () => {
    expect(normalizeGuardOptions({ backup: true })).toEqual({ liveHeartbeatMs: 300_000, backup: {} });
    expect(normalizeGuardOptions({ backupDir: '/srv/bk/' })).toEqual({ liveHeartbeatMs: 300_000, backup: { dir: '/srv/bk' } });
    expect(normalizeGuardOptions({ backupFetch: 'out', kubeconfig: 'admin.yaml', liveHeartbeat: '60' })).toEqual({
      kubeconfig: 'admin.yaml',
      liveHeartbeatMs: 60_000,
      backup: { fetchDir: 'out' },
    });
  });
  it('refuses a backup directory the cleanup would delete, or a relative one', () => {
    expect(() => normalizeGuardOptions({ backupDir: '/var/lib/rancher/bk' })).toThrow('--backup-dir: /var/lib/rancher/bk is inside /var/lib/rancher, which the cleanup removes');
    expect(() => normalizeGuardOptions({ backupDir: 'bk' })).toThrow('--backup-dir: expected an absolute path on the host, got "bk"');
  });
  it('--no-backup (commander: backup false) turns the default cluster-data backup off; with --backup-dir it is a contradiction', () => {
    expect(normalizeGuardOptions({ backup: false })).toEqual({ liveHeartbeatMs: 300_000, noBackup: true });
    expect(() => normalizeGuardOptions({ backup: false, backupDir: '/srv/bk' })).toThrow('--no-backup contradicts --backup-dir: choose one');
    expect(() => normalizeGuardOptions({ backup: false, backupFetch: 'out' })).toThrow('--no-backup contradicts --backup-fetch: choose one');
  });
  it('refuses a bad --live-heartbeat', () => {
    expect(() => normalizeGuardOptions({ liveHeartbeat: 'soon' })).toThrow('--live-heartbeat: expected seconds > 0 and at most 604800 (7 days), got "soon"');
  });
});
