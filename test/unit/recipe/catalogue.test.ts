// The exact names the recipe may remove, and the small pure helpers steps rely on.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { INTERFACE_RULES, interfaceRule, isClusterChain, isClusterInterface, isSharedFilesystem, isVni } from '../../../src/recipe/catalogue.js';
import { decodeMountField, encodeMountField } from '../../../src/recipe/facts/mounts.js';
import { ruleComments, ruleTarget, tokenizeRule } from '../../../src/recipe/facts/iptables-save.js';
import { clusterComment } from '../../../src/recipe/steps/iptables.js';
import { isAtOrBelow } from '../../../src/recipe/steps/common.js';
import { unmountOrder } from '../../../src/recipe/steps/mount-order.js';
import type { Mount } from '../../../src/recipe/facts/mounts.js';

describe('interface names', () => {
  it.each([
    'flannel.1', 'flannel.2', 'flannel.10', 'flannel.4096', 'flannel.9999999', 'flannel-v6.1', 'flannel-v6.4096', 'flannel-wg', 'flannel-wg-v6',
    'cni0', 'tunl0', 'cali0123456789a', 'califfffffffffff'.slice(0, 15), 'veth0a1b2c3d', 'vethdeadbeef',
    'vxlan.calico', 'vxlan-v6.calico', 'wireguard.cali', 'wg-v6.cali',
    'cilium_host', 'cilium_net', 'cilium_vxlan', 'cilium_geneve', 'cilium_wg0', 'lxc0123456789ab', 'lxc_health',
    'kube-ipvs0', 'nodelocaldns', 'weave', 'datapath', 'vxlan-6784',
  ])('%s is a cluster interface', (name) => {
    expect(isClusterInterface(name)).toBe(true);
  });
  it.each([
    'lo', 'eth0', 'vethernet0', 'veth12345', 'veth0a1b2c3d4', 'vethDEADBEEF', 'cali-keep', 'cali0123456789', 'cali0123456789ab', 'caliABCDEF01234',
    'cni1', 'cni0.100', 'tunl1', 'xcni0',
    'flannel.0', 'flannel.01', 'flannel.', 'flannel.1a', 'flannel.+1', 'flannel.16777216', 'flannel.99999999', 'flannel-v7.1', 'flannel-v6.0', 'flannel-v6', 'flannel-wg0', 'flannel.wg',
    'vxlan.calico2', 'Vxlan.calico', 'wireguard.calico', 'wg.cali',
    'cilium_hostx', 'cilium_host0', 'cilium', 'cilium_wg1', 'lxcABCDEF012345', 'lxc0123456789a', 'lxc0123456789abc', 'lxc_health2', 'lxc-health',
    'kube-ipvs1', 'nodelocaldns0', 'weave2', 'weave0', 'datapath0', 'vxlan-6785', 'vxlan_sys_4789',
  ])('%s is not', (name) => {
    expect(isClusterInterface(name)).toBe(false);
  });
  it('reads a VNI as 1..16777215 in decimal, without a leading zero', () => {
    expect(['1', '4096', '16777215'].every(isVni)).toBe(true);
    expect(['0', '01', '16777216', '', '1e3', ' 1', '0x10', '-1'].some(isVni)).toBe(false);
  });
  it('matches each name with one rule at most, and every rule names its source', () => {
    for (const name of ['flannel.1', 'flannel-v6.1', 'lxc_health', 'lxc0123456789ab', 'weave', 'cni0']) {
      expect(INTERFACE_RULES.filter((r) => r.matches(name))).toHaveLength(1);
    }
    for (const rule of INTERFACE_RULES) expect(rule.source).not.toBe('');
    expect(interfaceRule('cilium_vxlan')?.kinds).toEqual(['vxlan']);
    expect(interfaceRule('kube-ipvs0')?.kinds).toEqual(['dummy']);
    expect(interfaceRule('tunl0')?.kinds).toBeNull();
  });
  it('README\'s interface table names every rule', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const start = readme.indexOf('**Interface table**');
    const table = readme.slice(start, readme.indexOf('**iptables table**', start));
    expect(start).toBeGreaterThan(-1);
    for (const { label } of INTERFACE_RULES) {
      const plus = label.indexOf(' + ');
      expect(table).toContain(plus === -1 ? `\`${label}\`` : `\`${label.slice(0, plus)}\`${label.slice(plus)}`);
    }
  });
});

describe('chains and filesystems', () => {
  it('owns the CNIs\' and kube-proxy\'s chains only, case-sensitively', () => {
    expect(['cali-FORWARD', 'cali-pri-kns.default', 'KUBE-SVC-ABC', 'KUBE-FIREWALL', 'FLANNEL-FWD', 'FLANNEL-POSTRTG', 'CILIUM_INPUT',
      'CILIUM_FORWARD', 'CILIUM_OUTPUT', 'CILIUM_POST_nat', 'CILIUM_PRE_mangle', 'OLD_CILIUM_PRE_mangle', 'WEAVE', 'WEAVE-NPC',
      'WEAVE-NPC-INGRESS', 'WEAVE-NPC-EGRESS-DEFAULT', 'WEAVE-EXPOSE', 'WEAVE-CANARY', 'CNI-FORWARD', 'CNI-HOSTPORT-DNAT'].every(isClusterChain)).toBe(true);
    expect(['CALI-FORWARD', 'kube-services', 'KUBE', 'cali', 'DOCKER', 'FLANNEL', 'FLANNELS', 'flannel-fwd', 'CILIUM', 'CILIUMX', 'cilium_INPUT',
      'OLD_CILIUM', 'WEAVE2', 'WEAVEX', 'weave', 'WEAVE_NPC', 'INPUT', 'Kube-X', 'CNI-KEEP', 'calico-keep'].some(isClusterChain)).toBe(false);
  });
  it('treats network, cluster, VM-share and FUSE filesystems as shared', () => {
    expect(['nfs', 'nfs4', 'cifs', 'smb3', 'ceph', 'glusterfs', 'fuse.sshfs', 'fuse', 'lustre', '9p', 'virtiofs'].every(isSharedFilesystem)).toBe(true);
    expect(['tmpfs', 'ext4', 'xfs', 'overlay', 'btrfs', 'proc'].some(isSharedFilesystem)).toBe(false);
  });
  it('matches paths on segment boundaries', () => {
    expect(isAtOrBelow('/var/lib/kubelet', '/var/lib/kubelet')).toBe(true);
    expect(isAtOrBelow('/var/lib/kubelet/pods/x', '/var/lib/kubelet')).toBe(true);
    expect(isAtOrBelow('/var/lib/kubeletfoo', '/var/lib/kubelet')).toBe(false);
    expect(isAtOrBelow('/var/lib/kubelet x', '/var/lib/kubelet')).toBe(false);
    expect(isAtOrBelow('/var/lib', '/var/lib/kubelet')).toBe(false);
  });
});

