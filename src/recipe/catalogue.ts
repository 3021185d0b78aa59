// Every name the built-in recipe knows, in one place: what it looks for and what it may remove.
// Anything not matched here exactly is left alone.

/** systemd units that (re)create cluster state; stopped first (never disabled). */
export const WATCHED_UNITS = [
  'kubelet.service',
  'kube-proxy.service',
  'rke2-server.service',
  'rke2-agent.service',
  'k3s.service',
  'k3s-agent.service',
  'rancher-system-agent.service',
] as const;

/** Process names (`/proc/PID/comm`, at most 15 chars) of agents running outside a unit or container. */
export const WATCHED_PROCESSES = ['kubelet', 'kube-proxy', 'rancher-agent'] as const;

/** Running containers stopped before anything is removed, so nothing re-creates what we delete
 * (order: see stopPriority in steps/stop-services.ts), plus pod containers by their `k8s_` prefix. */
export const STOP_FIRST_CONTAINERS = [
  'rancher-agent',
  'kubelet',
  'kube-proxy',
  'nginx-proxy',
  'service-sidekick',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'etcd',
] as const;
export const POD_CONTAINER_PREFIX = 'k8s_';
/** The rancher agent started by `docker run rancher/rancher-agent …` has a random container name. */
export const AGENT_IMAGE = /^(?:[^/]+\/)*rancher\/rancher-agent(?::[^/]*)?(?:@sha256:[0-9a-f]{64})?$/;

/**
 * What makes a docker container the cluster's (the rule itself: src/recipe/ownership.ts). Anything
 * else on the same docker — a private registry, a CI runner, the Rancher server (`rancher/rancher`)
 * — is not, and neither are the volumes it uses.
 *
 * Labels the kubelet (dockershim, cri-dockerd: `io.kubernetes.pod.name`, …) and RKE
 * (`io.rancher.rke.container.name`) put on their containers; matched as key prefixes.
 */
export const CLUSTER_LABEL_PREFIXES = ['io.kubernetes.', 'io.rancher.rke.'] as const;
/**
 * RKE1's own containers (rancher/rke: services/, pki/, cluster/network.go, hosts/): a name here —
 * or any `rke-` name (rke-log-linker, rke-bundle-cert, rke-port-checker, rke-*-port-listener…) —
 * counts only together with one of RKE's images (RKE_IMAGE): an `etcd` running
 * quay.io/coreos/etcd is someone else's etcd. (share-mnt runs the agent image: AGENT_IMAGE.)
 */
export const RKE_SYSTEM_CONTAINERS = [
  'kubelet', 'kube-proxy', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler',
  'etcd', 'etcd-rolling-snapshots', 'etcd-snapshot-once', 'etcd-remove-snapshot', 'etcd-restore',
  'etcd-download-backup', 'etcd-Serve-backup', 'etcd-checksum-checker', 'etcd-fix-perm',
  'nginx-proxy', 'service-sidekick', 'cert-deployer', 'cert-fetcher', 'file-deployer', 'kube-cleaner',
] as const;
export const RKE_HELPER_PREFIX = 'rke-';
/** RKE's system images, from Docker Hub or a private registry mirror (any registry path in front):
 * rancher/rke-tools (nginx-proxy, sidekick, helpers), rancher/hyperkube (k8s components),
 * rancher/coreos-etcd and rancher/mirrored-* (mirrored-coreos-etcd, …). */
export const RKE_IMAGE = /^(?:[^/]+\/)*rancher\/(?:rke-tools|hyperkube|coreos-etcd|mirrored-[a-z0-9._-]+)(?::[^/@]*)?(?:@sha256:[0-9a-f]{64})?$/;

/** Trees whose mounts are unmounted (everything at or below them). */
export const MOUNT_TREES = ['/var/lib/kubelet', '/var/lib/rancher'] as const;

