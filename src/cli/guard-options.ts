// Flags of the live-node guard and of --backup, checked up front with the offending value in the message.
import { UsageError } from '../errors.js';
import { checkBackupDir } from '../guards/backup-script.js';
import type { GuardSettings } from '../guards/index.js';
import { optionalString, parseSeconds } from './flag-values.js';

/** --kubeconfig, --live-heartbeat, --backup / --no-backup, --backup-dir, --backup-fetch (the last two
 * imply --backup). Commander gives `backup` true, false (--no-backup) or undefined (neither). */
export function normalizeGuardOptions(raw: Record<string, unknown>): GuardSettings {
  const kubeconfig = optionalString(raw.kubeconfig);
  const backupDir = optionalString(raw.backupDir);
  const fetchDir = optionalString(raw.backupFetch);
  let dir: string | undefined;
  if (backupDir !== undefined) {
    const checked = checkBackupDir(backupDir);
    if (!checked.ok) throw new UsageError(`--backup-dir: ${checked.error}`);
    dir = checked.value;
  }
  const noBackup = raw.backup === false;
  if (noBackup && (dir !== undefined || fetchDir !== undefined)) {
    throw new UsageError(`--no-backup contradicts ${dir !== undefined ? '--backup-dir' : '--backup-fetch'}: choose one`);
  }
  const backup = raw.backup === true || dir !== undefined || fetchDir !== undefined;
  return {
    ...(noBackup ? { noBackup } : {}),
    ...(kubeconfig !== undefined ? { kubeconfig } : {}),
    liveHeartbeatMs: parseSeconds('--live-heartbeat', raw.liveHeartbeat ?? '300'),
    ...(backup ? { backup: { ...(dir !== undefined ? { dir } : {}), ...(fetchDir !== undefined ? { fetchDir } : {}) } } : {}),
  };
}
