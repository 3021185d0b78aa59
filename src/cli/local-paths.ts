// Every local path a fleet command will write or must read, checked before the first connection:
// a report that cannot be written after forty hosts were cleaned loses the record of what was done
// (and used to exit 70 without the summary), so an unusable path is an operator error, exit 1, and
// nothing is contacted. Checks what can be known now: existence, type and permission.
import { accessSync, constants, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import type { RunMode } from '../run/events.js';
import { knownHostsFile } from './connect.js';
import type { FleetCliOptions } from './options.js';

// `where` is the flag and its path (`--known-hosts /x/kh`): every refusal names both, also when
// it is a directory on the way that cannot be searched (EACCES for a user other than its owner).
function stat(path: string, where: string): Stats | null {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null; // missing, or below a file: the callers say which
    const why = code === 'EACCES' ? 'permission denied on a directory on the way (EACCES)' : (code ?? (error as Error).message);
    const subject = where.endsWith(` ${path}`) ? '' : ` ${path}`;
    throw new UsageError(`${where}:${subject} cannot be checked: ${why}`);
  }
}

function can(path: string, mode: number): boolean {
  try {
    accessSync(path, mode);
    return true;
  } catch {
    return false;
  }
}

/** The closest existing ancestor of a path that does not exist (what `mkdir -p` would create under). */
function existingAncestor(path: string, where: string): string {
  let dir = dirname(resolve(path));
  while (stat(dir, where) === null && dir !== dirname(dir)) dir = dirname(dir);
  return dir;
}

/** A file nodescrub writes (replaced if it exists): its directory must exist and take new files. */
export function checkOutputFile(flag: string, path: string): void {
  const where = `${flag} ${path}`;
  const self = stat(path, where);
  if (self?.isDirectory()) throw new UsageError(`${where}: is a directory, a file name is expected`);
  if (self && !self.isFile()) throw new UsageError(`${where}: exists and is not a regular file`);
  const dir = dirname(resolve(path));
  const parent = stat(dir, where);
  if (!parent) throw new UsageError(`${where}: directory ${dir} does not exist`);
  if (!parent.isDirectory()) throw new UsageError(`${where}: ${dir} is not a directory`);
  if (!can(dir, constants.W_OK | constants.X_OK)) throw new UsageError(`${where}: directory ${dir} is not writable`);
}

/** A directory nodescrub writes into (created with its parents if missing). */
export function checkOutputDirectory(flag: string, path: string): void {
  const where = `${flag} ${path}`;
  const self = stat(path, where);
  if (self && !self.isDirectory()) throw new UsageError(`${where}: exists and is not a directory`);
  const target = self ? resolve(path) : existingAncestor(path, where);
  if (!stat(target, where)?.isDirectory()) throw new UsageError(`${where}: ${target} is not a directory`);
  if (!can(target, constants.W_OK | constants.X_OK)) throw new UsageError(`${where}: ${target} is not writable`);
}

/** known_hosts: read for every host, appended to under accept-new; must exist under strict. */
export function checkKnownHosts(path: string, policy: FleetCliOptions['hostKeyPolicy']): void {
  const where = `--known-hosts ${path}`;
  if (policy === 'off') return;
  const self = stat(path, where);
  if (self?.isDirectory()) throw new UsageError(`${where}: is a directory, a known_hosts file is expected`);
  if (self && !can(path, constants.R_OK)) throw new UsageError(`${where}: is not readable`);
  if (!self && policy === 'strict') {
    throw new UsageError(`${where}: does not exist; with --host-key-policy strict every host would be refused (use accept-new to learn keys)`);
  }
  if (policy === 'accept-new') {
    if (self && !can(path, constants.W_OK)) throw new UsageError(`${where}: is not writable (accept-new adds the keys it learns)`);
    if (!self) checkOutputDirectory('--known-hosts', dirname(path));
  }
}

/** All of them, for one fleet pass in `mode` (plan writes no report). */
export function checkLocalPaths(options: FleetCliOptions, mode: RunMode): void {
  if (mode !== 'plan' && options.report) checkOutputFile('--report', options.report);
  if (mode !== 'plan' && options.junit) checkOutputFile('--junit', options.junit);
  if (options.logDir) checkOutputDirectory('--log-dir', options.logDir);
  const fetchDir = options.guards.backup?.fetchDir;
  if (mode === 'run' && fetchDir) checkOutputDirectory('--backup-fetch', fetchDir);
  checkKnownHosts(knownHostsFile(options), options.hostKeyPolicy);
}