/**
 * Filesystems that belong to someone else: removing through them destroys shared data, so a mount
 * of one below MOUNT_TREES refuses the host unless --force. Remote (nfs, cifs/smb, ceph, glusterfs,
 * lustre, afs, ncp), cluster (gfs2, ocfs2, gpfs, beegfs, orangefs), host shares into a VM (9p,
 * virtiofs, vboxsf) and every FUSE filesystem (sshfs, s3fs, rclone, ceph-fuse, glusterfs via fuse…).
 */
const SHARED_FS = new Set([
  'nfs', 'nfs4', 'cifs', 'smb3', 'smbfs', 'ceph', 'glusterfs', 'lustre', 'afs', 'ncpfs', 'ncp',
  'gfs2', 'ocfs2', 'gpfs', 'beegfs', 'orangefs', 'pvfs2', '9p', 'virtiofs', 'vboxsf', 'davfs',
  'fuse', 'fuseblk',
]);
export function isSharedFilesystem(fsType: string): boolean {
  return SHARED_FS.has(fsType) || fsType.startsWith('fuse.') || fsType.startsWith('nfs');
}

/** The 16 paths of the reference, removed after their mounts are gone. */
export const CLEANUP_DIRECTORIES = [
  '/etc/ceph',
  '/etc/cni',
  '/etc/kubernetes',
  '/opt/cni',
  '/opt/rke',
  '/run/secrets/kubernetes.io',
  '/run/calico',
  '/run/flannel',
  '/var/lib/calico',
  '/var/lib/etcd',
  '/var/lib/cni',
  '/var/lib/kubelet',
  '/var/lib/rancher',
  '/var/log/containers',
  '/var/log/pods',
  '/var/run/calico',
] as const;

/**
 * Interfaces the cluster creates, matched EXACTLY (the whole name), each with the link kind(s) the
 * kernel reports for it (`ip -d -j link`: linkinfo.info_kind) and the CNI or proxy mode that makes
 * it. A link whose name matches but whose reported kind differs is someone else's: kept, and named
 * in the plan. Without a reported kind (`ip -o link` fallback) the name alone decides, as before.
 * Near misses (`cni1`, `flannel.01`, `flannel-v7.1`, `vethernet0`, `veth12345`, `cali-keep`,
 * `caliABCDEF01234`, `cilium_hostx`, `lxc` + 11 hex, `weave2`) stay.
 *
 * `pod` rules are the host ends of pod links: deleted first, then the devices in table order
 * (overlays, bridges, tunnels). Besides these, every port of a cluster `cni0` is deleted whatever
 * its name (CNI_BRIDGE, as rke2-killall.sh/k3s-killall.sh do).
 */
export interface InterfaceRule {
  /** The name, or the pattern as README shows it (`cali` + 11 hex). */
  label: string;
  matches(name: string): boolean;
  /** Link kinds accepted when the kernel reports one; null: any (not checked). */
  kinds: readonly string[] | null;
  /** Who makes it (which CNI, which mode): shown in notes and README. */
  source: string;
  pod: boolean;
}

/** A VXLAN network identifier: 1..16777215 (24 bits), decimal, no leading zero. */
export function isVni(text: string): boolean {
  return /^[1-9][0-9]{0,7}$/.test(text) && Number(text) <= 0xffffff;
}
const exact = (name: string) => (candidate: string) => candidate === name;
const pattern = (re: RegExp) => (candidate: string) => re.test(candidate);
const withVni = (prefix: string) => (candidate: string) => candidate.startsWith(prefix) && isVni(candidate.slice(prefix.length));

function rule(label: string, matches: (name: string) => boolean, kinds: readonly string[] | null, source: string, pod = false): InterfaceRule {
  return { label, matches, kinds, source, pod };
}

