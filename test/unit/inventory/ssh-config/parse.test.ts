// The ssh_config subset: first value wins, patterns with * ? and !, tokens in IdentityFile.

import { describe, expect, it } from '@jest/globals';
import { parseJumpTarget, parseSshConfig, readSshConfig, resolveSshConfig, splitArguments } from '../../../../src/inventory/ssh-config/parse.js';

const config = parseSshConfig(`
Host bastion
  HostName bastion.example.com
  User ops
  Port 2222

Host node?? !node99 "quoted name"
  HostName %h.rack3.example.com
  ProxyJump ops@bastion:2222
  IdentityFile ~/.ssh/id_%r_%h

Host node99
  ProxyJump none

Match host *
  User ignored

Host *
  User=everyone
  Port 22
  IdentityFile ~/.ssh/id_ed25519
  Include other.conf
`);

describe('resolveSshConfig', () => {
  it('reads a plain Host block, first value winning over later Host *', () => {
    expect(resolveSshConfig(config, 'bastion', '/home/me')).toEqual({
      hostName: 'bastion.example.com',
      user: 'ops',
      port: 2222,
      identityFile: '/home/me/.ssh/id_ed25519',
    });
  });

  it('applies glob patterns and expands tokens', () => {
    expect(resolveSshConfig(config, 'node07', '/home/me')).toEqual({
      hostName: 'node07.rack3.example.com',
      user: 'everyone',
      port: 22,
      proxyJump: 'ops@bastion:2222',
      identityFile: '/home/me/.ssh/id_everyone_node07.rack3.example.com',
    });
  });

  it('lets a negated pattern veto a block', () => {
    const resolved = resolveSshConfig(config, 'node99', '/home/me');
    expect(resolved.hostName).toBeUndefined();
    expect(resolved.proxyJump).toBeUndefined();
  });

  it('understands quoted patterns and = separators', () => {
    expect(resolveSshConfig(config, 'quoted name', '/h').proxyJump).toBe('ops@bastion:2222');
    expect(resolveSshConfig(parseSshConfig('Host x\n  User=alice'), 'x').user).toBe('alice');
  });

  it('notes Match, and an Include it cannot follow, instead of guessing', () => {
    expect(config.notes).toEqual([
      'line 15: Match blocks are not supported; ignored up to the next Host',
      'line 22: Include cannot be followed here; ignored',
    ]);
  });

  it('follows Include in place, through the resolver, naming each file in its notes', () => {
    const files: Record<string, string> = {
      'conf.d/a': 'Host web*\n  User weba\nMatch host x\n',
      'conf.d/b': 'Host web1\n  Port 2201\nInclude loop\n',
      loop: 'Include loop\n',
    };
    const parsed = parseSshConfig('Include conf.d/*\nHost *\n  User fallback\n', {
      source: 'cfg',
      include: (pattern) => Object.keys(files).filter((f) => (pattern.endsWith('*') ? f.startsWith(pattern.slice(0, -1)) : f === pattern)).map((f) => ({ file: f, text: files[f] })),
    });
    expect(resolveSshConfig(parsed, 'web1')).toMatchObject({ user: 'weba', port: 2201 });
    expect(resolveSshConfig(parsed, 'db1').user).toBe('fallback');
    expect(parsed.notes).toContain('conf.d/a: line 3: Match blocks are not supported; ignored up to the next Host');
    expect(parsed.notes).toContain('loop: line 1: Include nested deeper than 16; ignored');
  });

  it('reads arguments as ssh does: double or single quotes, backslash escapes', () => {
    expect(splitArguments('"a b" \'c d\' e\\ f "g\\"h" i')).toEqual(['a b', 'c d', 'e f', 'g"h', 'i']);
    const quoted = parseSshConfig("Host q\n  IdentityFile '~/.ssh/my key'\n");
    expect(resolveSshConfig(quoted, 'q', { home: '/home/me' }).identityFile).toBe('/home/me/.ssh/my key');
  });

  it('%u is the local user and %r the remote one; an unknown token is kept and noted', () => {
    const tokens = parseSshConfig('Host a\n  IdentityFile ~/.ssh/%u-for-%r-%h\nHost b\n  User ops\n  IdentityFile /k/%r-%C\n');
    const notes: string[] = [];
    expect(resolveSshConfig(tokens, 'a', { home: '/h', localUser: 'alice', remoteUser: 'root' }).identityFile).toBe('/h/.ssh/alice-for-root-a');
    expect(resolveSshConfig(tokens, 'b', { home: '/h', localUser: 'alice', note: (n) => notes.push(n) }).identityFile).toBe('/k/ops-%C');
    expect(notes).toEqual(['IdentityFile /k/%r-%C: %C is not supported; left as written']);
  });

  it('lets lines before the first Host apply to every host, first (as in OpenSSH)', () => {
    const global = parseSshConfig('User fallback\nHost bastion\n  User ops\n');
    expect(resolveSshConfig(global, 'bastion').user).toBe('fallback');
  });

  it('reads a missing file as an empty config', async () => {
    expect(resolveSshConfig(await readSshConfig('/nonexistent/ssh_config'), 'x')).toEqual({});
  });

  it('returns nothing for an alias nothing matches', () => {
    expect(resolveSshConfig(parseSshConfig('Host a\n  User u\n'), 'b')).toEqual({});
  });
});

describe('parseJumpTarget', () => {
  it.each([
    ['bastion', { address: 'bastion' }],
    ['ops@bastion:2222', { user: 'ops', address: 'bastion', port: 2222 }],
    ['ops@[::1]:22', { user: 'ops', address: '::1', port: 22 }],
  ])('parses %s', (value, expected) => {
    expect(parseJumpTarget(value)).toEqual(expected);
  });

  it('refuses chains and garbage', () => {
    expect(parseJumpTarget('a,b')).toBeUndefined();
    expect(parseJumpTarget('a b')).toBeUndefined();
  });
});