describe('mountinfo escapes', () => {
  it('decodes what the kernel encodes, for any path', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary-ascii' }), (path) => {
      const encoded = encodeMountField(path);
      expect(encoded).not.toMatch(/[ \t\n]/);
      expect(decodeMountField(encoded)).toBe(path);
    }));
  });
  it('refuses a backslash without three octal digits', () => {
    expect(decodeMountField('a\\04')).toBeNull();
    expect(decodeMountField('a\\x41')).toBeNull();
    expect(decodeMountField('a\\')).toBeNull();
  });
});

describe('iptables-save rule tokens', () => {
  it('honours quotes and escapes, so a comment never yields a target', () => {
    const tokens = tokenizeRule('-A X -m comment --comment "say \\"hi\\" -j KUBE-Y \\\\" -j ACCEPT');
    expect(tokens).toEqual(['-A', 'X', '-m', 'comment', '--comment', 'say "hi" -j KUBE-Y \\', '-j', 'ACCEPT']);
    expect(ruleTarget(tokens ?? [])).toBe('ACCEPT');
    expect(ruleTarget(['-p', 'tcp', '-g', 'cali-x'])).toBe('cali-x');
    expect(ruleTarget(['-p', 'tcp'])).toBeNull();
    expect(tokenizeRule('-A X --comment "open')).toBeNull();
  });
  it('reads every -m comment --comment value, and only those', () => {
    const tokens = tokenizeRule('-A X -m comment --comment "first one" -p tcp -m comment --comment cali:abc -j LOG --log-prefix "cali:no"') ?? [];
    expect(ruleComments(tokens)).toEqual(['first one', 'cali:abc']);
    expect(ruleComments(tokenizeRule('-A X --comment cali:x -j ACCEPT') ?? [])).toEqual([]);
    expect(ruleComments(tokenizeRule('-A X -m comment --comment') ?? [])).toEqual([]);
  });
  it('takes a rule of a kept chain as Calico\'s or Cilium\'s by a comment that starts with cali: or cilium-feeder:', () => {
    const rule = (line: string) => ({ chain: 'FORWARD', line, target: null });
    expect(clusterComment(rule('-A FORWARD -m comment --comment "cali:wUHhoiAYhphO9Mso" -j ACCEPT'))).toEqual({ comment: 'cali:wUHhoiAYhphO9Mso', source: 'Calico' });
    expect(clusterComment(rule('-A FORWARD -m comment --comment "cilium-feeder: CILIUM_FORWARD" -j ACCEPT'))?.source).toBe('Cilium');
    for (const comment of ['calico-keep', 'keep cali:x', 'CALI:x', 'cali-x', 'cilium-feeder', 'cilium: accept']) {
      expect(clusterComment(rule(`-A FORWARD -m comment --comment "${comment}" -j ACCEPT`))).toBeNull();
    }
    expect(clusterComment(rule('-A FORWARD -j LOG --log-prefix "cali:x"'))).toBeNull();
  });
});

describe('unmount order', () => {
  const m = (id: number, parentId: number, mountPoint: string): Mount => ({ id, parentId, mountPoint, root: '/', fsType: 'tmpfs', source: 'tmpfs', options: 'rw' });

  it('puts every mount before the mount it sits on, for any mount forest', () => {
    const forest = fc.array(fc.nat(20), { minLength: 1, maxLength: 25 }).map((parents) =>
      parents.map((p, i) => m(i + 100, i === 0 || p >= i ? 1 : p + 100, `/var/lib/kubelet/m${i}`)),
    );
    fc.assert(fc.property(forest, (mounts) => {
      const order = unmountOrder(mounts, mounts);
      expect([...order].sort((a, b) => a.id - b.id)).toEqual([...mounts].sort((a, b) => a.id - b.id));
      const position = new Map(order.map((mount, i) => [mount.id, i]));
      for (const mount of mounts) {
        if (position.has(mount.parentId)) expect(position.get(mount.id)).toBeLessThan(position.get(mount.parentId) as number);
      }
    }));
  });

  it('unmounts a later mount shadowing a tree before the hidden mount below it', () => {
    const hidden = m(170, 59, '/var/lib/rancher/agent/x');
    const over = m(201, 59, '/var/lib/rancher');
    expect(unmountOrder([hidden, over], [hidden, over]).map((x) => x.id)).toEqual([201, 170]);
  });

  it('never drops a mount, even if parent ids loop', () => {
    const a = m(1, 2, '/var/lib/kubelet/a');
    const b = m(2, 1, '/var/lib/kubelet/b');
    expect(unmountOrder([a, b], [a, b])).toHaveLength(2);
  });
});
