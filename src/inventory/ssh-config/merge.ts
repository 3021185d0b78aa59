// --ssh-config: OpenSSH client config fills what nobody wrote for a host — not the inventory (host,
// group, defaults), not the ad-hoc flags. A value written explicitly wins even when it equals the
// built-in default (`port: 22`, `user: root`): the merge asks where a value came from, not what it is.
import { InventoryError } from '../../errors.js';
import type { HostSpec } from '../types.js';
import { parseJumpTarget, resolveSshConfig, type SshConfig } from './parse.js';

/** A parsed ssh_config and the file it came from (for messages). */
export interface SshConfigSource {
  file: string;
  config: SshConfig;
}

/** Which connection settings were written somewhere for this host (the rest are built-in defaults). */
export interface WrittenSettings {
  address: boolean;
  port: boolean;
  user: boolean;
  identityFile: boolean;
  jumpHost: boolean;
}

/**
 * Fills the unwritten settings of `spec` from the config block matching its name (as `ssh NAME`
 * would). An IdentityFile from the config replaces the default key (~/.ssh/id_*) as in ssh itself.
 * Throws InventoryError for a ProxyJump nodescrub cannot follow (several hops).
 */
export function fillFromSshConfig(spec: HostSpec, written: WrittenSettings, source: SshConfigSource, home: string): HostSpec {
  // %r is the remote user the host gets anyway: the written one, else the built-in default.
  const found = resolveSshConfig(source.config, spec.name, {
    home,
    remoteUser: spec.user,
    note: (message) => source.config.notes.push(`${source.file}: ${message}`),
  });
  const next: HostSpec = { ...spec };
  if (found.hostName !== undefined && !written.address) next.address = found.hostName;
  if (found.port !== undefined && !written.port) next.port = found.port;
  if (found.user !== undefined && !written.user) next.user = found.user;
  if (found.identityFile !== undefined && !written.identityFile) next.identityFile = found.identityFile;
  if (found.proxyJump !== undefined && !written.jumpHost) {
    const jump = parseJumpTarget(found.proxyJump);
    if (!jump) throw new InventoryError([`${source.file}: host ${spec.name}: ProxyJump "${found.proxyJump}" is not supported (only one hop [user@]host[:port])`]);
    next.jumpHost = { user: jump.user ?? next.user, address: jump.address, port: jump.port ?? 22 };
  }
  return next;
}
