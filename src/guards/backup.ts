// --backup: archive what a rebuild needs on the host before the first step, optionally copy it here
// and check its sha256. Any failure stops the host before anything is deleted.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { HostError } from '../errors.js';
import { hookScript, type GuardVerdict, type HookContext } from '../run/hooks.js';
import { firstLine } from '../run/remote.js';
import { execScript } from '../transport/exec-script.js';
import { archivePaths } from './backup-contents.js';
import { BACKUP_PATHS, backupSpec, buildBackupScript, formatBytes, parseBackupOutput, type BackupSpec } from './backup-script.js';

export interface BackupOptions {
  /** --backup-dir (checked by checkBackupDir); default /var/backups/nodescrub/<probe timestamp>. */
  dir?: string;
  /** --backup-fetch: local directory receiving `<host>-<ts>.tar.gz`. */
  fetchDir?: string;
  /** For the archive command and for the copy, each. */
  timeoutMs: number;
}

/** A guard that never refuses: it puts what --backup will do into the plan. */
export function createBackupPlanNote(options: BackupOptions): (ctx: HookContext) => Promise<GuardVerdict> {
  return async (ctx) => {
    const spec = backupSpec(ctx.host.name, ctx.facts, options.dir);
    const rules = spec.saveCommands.length > 0 ? ` and the iptables rules (${spec.saveCommands.join(', ')})` : '';
    const fetch = options.fetchDir ? `, then copy it to ${join(options.fetchDir, spec.localName)} and compare sha256` : '';
    return { refusals: [], notes: [`backup: before the first step, archive ${BACKUP_PATHS.join(', ')} (those present)${rules} into ${spec.archive}${fetch}`] };
  };
}

/** The beforeApply action: returns notes (path, size, sha256; the local copy); throws HostError step-failed.
 * The cluster data the plan lists goes into the same archive. */
export function createBackupAction(options: BackupOptions): (ctx: HookContext) => Promise<string[]> {
  return async (ctx) => {
    const spec = backupSpec(ctx.host.name, ctx.facts, options.dir);
    const made = await makeArchive(ctx, spec, options.timeoutMs, archivePaths(ctx.plan, true));
    if (made.empty) return [`backup: nothing to archive (none of ${BACKUP_PATHS.join(', ')} exists and no iptables rules)`];
    const notes = [`backup: ${spec.archive} (${formatBytes(made.bytes)}, sha256 ${made.sha256})`, ...made.warnings.map((w) => `backup: warning: ${w}`)];
    if (options.fetchDir) notes.push(await fetchArchive(ctx, spec, made.sha256, options.fetchDir, options.timeoutMs));
    return notes;
  };
}

/** Runs the archive script for `paths`; throws HostError step-failed (nothing deleted yet). */
export async function makeArchive(ctx: HookContext, spec: BackupSpec, timeoutMs: number, paths: readonly string[]) {
  const script = buildBackupScript(spec, paths);
  const result = await execScript(hookScript(ctx), 'backup', script, { timeoutMs });
  if (result.aborted) throw new HostError('aborted', 'interrupted during the backup; nothing was deleted');
  if (result.timedOut) throw failed(`archiving took longer than ${Math.round(timeoutMs / 1000)}s (raise --step-timeout)`);
  if (result.exitCode !== 0) throw failed(`${firstLine(result.stderr) || 'no message'} (exit ${result.exitCode ?? result.exitSignal ?? '?'})`);
  const made = parseBackupOutput(result.stdout);
  if (!made) throw failed(`unexpected output from the archive command: ${JSON.stringify(result.stdout.slice(0, 200))}`);
  return made;
}

/** Copies the archive here (atomically: .partial then rename) and checks its sha256 against the host's. */
async function fetchArchive(ctx: HookContext, spec: BackupSpec, remoteSha256: string, fetchDir: string, timeoutMs: number): Promise<string> {
  if (!ctx.transport.fetchFile) throw failed('this connection cannot copy files back (--backup-fetch)');
  const local = join(fetchDir, spec.localName);
  const partial = `${local}.partial`;
  try {
    await mkdir(fetchDir, { recursive: true });
    await ctx.transport.fetchFile(spec.archive, partial, { timeoutMs, signal: ctx.signal });
  } catch (error) {
    await rm(partial, { force: true });
    if (error instanceof HostError) throw error;
    throw failed(`copying ${spec.archive} to ${local}: ${(error as Error).message}`);
  }
  const localSha256 = await sha256File(partial);
  if (localSha256 !== remoteSha256) {
    await rm(partial, { force: true });
    throw failed(`the copy of ${spec.archive} has sha256 ${localSha256}, the host's archive ${remoteSha256} (copy removed)`);
  }
  await rename(partial, local);
  return `backup: copied to ${local} (sha256 verified)`;
}

/** sha256 of a local file, hex. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

function failed(why: string): HostError {
  return new HostError('step-failed', `backup failed: ${why}; nothing was deleted`);
}
