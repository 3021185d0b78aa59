// Privilege escalation for non-root users: what exactly is sent, and how a sudo refusal is recognised.

import type { HostSpec } from '../inventory/types.js';
import { shellQuote } from '../transport/shell-quote.js';

/** The command line sent over SSH and the bytes written to its stdin. */
export interface WrappedCommand {
  command: string;
  stdin?: string;
}

export interface BecomeSettings {
  /** host.become and a user other than root. */
  enabled: boolean;
  /** sudo password (omitted: passwordless sudo is expected). */
  password?: string;
}

/** Become only matters for a non-root login; root runs the plain `sh -c` form. */
export function needsSudo(host: Pick<HostSpec, 'become' | 'user'>): boolean {
  return host.become && host.user !== 'root';
}

// Under sudo (use_pty) the command gets its own process group, so the signal sshd delivers on a
// timeout reaches only sudo, which relays TERM to its direct child and leaves grandchildren running
// as root. This guard runs the command in the background (stdin kept through fd 3) and turns
// TERM/HUP/INT into SIGKILL for its whole process group. Checked against OpenSSH 9.2 + sudo 1.9.13.
const KILL_GROUP_GUARD = 'exec 3<&0; trap "kill -KILL 0" TERM HUP INT; sh -c "$1" <&3 3<&- & wait $!';

/**
 * Wraps a command so it runs under `sh` whatever the login shell is, and under sudo when become is
 * on. With a password: `sudo -S -k -p ''` reads it from the first stdin line (`-k` ignores cached
 * credentials so sudo always consumes that line instead of handing it to the command). Without one:
 * `sudo -n` fails at once rather than eating the caller's stdin as a password. SSH_CONNECTION is
 * passed through because sudo's env_reset drops it and the cleanup uses it to spare the SSH link.
 */
export function wrapCommand(command: string, become: BecomeSettings, stdin?: string): WrappedCommand {
  if (!become.enabled) {
    const plain = `sh -c ${shellQuote(command)}`;
    return stdin === undefined ? { command: plain } : { command: plain, stdin };
  }
  const inner = `sh -c ${shellQuote(KILL_GROUP_GUARD)} nodescrub ${shellQuote(command)}`;
  const env = `env SSH_CONNECTION="$SSH_CONNECTION" ${inner}`;
  if (become.password === undefined) {
    return stdin === undefined ? { command: `sudo -n ${env}` } : { command: `sudo -n ${env}`, stdin };
  }
  return { command: `sudo -S -k -p '' ${env}`, stdin: `${become.password}\n${stdin ?? ''}` };
}

export type SudoRefusal = 'wrong-password' | 'password-required' | 'not-allowed';

// sudo's own messages (C locale); "Sorry, try again." is the retry line after a wrong password.
const WRONG_PASSWORD = /^Sorry, try again\.?$|^sudo: \d+ incorrect password attempts?$|^sudo: no password was provided$/m;
const PASSWORD_REQUIRED = /^sudo: (?:a password is required|a terminal is required to read the password)/m;
const NOT_ALLOWED = /^(?:sudo: )?\S+ is not in the sudoers file|^Sorry, user \S+ is not allowed to execute|^(?:sudo: )?(?:User )?\S+ is not allowed to run sudo/m;

/** Recognises a command that never ran because sudo refused (exit code 1 and sudo's message). */
export function detectSudoRefusal(exitCode: number | null, stderr: string): SudoRefusal | undefined {
  if (exitCode !== 1) return undefined;
  if (NOT_ALLOWED.test(stderr)) return 'not-allowed';
  if (WRONG_PASSWORD.test(stderr)) return 'wrong-password';
  if (PASSWORD_REQUIRED.test(stderr)) return 'password-required';
  return undefined;
}

/** One-line reason for a sudo refusal, naming the env var to fix and never its value. */
export function describeSudoRefusal(refusal: SudoRefusal, host: Pick<HostSpec, 'user' | 'becomePasswordEnv'>): string {
  switch (refusal) {
    case 'wrong-password':
      return `sudo refused the password for ${host.user}${host.becomePasswordEnv ? ` (from $${host.becomePasswordEnv})` : ''}`;
    case 'password-required':
      return `sudo requires a password for ${host.user}; set becomePasswordEnv to the variable holding it`;
    case 'not-allowed':
      return `${host.user} is not allowed to run sudo on this host`;
  }
}