export const INTERFACE_RULES: readonly InterfaceRule[] = [
  // Pod ends. Calico: `cali` + the first 11 hex of sha1(workload id). CNI bridge plugin: `veth` +
  // 4 random bytes. Cilium: `lxc` + the first 12 hex of sha256(endpoint id) (pkg/datapath/connector,
  // Endpoint2IfName: IFNAMSIZ - len("tmp") - 1), a veth or, in netkit mode, a netkit.
  rule('cali + 11 hex', pattern(/^cali[0-9a-f]{11}$/), ['veth'], 'Calico (workload endpoints)', true),
  rule('veth + 8 hex', pattern(/^veth[0-9a-f]{8}$/), ['veth'], 'the CNI bridge plugin (flannel, canal)', true),
  rule('lxc + 12 hex', pattern(/^lxc[0-9a-f]{12}$/), ['veth', 'netkit'], 'Cilium (endpoints)', true),
  rule('lxc_health', exact('lxc_health'), ['veth', 'netkit'], 'Cilium (health endpoint)', true),
  // flannel (pkg/backend): vxlan `flannel.<VNI>` / `flannel-v6.<VNI>` (VNI 1 by default, 4096 on
  // Windows-mixed clusters), wireguard `flannel-wg` / `flannel-wg-v6`; the bridge cni0 is the CNI
  // bridge plugin's, which flannel (and canal, RKE2, K3s) configures.
  rule('flannel.<VNI>', withVni('flannel.'), ['vxlan'], 'flannel (VXLAN backend)'),
  rule('flannel-v6.<VNI>', withVni('flannel-v6.'), ['vxlan'], 'flannel (VXLAN backend, IPv6)'),
  rule('flannel-wg', exact('flannel-wg'), ['wireguard'], 'flannel (WireGuard backend)'),
  rule('flannel-wg-v6', exact('flannel-wg-v6'), ['wireguard'], 'flannel (WireGuard backend, IPv6)'),
  rule('cni0', exact('cni0'), ['bridge'], 'the CNI bridge plugin (flannel, canal)'),
  // The ipip module's fallback device, which Calico's IPIP mode configures. Its kind is not checked:
  // the lab's kernel has no ipip, so the lab seeds an ifb named tunl0 (scripts/lab.d/seed-node.sh).
  rule('tunl0', exact('tunl0'), null, 'Calico (IPIP mode)'),
  rule('vxlan.calico', exact('vxlan.calico'), ['vxlan'], 'Calico (VXLAN mode)'),
  rule('vxlan-v6.calico', exact('vxlan-v6.calico'), ['vxlan'], 'Calico (VXLAN mode, IPv6)'),
  rule('wireguard.cali', exact('wireguard.cali'), ['wireguard'], 'Calico (WireGuard encryption)'),
  rule('wg-v6.cali', exact('wg-v6.cali'), ['wireguard'], 'Calico (WireGuard encryption, IPv6)'),
  rule('cilium_host', exact('cilium_host'), ['veth'], 'Cilium (host device pair)'),
  rule('cilium_net', exact('cilium_net'), ['veth'], 'Cilium (host device pair)'),
  rule('cilium_vxlan', exact('cilium_vxlan'), ['vxlan'], 'Cilium (VXLAN tunnel)'),
  rule('cilium_geneve', exact('cilium_geneve'), ['geneve'], 'Cilium (Geneve tunnel)'),
  rule('cilium_wg0', exact('cilium_wg0'), ['wireguard'], 'Cilium (WireGuard encryption)'),
  rule('kube-ipvs0', exact('kube-ipvs0'), ['dummy'], 'kube-proxy (IPVS mode)'),
  rule('nodelocaldns', exact('nodelocaldns'), ['dummy'], 'NodeLocal DNSCache'),
  // Weave Net (net/bridge.go): `weave` is a bridge, or in fastdp mode without a bridge the Open
  // vSwitch datapath itself; `datapath` is the fastdp datapath, `vxlan-6784` its VXLAN vport.
  rule('weave', exact('weave'), ['bridge', 'openvswitch'], 'Weave Net'),
  rule('datapath', exact('datapath'), ['openvswitch'], 'Weave Net (fastdp)'),
  rule('vxlan-6784', exact('vxlan-6784'), ['vxlan'], 'Weave Net (fastdp)'),
];

/** The bridge whose every port goes too, whatever the port's name (a pod's host end). */
export const CNI_BRIDGE = 'cni0';

