// The jump host hidden in `ansible_ssh_common_args` / `ansible_ssh_extra_args`: `-J user@host:port`,
// `-o ProxyJump=…`, or the classic `-o ProxyCommand="ssh -W %h:%p user@bastion"`. Other ssh options are
// tuning nodescrub's SSH client has no use for, and are left alone.
import { splitShellWords } from './ini-values.js';

/** No jump host mentioned, one (`[user@]host[:port]`, or null for `none`), or why it can't be used. */
export type JumpReading = { kind: 'none' } | { kind: 'jump'; value: string | null } | { kind: 'problem'; message: string };

/** Reads the first jump host the ssh arguments give, as ssh itself would use the first one. */
export function findJumpHost(args: string): JumpReading {
  const words = splitShellWords(args, { comments: false });
  if (typeof words === 'string') return { kind: 'problem', message: `cannot split the ssh arguments: ${words}` };
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (word === '-J' || word === '-o') {
      const value = words[i + 1];
      if (value === undefined) return { kind: 'problem', message: `${word} at the end of the ssh arguments has no value` };
      i++;
      const reading = word === '-J' ? readJump(value) : readOption(value);
      if (reading !== undefined) return reading;
    } else if (word.startsWith('-J')) {
      return readJump(word.slice(2));
    } else if (word.startsWith('-o')) {
      const reading = readOption(word.slice(2));
      if (reading !== undefined) return reading;
    }
  }
  return { kind: 'none' };
}

// `ProxyJump=x`, `ProxyJump x`, `ProxyCommand=…`; undefined for options that say nothing about jumps.
function readOption(option: string): JumpReading | undefined {
  const match = /^\s*([A-Za-z]+)\s*(?:=|\s)\s*(.*)$/.exec(option);
  if (match === null) return undefined;
  const [, key, value] = match;
  if (key.toLowerCase() === 'proxyjump') return readJump(value.trim());
  if (key.toLowerCase() === 'proxycommand') return readProxyCommand(value.trim());
  return undefined;
}

function readJump(value: string): JumpReading {
  if (value.toLowerCase() === 'none') return { kind: 'jump', value: null };
  if (value.includes(',')) {
    return { kind: 'problem', message: `jump host chain "${value}" is not supported: nodescrub connects through one jump host` };
  }
  return { kind: 'jump', value: value.startsWith('ssh://') ? value.slice('ssh://'.length) : value };
}

// Only the `ssh [-q] [-l user] [-p port] -W %h:%p [user@]host` form maps to a jump host.
function readProxyCommand(command: string): JumpReading {
  if (command.toLowerCase() === 'none') return { kind: 'jump', value: null };
  const unsupported: JumpReading = {
    kind: 'problem',
    message: `ProxyCommand ${JSON.stringify(command)} is not supported: write the jump host as -J user@host:port`,
  };
  const words = splitShellWords(command, { comments: false });
  if (typeof words === 'string' || words.length === 0 || !/(^|\/)ssh$/.test(words[0])) return unsupported;
  let user: string | undefined;
  let port: string | undefined;
  let forwards = false;
  const targets: string[] = [];
  for (let i = 1; i < words.length; i++) {
    const word = words[i];
    if (word === '-q' || word === '-4' || word === '-6') continue;
    if (word === '-W' && /^(%h|\[%h\]):%p$/.test(words[i + 1] ?? '')) forwards = true;
    else if (word === '-l' && words[i + 1] !== undefined) user = words[i + 1];
    else if (word === '-p' && words[i + 1] !== undefined) port = words[i + 1];
    else if (!word.startsWith('-')) {
      targets.push(word);
      continue;
    } else return unsupported;
    i++;
  }
  if (!forwards || targets.length !== 1) return unsupported;
  const target = targets[0];
  const withUser = user === undefined || target.includes('@') ? target : `${user}@${target}`;
  return { kind: 'jump', value: port === undefined ? withUser : `${withUser}:${port}` };
}
