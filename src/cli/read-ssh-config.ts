// --ssh-config FILE (default ~/.ssh/config when it exists; `none` for none): read and parsed here,
// Include directives followed (a usage error when the file named on the command line is
// unreadable); the inventory's normalisation merges it (src/inventory/ssh-config/merge.ts).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { UsageError } from '../errors.js';
import { parseSshConfig, type SshConfig } from '../inventory/ssh-config/parse.js';

/** The file --ssh-config means: the given one, ~/.ssh/config when it exists and none was given, or none. */
export function sshConfigPath(flag: string | undefined, home: string = homedir()): string | undefined {
  if (flag === 'none') return undefined;
  if (flag !== undefined) return flag;
  const user = join(home, '.ssh', 'config');
  return existsSync(user) ? user : undefined;
}

export function readSshConfigFile(file: string, home: string = homedir()): SshConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--ssh-config ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return parseSshConfig(text, { source: file, include: (pattern) => includedFiles(pattern, home) });
}

/**
 * An Include argument as OpenSSH reads it in a user config: `~` is the home, a relative path is
 * below ~/.ssh, `*` and `?` in the last component are a glob (matches in lexical order); files that
 * do not exist are skipped silently, as ssh does.
 */
function includedFiles(pattern: string, home: string): { file: string; text: string }[] {
  const expanded = pattern.startsWith('~/') ? join(home, pattern.slice(2)) : isAbsolute(pattern) ? pattern : join(home, '.ssh', pattern);
  const dir = dirname(expanded);
  const last = basename(expanded);
  let names: string[] = [last];
  if (/[*?]/.test(last)) {
    const glob = new RegExp(`^${last.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
    try {
      names = readdirSync(dir).filter((name) => glob.test(name) && !name.startsWith('.')).sort();
    } catch {
      return [];
    }
  }
  return names.flatMap((name) => {
    const file = join(dir, name);
    try {
      if (!statSync(file).isFile()) return [];
      return [{ file, text: readFileSync(file, 'utf8') }];
    } catch {
      return [];
    }
  });
}
