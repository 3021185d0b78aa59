// The --backup archive, as data: where it goes, what it holds, the one sh script that makes it and
// how its output reads. Pure, so plan, run and tests see the same script.
import { normalize } from 'node:path/posix';
import { fail, ok, type Result } from '../errors.js';
import { CLEANUP_DIRECTORIES, MOUNT_TREES } from '../recipe/catalogue.js';
import type { Facts } from '../recipe/types.js';
import { shellQuote } from '../transport/shell-quote.js';

export { formatBytes } from '../report/format-bytes.js';

/** What a rebuild needs back: cluster config and certificates, CNI config, RKE state, etcd data. */
export const BACKUP_PATHS = ['/etc/kubernetes', '/etc/cni', '/opt/rke', '/var/lib/etcd'] as const;
export const DEFAULT_BACKUP_ROOT = '/var/backups/nodescrub';

export interface BackupSpec {
  /** Directory on the host (created, mode 700). */
  dir: string;
  /** `<dir>/nodescrub-backup-<host>-<ts>.tar.gz`. */
  archive: string;
  /** iptables-save variants the host has (from the probe), each dumped fresh into `<dir>/<command>.rules`. */
  saveCommands: string[];
  /** `<host>-<ts>.tar.gz`: the name of the local copy under --backup-fetch. */
  localName: string;
}

/** Turns a host name into a file-name part (no slash, no leading dot). */
export function safeFileName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
}

/** Where this host's backup goes: --backup-dir, else /var/backups/nodescrub/<probe timestamp>. */
export function backupSpec(hostName: string, facts: Pick<Facts, 'probe' | 'iptables'>, dirOption?: string): BackupSpec {
  const ts = facts.probe.timestamp;
  const dir = dirOption ?? `${DEFAULT_BACKUP_ROOT}/${ts}`;
  const host = safeFileName(hostName);
  const saveCommands = [...new Set(facts.iptables.dumps.filter((d) => d.error === null && /^[a-z0-9][a-z0-9-]*$/.test(d.saveCommand)).map((d) => d.saveCommand))];
  return { dir, archive: `${dir}/nodescrub-backup-${host}-${ts}.tar.gz`, saveCommands, localName: `${host}-${ts}.tar.gz` };
}

/**
 * Checks --backup-dir: absolute, and not equal to or below a directory the cleanup removes (the
 * backup would be deleted by the very run that made it). Returns the normalized path or why not.
 */
export function checkBackupDir(path: string): Result<string> {
  if (!path.startsWith('/')) return fail(`expected an absolute path on the host, got "${path}"`);
  if (/[\0\n]/.test(path)) return fail('must not contain NUL or newline characters');
  const dir = normalize(path).replace(/\/+$/, '');
  if (dir === '') return fail('must not be /');
  const variants = [dir, dir.replace(/^\/var\/run(?=\/|$)/, '/run'), dir.replace(/^\/run(?=\/|$)/, '/var/run')];
  const removed = [...CLEANUP_DIRECTORIES, ...MOUNT_TREES].find((root) => variants.some((v) => v === root || v.startsWith(`${root}/`)));
  if (removed) return fail(`${dir} is inside ${removed}, which the cleanup removes`);
  return ok(dir);
}

/**
 * One sh script, `set -e`: make the directory, dump each iptables variant fresh, tar + gzip the
 * paths (absolute; BACKUP_PATHS by default) that exist (relative to /, so `tar -xzf … -C /` restores them in place), then print the
 * size and sha256. GNU tar's exit 1 for a file that changed while read (a running etcd) is a
 * warning, not a failure. Every path is quoted by shellQuote.
 */
export function buildBackupScript(spec: BackupSpec, paths: readonly string[] = BACKUP_PATHS): string {
  const rel = spec.dir.slice(1);
  const dumps = spec.saveCommands.map((cmd) => `${shellQuote(cmd)} > "$D"/${shellQuote(`${cmd}.rules`)}; set -- "$@" ${shellQuote(`${rel}/${cmd}.rules`)}`);
  return [
    'set -e',
    `D=${shellQuote(spec.dir)}; A=${shellQuote(spec.archive)}`,
    'umask 022; mkdir -p "$D"; chmod 700 "$D"; umask 077',
    'cd /',
    'set --',
    `for p in ${paths.map((p) => shellQuote(p.slice(1))).join(' ')}; do if [ -e "$p" ] || [ -L "$p" ]; then set -- "$@" "$p"; fi; done`,
    ...dumps,
    "if [ $# -eq 0 ]; then echo empty; exit 0; fi",
    'rc=0; tar -czf "$A.partial" "$@" 2>"$A.err" || rc=$?',
    'if [ "$rc" -ne 0 ]; then',
    `  if [ "$rc" -eq 1 ] && grep -q 'file changed as we read it' "$A.err"; then echo 'warning some files changed while being archived'; else cat "$A.err" >&2; rm -f "$A.partial" "$A.err"; exit "$rc"; fi`,
    'fi',
    'rm -f "$A.err"; mv -f "$A.partial" "$A"',
    `printf 'size %s\\n' "$(wc -c < "$A")"`,
    'if command -v sha256sum >/dev/null 2>&1; then h=$(sha256sum < "$A"); else h=$(openssl dgst -sha256 -r < "$A"); fi',
    `printf 'sha256 %s\\n' "\${h%% *}"`,
  ].join('\n');
}

export type BackupOutput = { empty: true } | { empty: false; bytes: number; sha256: string; warnings: string[] };

/** Reads the script's stdout; undefined when it is not what the script prints. */
export function parseBackupOutput(stdout: string): BackupOutput | undefined {
  const lines = stdout.split('\n').map((l) => l.trim());
  if (lines.includes('empty')) return { empty: true };
  const size = lines.map((l) => /^size\s+(\d+)$/.exec(l)).find(Boolean);
  const sha = lines.map((l) => /^sha256 ([0-9a-f]{64})$/.exec(l)).find(Boolean);
  if (!size || !sha) return undefined;
  const warnings = lines.filter((l) => l.startsWith('warning ')).map((l) => l.slice('warning '.length));
  return { empty: false, bytes: Number(size[1]), sha256: sha[1], warnings };
}
