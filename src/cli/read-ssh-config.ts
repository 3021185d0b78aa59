// --ssh-config FILE: read and parsed here (a usage error when unreadable); the inventory's
// normalisation merges it (src/inventory/ssh-config/merge.ts).
import { readFileSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { parseSshConfig, type SshConfig } from '../inventory/ssh-config/parse.js';

export function readSshConfigFile(file: string): SshConfig {
  try {
    return parseSshConfig(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`--ssh-config ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}
