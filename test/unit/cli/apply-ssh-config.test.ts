import { applySshConfig } from '../../../src/cli/apply-ssh-config.js';
import type { HostSpec } from '../../../src/inventory/types.js';
import { parseSshConfig } from '../../../src/ssh/ssh-config.js';

const host = (over: Partial<HostSpec>): HostSpec => ({
  name: 'web1',
  address: 'web1',
  port: 22,
  user: 'root',
  become: false,
  rebootCommand: 'systemctl reboot',
  bootIdCommand: 'cat /proc/sys/kernel/random/boot_id',
  groups: [],
  ...over,
});

describe('--ssh-config', () => {
  const config = parseSshConfig(['Host web*', '  HostName 10.0.0.5', '  User ops', '  Port 2222', '  ProxyJump jump@bastion:2200', 'Host *', '  User fallback'].join('\n'));

  it('fills what the inventory left at its defaults', () => {
    const [resolved] = applySshConfig([host({})], config, 'cfg');
    expect(resolved).toMatchObject({ address: '10.0.0.5', user: 'ops', port: 2222, jumpHost: { user: 'jump', address: 'bastion', port: 2200 } });
  });

  it('never overrides what the inventory set', () => {
    const [resolved] = applySshConfig([host({ address: '192.0.2.1', user: 'admin', port: 2201 })], config, 'cfg');
    expect(resolved).toMatchObject({ address: '192.0.2.1', user: 'admin', port: 2201 });
  });
});