/** The rule a name matches, if any (at most one: the rules do not overlap). */
export function interfaceRule(name: string): InterfaceRule | undefined {
  return INTERFACE_RULES.find((r) => r.matches(name));
}
export function isClusterInterface(name: string): boolean {
  return interfaceRule(name) !== undefined;
}

/**
 * iptables chains the cluster owns, case-sensitive: name starts with `cali-` (Calico), `KUBE-`
 * (kube-proxy, kubelet), `FLANNEL-` (flannel: FLANNEL-FWD, FLANNEL-POSTRTG), `CILIUM_` (Cilium:
 * CILIUM_INPUT, CILIUM_FORWARD, CILIUM_POST_nat, CILIUM_PRE_mangle…), `OLD_CILIUM_` (Cilium's chains
 * renamed while its agent restarts), `WEAVE-` (Weave Net: WEAVE-NPC*, WEAVE-EXPOSE, WEAVE-CANARY) or
 * is `WEAVE` (its nat chain); or is one the CNI plugins RKE2/K3s/kubeadm ship make (CNI_CHAINS).
 * `CILIUMX`, `FLANNELS`, `WEAVE2`, `calico-keep` are not.
 */
export const CHAIN_PREFIXES = ['cali-', 'KUBE-', 'CNI-', 'FLANNEL-', 'CILIUM_', 'OLD_CILIUM_', 'WEAVE-'] as const;
export const CHAIN_NAMES = ['WEAVE'] as const;
/**
 * containernetworking/plugins: portmap's CNI-HOSTPORT-{SETMARK,MASQ,DNAT} and per-container
 * `CNI-DN-` + 21 hex; the bridge plugin's ipMasq chain `CNI-` + 24 hex (a sha512 prefix, 28 chars in
 * all); the firewall plugin's CNI-FORWARD and CNI-ADMIN. `CNI-KEEP` or `CNI-custom` are not these.
 */
export const CNI_CHAINS = [/^CNI-HOSTPORT-(?:SETMARK|MASQ|DNAT)$/, /^CNI-DN-[0-9a-f]{21}$/, /^CNI-[0-9a-f]{24}$/, /^CNI-(?:FORWARD|ADMIN)$/] as const;
export function isClusterChain(name: string): boolean {
  if ((CHAIN_NAMES as readonly string[]).includes(name)) return true;
  if (name.startsWith('CNI-')) return CNI_CHAINS.some((p) => p.test(name));
  return CHAIN_PREFIXES.some((prefix) => name.startsWith(prefix));
}
/**
 * Rules of chains that stay are removed when they jump to a removed chain, or when their iptables
 * comment starts with one of these: Calico's rule ids (`cali:` + hash) and Cilium's feeder rules
 * (`cilium-feeder: CILIUM_INPUT`). A comment merely containing `cali` (`calico-keep`) does not count.
 */
export const CLUSTER_RULE_COMMENTS = [
  { prefix: 'cali:', source: 'Calico' },
  { prefix: 'cilium-feeder:', source: 'Cilium' },
] as const;

/**
 * nftables tables the cluster's network makes, by exact family and name, with their source:
 * kube-proxy's nftables mode (pkg/proxy/nftables: `kube-proxy` in ip and ip6), Calico's nftables
 * dataplane (felix: `calico`), flannel's nftables mode (pkg/trafficmngr/nftables: `flannel-ipv4`,
 * `flannel-ipv6`). `inet calico`, `ip kube-proxy-keep` or a user's `inet filter` are not these.
 */
export const NFT_TABLES = [
  { family: 'ip', name: 'kube-proxy', source: 'kube-proxy, nftables mode' },
  { family: 'ip6', name: 'kube-proxy', source: 'kube-proxy, nftables mode' },
  { family: 'ip', name: 'calico', source: 'Calico, nftables dataplane' },
  { family: 'ip6', name: 'calico', source: 'Calico, nftables dataplane' },
  { family: 'ip', name: 'flannel-ipv4', source: 'flannel, nftables mode' },
  { family: 'ip6', name: 'flannel-ipv6', source: 'flannel, nftables mode' },
] as const;
export function clusterNftTable(family: string, name: string): (typeof NFT_TABLES)[number] | undefined {
  return NFT_TABLES.find((t) => t.family === family && t.name === name);
}

