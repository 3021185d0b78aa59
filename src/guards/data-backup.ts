// The default backup of cluster data (etcd, snapshots, local-path volumes): `plan` and `run` check
// the free space where it will go (refusing the host when it does not fit), `run` archives the
// data on the host before the first step. --no-backup turns all of it off; with --backup the data
// joins that archive and the same space check covers both.
import type { GuardVerdict, HookContext } from '../run/hooks.js';
import { formatBytes } from '../report/format-bytes.js';
import { archivePaths, backupContents, decideBackupSpace, describeData } from './backup-contents.js';
import { makeArchive, type BackupOptions } from './backup.js';
import { backupSpec } from './backup-script.js';
import { BACKUP_SPACE_SECTION, parseBackupSpace } from './backup-space.js';

export interface DataBackupOptions {
  /** --backup-dir; default /var/backups/nodescrub/<probe timestamp>. */
  dir?: string;
  /** --backup given: its archive holds the data too. */
  explicit: boolean;
}

/** Refuses a host whose archive would not fit; notes what will be archived where. No data and no
 * --backup: nothing to say. */
export function createBackupSpaceGuard(options: DataBackupOptions): (ctx: HookContext) => Promise<GuardVerdict> {
  return async (ctx) => {
    const contents = backupContents(ctx.plan, ctx.facts, options.explicit);
    if (contents.paths.length === 0 && !options.explicit) return { refusals: [], notes: [] };
    const verdict = decideBackupSpace(contents, parseBackupSpace(ctx.facts.custom?.[BACKUP_SPACE_SECTION]));
    if ('refusal' in verdict) return { refusals: [verdict.refusal], notes: [] };
    if (options.explicit) return { refusals: [], notes: [verdict.note] };
    // One line per host: what, where, and the space it was checked against.
    const spec = backupSpec(ctx.host.name, ctx.facts, options.dir);
    const intro = `backup: before the first step, archive the cluster data ${describeData(contents.data)} into ${spec.archive} (--no-backup skips it)`;
    return { refusals: [], notes: [`${intro}; ${verdict.note.replace(/^backup: /, '')}`] };
  };
}

/** The beforeApply action without --backup: archives the cluster data the plan lists, if any. */
export function createDataBackupAction(options: Pick<BackupOptions, 'dir' | 'timeoutMs'>): (ctx: HookContext) => Promise<string[]> {
  return async (ctx) => {
    const paths = archivePaths(ctx.plan, false);
    if (paths.length === 0) return [];
    // Only the data: the iptables rules are saved by their own step, and fully with --backup.
    const spec = { ...backupSpec(ctx.host.name, ctx.facts, options.dir), saveCommands: [] };
    const made = await makeArchive(ctx, spec, options.timeoutMs, paths);
    if (made.empty) return [`backup: the cluster data ${paths.join(', ')} was gone before it could be archived`];
    return [
      `backup: ${spec.archive} (${formatBytes(made.bytes)}, sha256 ${made.sha256}) holds the cluster data ${paths.join(', ')}`,
      ...made.warnings.map((w) => `backup: warning: ${w}`),
    ];
  };
}
