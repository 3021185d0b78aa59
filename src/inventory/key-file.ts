// Private key paths: `~` expansion, paths relative to the inventory, readability, the default key.
import { accessSync, constants, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/** Keys OpenSSH tries when none is configured, in its order of preference among common types. */
export const DEFAULT_KEY_FILES = ['~/.ssh/id_ed25519', '~/.ssh/id_ecdsa', '~/.ssh/id_rsa'];

/** `~/x` → home, relative → next to the inventory, so the same file works from any cwd. */
export function resolveKeyPath(path: string, baseDir: string, homeDir: string = homedir()): string {
  if (path === '~') return homeDir;
  if (path.startsWith('~/')) return join(homeDir, path.slice(2));
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

/** Why a file can't be read as a key, or undefined when it can (checked now, not mid-run). */
export function explainUnreadableFile(path: string): string | undefined {
  try {
    if (!statSync(path).isFile()) return `not a regular file: ${path}`;
    accessSync(path, constants.R_OK);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return `no such file: ${path}`;
    if (code === 'EACCES' || code === 'EPERM') return `permission denied: ${path}`;
    return `cannot read ${path}: ${code ?? String(error)}`;
  }
}

/** The first default key that exists and is readable; none is fine (agent or password may do). */
export function findDefaultKey(homeDir: string = homedir()): string | undefined {
  return DEFAULT_KEY_FILES.map((file) => resolveKeyPath(file, homeDir, homeDir)).find((path) => explainUnreadableFile(path) === undefined);
}
