// The ssh_config subset: first value wins, patterns with * ? and !, tokens in IdentityFile.

import { describe, expect, it } from '@jest/globals';
import { parseJumpTarget, parseSshConfig, readSshConfig, resolveSshConfig } from '../../../../src/inventory/ssh-config/parse.js';

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

  it('notes Match and Include instead of guessing', () => {
    expect(config.notes).toEqual([
      'line 15: Match blocks are not supported; ignored up to the next Host',
      'line 22: Include is not supported; ignored',
    ]);
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