/**
 * Runtime state of CNIs newer than the reference's list, removed whole: Cilium's state dir
 * (`/run/cilium`, also reached as `/var/run/cilium`) and Weave Net's (`/var/lib/weave`: its IPAM
 * and peer database). Calico's and flannel's (`/var/lib/calico`, `/run/flannel`, …) are among the 16.
 */
export const CNI_STATE_PATHS = [
  { path: '/run/cilium', source: 'Cilium' },
  { path: '/var/run/cilium', source: 'Cilium' },
  { path: '/var/lib/weave', source: 'Weave Net' },
] as const;
/**
 * Cilium's pinned BPF objects: maps pinned by tc under /sys/fs/bpf/tc/globals/ (named `cilium_` + …)
 * and Cilium's own bpffs tree /sys/fs/bpf/cilium. Unpinning frees them once no program holds them.
 */
export const BPF_PIN_DIRECTORY = '/sys/fs/bpf/tc/globals';
export const BPF_PIN_PREFIX = 'cilium_';
export const BPF_CILIUM_TREE = '/sys/fs/bpf/cilium';
/** Mounts a CNI makes in its own state dir (Cilium's cgroup2 at /run/cilium/cgroupv2): unmounted with the rest. */
export const CNI_MOUNT_TREES = ['/run/cilium'] as const;

/**
 * Cilium's tc programs on the host's own devices (eth0…: NodePort, host firewall, masquerading):
 * named `cil_` + … since Cilium 1.12 (`cil_from_netdev-eth0`), `bpf_netdev_`/`bpf_host`/`bpf_overlay`
 * + … before (the object file's name). Its own devices (cilium_*, lxc*) take theirs with them.
 */
export const CILIUM_TC_PROGRAM = /^(?:cil_|bpf_netdev|bpf_host|bpf_overlay)[A-Za-z0-9_.:\[\]-]{0,120}$/;

/** kube-proxy's IPVS mode binds every service IP to this dummy device; its virtual services go with it. */
export const IPVS_INTERFACE = 'kube-ipvs0';

/** Tables cleaned (security and others are left alone). */
export const IPTABLES_TABLES = ['filter', 'nat', 'mangle', 'raw'] as const;

/** Where iptables backups go before any rule is touched. */
export const BACKUP_DIRECTORY = '/var/backups/nodescrub';

/**
 * Where systemd reads `.mount` units from (admin, runtime, distribution; /lib for non-merged /usr).
 * A mount at one of the 16 paths configured here or in /etc/fstab is a dedicated filesystem: it is
 * kept mounted and emptied in place, since removing its mount point would break the next boot.
 */
export const MOUNT_UNIT_DIRECTORIES = [
  '/etc/systemd/system',
  '/run/systemd/system',
  '/lib/systemd/system',
  '/usr/lib/systemd/system',
] as const;

/** An emptied ext4 filesystem still holds `lost+found` (mke2fs makes it, fsck needs it): kept. */
export const EMPTY_FILESYSTEM_ENTRY = 'lost+found';

/**
 * Cluster data an operator regrets losing: archived on the host before the cleanup deletes it
 * (unless --no-backup). Only paths the cleanup actually deletes count (at or below one of the 16
 * paths, not behind a symlink): /opt/local-path-provisioner is named here but the reference never
 * removes it, so it is never listed nor archived.
 */
