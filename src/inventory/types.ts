// The resolved, validated shape of one host: what every other module receives.
// Secrets are never stored here: only the *names* of the environment variables that hold them.

export interface JumpHostSpec {
  user: string;
  address: string;
  port: number;
}

export interface HostSpec {
  /** Unique name used in output, --limit and reports. */
  name: string;
  /** Address or DNS name to connect to (defaults to name). */
  address: string;
  port: number;
  user: string;
  /** Private key file, `~` already expanded. */
  identityFile?: string;
  /** Env var holding the passphrase of identityFile. */
  identityPassphraseEnv?: string;
  /** Env var holding the SSH login password (password auth). */
  passwordEnv?: string;
  /** Wrap every command in sudo. */
  become: boolean;
  /** Env var holding the sudo password (omitted: passwordless sudo). */
  becomePasswordEnv?: string;
  jumpHost?: JumpHostSpec;
  /** Pinned host key, OpenSSH style `SHA256:base64`. */
  hostKeyFingerprint?: string;
  rebootCommand: string;
  bootIdCommand: string;
  /** Groups the host belongs to (for --limit and `hosts`). */
  groups: string[];
}

export interface Inventory {
  /** The file it came from (or `<--hosts>`), for messages. */
  source: string;
  hosts: HostSpec[];
  /** Group name -> host names, in inventory order. */
  groups: Record<string, string[]>;
}

export const DEFAULT_REBOOT_COMMAND = 'systemctl reboot';
export const DEFAULT_BOOT_ID_COMMAND = 'cat /proc/sys/kernel/random/boot_id';
