// --ssh-config FILE: OpenSSH client config as a fallback for what the inventory leaves at its
// defaults (address = name, port 22, user root, no key file, no jump host). The inventory always wins.
import { readFileSync } from 'node:fs';
import { UsageError } from '../errors.js';
import type { HostSpec } from '../inventory/types.js';
import { parseJumpTarget, parseSshConfig, resolveSshConfig, type SshConfig } from '../ssh/ssh-config.js';

export function readSshConfigFile(file: string): SshConfig {
  try {
    return parseSshConfig(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`--ssh-config ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

/** Fills each host's defaulted fields from the config block matching its name (as `ssh NAME` would). */
export function applySshConfig(hosts: readonly HostSpec[], config: SshConfig, file: string): HostSpec[] {
  return hosts.map((host) => {
    const found = resolveSshConfig(config, host.name);
    const next: HostSpec = { ...host };
    if (found.hostName && host.address === host.name) next.address = found.hostName;
    if (found.port && host.port === 22) next.port = found.port;
    if (found.user && host.user === 'root') next.user = found.user;
    if (found.identityFile && !host.identityFile) next.identityFile = found.identityFile;
    if (found.proxyJump && !host.jumpHost && found.proxyJump !== 'none') {
      const jump = parseJumpTarget(found.proxyJump);
      if (!jump) throw new UsageError(`--ssh-config ${file}: host ${host.name}: ProxyJump "${found.proxyJump}" (only one hop is supported)`);
      next.jumpHost = { user: jump.user ?? next.user, address: jump.address, port: jump.port ?? 22 };
    }
    return next;
  });
}