export const CLUSTER_DATA = [
  { path: '/var/lib/etcd', what: 'etcd member data' },
  { path: '/var/lib/rancher/rke2/server/db', what: 'etcd member data (RKE2)' },
  { path: '/var/lib/rancher/k3s/server/db', what: 'datastore (K3s: etcd or sqlite)' },
  { path: '/opt/rke/etcd-snapshots', what: 'etcd snapshots (RKE)' },
  { path: '/var/lib/rancher/rke2/server/db/snapshots', what: 'etcd snapshots (RKE2)' },
  { path: '/var/lib/rancher/k3s/server/db/snapshots', what: 'etcd snapshots (K3s)' },
  { path: '/var/lib/rancher/k3s/storage', what: 'local-path volumes (K3s)' },
  { path: '/opt/local-path-provisioner', what: 'local-path volumes' },
] as const;

/**
 * Containerd distributions (RKE2, K3s): their config (`data-dir:` moves the data dir), default data
 * dir, units, and the state removed besides the data dir. Binaries (/usr/local/bin/rke2, k3s, the
 * killall/uninstall scripts) and unit files stay, so the node can be re-installed or rejoin.
 * From rke2's bundle/bin/rke2-killall.sh + rke2-uninstall.sh and k3s's install.sh.
 */
export const CONTAINERD_DISTRIBUTIONS = [
  { name: 'rke2', config: '/etc/rancher/rke2/config.yaml', dataDir: '/var/lib/rancher/rke2', units: ['rke2-server.service', 'rke2-agent.service'] },
  { name: 'k3s', config: '/etc/rancher/k3s/config.yaml', dataDir: '/var/lib/rancher/k3s', units: ['k3s.service', 'k3s-agent.service'] },
] as const;
export type DistributionName = (typeof CONTAINERD_DISTRIBUTIONS)[number]['name'];

/** The containerd that RKE2 and K3s run for their pods (its own socket and state; never the system one). */
export const CLUSTER_CONTAINERD_SOCKET = '/run/k3s/containerd/containerd.sock';
/** kubeadm (and other containerd nodes): the system containerd serves the pods; it is never stopped. */
export const SYSTEM_CONTAINERD_SOCKET = '/run/containerd/containerd.sock';
/** The kubeadm kubelet's kubeconfig: with the system containerd socket, a kubeadm containerd node. */
export const KUBEADM_KUBELET_CONF = '/etc/kubernetes/kubelet.conf';
/** CRI-O is reported, never cleaned. */
export const CRIO_SOCKET = '/var/run/crio/crio.sock';
/** The containerd namespace the CRI plugin (kubelet's pods) uses; others (docker's `moby`, a user's) stay. */
export const KUBERNETES_CONTAINERD_NAMESPACE = 'k8s.io';

/** Distribution state removed on a containerd node besides the data dir (rke2-uninstall.sh,
 * k3s-uninstall.sh): the config dirs, and /run/k3s, the runtime state of the pods' containerd
 * (emptied of mounts first; a new containerd must not find the dead pods' state there). */
export const DISTRIBUTION_STATE = ['/etc/rancher/rke2', '/etc/rancher/k3s', '/etc/rancher/node', '/etc/rancher/agent', '/run/k3s'] as const;

/** Units disabled as well as stopped: they would start the node into its old cluster at the next boot. */
export const DISABLED_UNITS = ['rke2-server.service', 'rke2-agent.service', 'k3s.service', 'k3s-agent.service', 'rancher-system-agent.service'] as const;

/**
 * Runtime trees unmounted on a containerd node (children first), besides MOUNT_TREES and the data
 * dir: all of RKE2/K3s's /run/k3s; of the system containerd (kubeadm) only what its k8s.io
 * namespace holds — the tasks' rootfs and the CRI plugin's sandbox mounts (the CRI serves k8s.io
 * alone). Other namespaces' tasks (docker's `moby`, a user's) keep their rootfs.
 */
export const CONTAINERD_MOUNT_TREES = [
  '/run/k3s',
  '/run/containerd/io.containerd.runtime.v2.task/k8s.io',
  '/run/containerd/io.containerd.grpc.v1.cri',
] as const;

/** The network namespaces the CNI plugins make for pods: `cni-` + a UUID. `backup-cni-net` and the like stay. */
export const CNI_NETNS = /^cni-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
