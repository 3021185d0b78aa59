// Which backup hooks a pass gets: by default the cluster-data backup (space check in plan and run,
// archive in run); with --backup the full archive (data included); with --no-backup none.
import type { HostHooks } from '../run/hooks.js';
import { createBackupAction, createBackupPlanNote } from './backup.js';
import { DEFAULT_BACKUP_ROOT } from './backup-script.js';
import { backupSpaceSection } from './backup-space.js';
import { createBackupSpaceGuard, createDataBackupAction } from './data-backup.js';

export interface BackupSettings {
  /** --backup (with --backup-dir / --backup-fetch). */
  backup?: { dir?: string; fetchDir?: string };
  /** --no-backup. */
  noBackup?: boolean;
}

export function buildBackupHooks(settings: BackupSettings, stepTimeoutMs: number): Required<Pick<HostHooks, 'probe' | 'guards' | 'beforeApply'>> {
  if (settings.noBackup) return { probe: [], guards: [], beforeApply: [] };
  const dir = settings.backup?.dir;
  // The archive goes to <root>/<probe timestamp>, not there yet: df walks up to what exists.
  const probe = [backupSpaceSection(dir ?? DEFAULT_BACKUP_ROOT)];
  const space = createBackupSpaceGuard({ ...(dir !== undefined ? { dir } : {}), explicit: settings.backup !== undefined });
  if (!settings.backup) return { probe, guards: [space], beforeApply: [createDataBackupAction({ timeoutMs: stepTimeoutMs })] };
  const backup = { ...settings.backup, timeoutMs: stepTimeoutMs };
  return { probe, guards: [createBackupPlanNote(backup), space], beforeApply: [createBackupAction(backup)] };
}
