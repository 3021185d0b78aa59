# shellcheck shell=bash
# The layout of the containerd node kinds (rke2, k3s, kubeadm): every path the seed, the status oracle and the
# lab's by-hand cleanup agree on. Sourced INSIDE a node (prepended to seed-containerd.sh,
# status-containerd.sh and cleanup-containerd.sh) after LAB_KIND is set. Paths are those of a real
# node (rke2's bundle/bin/rke2-killall.sh and rke2-uninstall.sh, k3s's install.sh).
CLUSTER_SOCK=/run/k3s/containerd/containerd.sock   # the same for RKE2 and K3s
CLUSTER_STATE=/run/k3s/containerd
LAB_SYSTEMD_STATE=/run/lab-systemd                  # the systemctl stand-in's state (systemctl-standin.sh)
# The system containerd (Debian's, kubeadm-style): a keeper on RKE2, the pods' runtime on kubeadm.
KEEPER_SOCK=/run/containerd/containerd.sock
KEEPER_ROOT=/var/lib/containerd
KEEPER_STATE=/run/containerd
KEEPER_CONFIG=/etc/containerd/config.toml
KEEPER_NAMESPACE=keeper
KEEPER_TASK=notes-web
LAB_IMAGE=docker.io/rancher/lab-busybox:1.36
case $LAB_KIND in
  rke2)
    DATA_DIR=/var/lib/rancher/rke2
    ETC_DIR=/etc/rancher/rke2
    DATA_VERSION=v1.31.9-rke2r1
    BIN_DIR=$DATA_DIR/data/$DATA_VERSION/bin
    BIN_LINK=$DATA_DIR/bin                         # -> data/<version>/bin
    UNIT=rke2-server.service
    UNIT_DIR=/usr/local/lib/systemd/system
    STANDINS=(/usr/local/bin/rke2 /usr/local/bin/rke2-killall.sh /usr/local/bin/rke2-uninstall.sh)
    ;;
  k3s)
    DATA_DIR=/srv/k3s                              # a custom data-dir (a config.yaml.d drop-in), honoured by nodescrub
    ETC_DIR=/etc/rancher/k3s
    DATA_VERSION=3c1b5c3c7e4f6d2a9b8e0f1a2d3c4b5a6f7e8d9c0b1a2f3e4d5c6b7a8f9e0d1c
    BIN_DIR=$DATA_DIR/data/$DATA_VERSION/bin
    BIN_LINK=$DATA_DIR/data/current                # -> data/<hash> (k3s's own layout)
    UNIT=k3s.service
    UNIT_DIR=/etc/systemd/system
    STANDINS=(/usr/local/bin/k3s /usr/local/bin/kubectl /usr/local/bin/crictl /usr/local/bin/ctr
      /usr/local/bin/k3s-killall.sh /usr/local/bin/k3s-uninstall.sh)
    ;;
  kubeadm)
    # kubeadm's packages (pkgs.k8s.io debs): binaries in /usr/bin, the kubelet unit and kubeadm's
    # drop-in under /usr/lib/systemd/system; the pods run on the system containerd, which stays.
    DATA_DIR=
    ETC_DIR=/etc/kubernetes
    UNIT=kubelet.service
    UNIT_DIR=/usr/lib/systemd/system
    STANDINS=(/usr/bin/kubelet /usr/bin/kubeadm /usr/bin/kubectl)
    CLUSTER_SOCK=$KEEPER_SOCK
    CLUSTER_STATE=$KEEPER_STATE
    KEEPER_NAMESPACE=moby                           # docker's containers on the same containerd
    ;;
  *) echo "unknown containerd node kind '$LAB_KIND'" >&2; exit 1 ;;
esac
if [[ $LAB_KIND == kubeadm ]]; then
  CLUSTER_ROOT=$KEEPER_ROOT
  CLUSTER_CONFIG=$KEEPER_CONFIG
  # Where the cluster leaves mounts: the k8s.io tasks' rootfs (never moby's), the kubelet's volumes.
  CLUSTER_MOUNT_ROOTS=("$KEEPER_STATE/io.containerd.runtime.v2.task/k8s.io" /var/lib/kubelet)
  CLUSTER_DIRS=(/etc/kubernetes /var/lib/kubelet /var/lib/etcd /etc/cni)
else
  CLUSTER_ROOT=$DATA_DIR/agent/containerd
  CLUSTER_CONFIG=$DATA_DIR/agent/etc/containerd/config.toml
  # Where a cluster leaves mounts (status counts mount points equal to or below one of these; the
  # cni-* netns files by prefix).
  CLUSTER_MOUNT_ROOTS=(/run/k3s "$DATA_DIR" /var/lib/kubelet)
  CLUSTER_DIRS=("$ETC_DIR" /etc/rancher/node "$DATA_DIR")
fi

# Network leftovers of the CNIs and proxy modes these nodes ran (issue 17), each beside near misses
# that must stay. RKE2: Cilium, and Calico VXLAN from before a CNI switch; K3s: flannel's IPv6,
# other-VNI and nftables devices and kube-proxy's nftables mode; kubeadm: Weave Net. What the
# kernel here cannot make (wireguard, dummy, geneve, openvswitch links, IPVS, BPF pins) is covered
# by nodescrub's probe fixtures instead. NET_CHAINS are TABLE:CHAIN; NET_RULE_COMMENTS are comments
# of rules in kept chains that must go; NFT_* are "FAMILY NAME".
case $LAB_KIND in
  rke2)
    NET_LINKS=(cilium_host cilium_net cilium_vxlan lxc_health vxlan.calico)   # + one lxc<12 hex> (seed.json)
    NET_DECOY_LINKS=(cilium_hostx lxcABCDEF012345 lxc-keep cilium_geneve)      # cilium_geneve: a bridge, not geneve
    NET_CHAINS=(filter:CILIUM_INPUT filter:CILIUM_FORWARD filter:CILIUM_OUTPUT nat:CILIUM_POST_nat nat:CILIUM_PRE_nat
      nat:CILIUM_OUTPUT_nat filter:cali-FORWARD)
    NET_RULE_COMMENTS=('cilium-feeder: CILIUM_INPUT' 'cilium-feeder: CILIUM_FORWARD' 'cilium-feeder: CILIUM_OUTPUT'
      'cilium-feeder: CILIUM_POST_nat' 'cilium-feeder: CILIUM_PRE_nat' 'cilium-feeder: CILIUM_OUTPUT_nat'
      'cali:wUHhoiAYhphO9Mso' 'cali:S93hcgKJrXEqnTfs')
    NET_DECOY_CHAINS=(filter:CILIUM-KEEP filter:MY-FIREWALL)
    NET_DECOY_COMMENTS=('calico-keep: operator rule')
    NFT_GONE=('ip calico' 'ip6 calico')
    NFT_KEEP=('inet lab_user' 'inet calico')
    CNI_STATE_GONE=(/run/cilium)
    CNI_STATE_KEEP=(/run/cilium-keep)
    ;;
  k3s)
    NET_LINKS=(flannel-v6.1 flannel.4096)                                      # + a port of cni0 with a foreign name (podnic7)
    NET_DECOY_LINKS=(flannel.01 flannel-wg vethkeep03)                        # flannel-wg: a bridge, not wireguard
    # + the CNI plugins' chains (portmap: hostport DNAT; bridge: ipMasq) with their jumps
    NET_CHAINS=(filter:FLANNEL-FWD nat:FLANNEL-POSTRTG nat:CNI-HOSTPORT-DNAT nat:CNI-HOSTPORT-SETMARK
      nat:CNI-HOSTPORT-MASQ nat:CNI-DN-4b1f8a0c2d3e5f6a7b8c9 nat:CNI-0a1b2c3d4e5f6a7b8c9d0e1f)
    NET_RULE_COMMENTS=()
    NET_DECOY_CHAINS=(filter:FLANNELS-KEEP filter:MY-FIREWALL nat:CNI-KEEP)
    NET_DECOY_COMMENTS=('flanneld keep: operator rule')
    NFT_GONE=('ip kube-proxy' 'ip6 kube-proxy' 'ip flannel-ipv4')
    NFT_KEEP=('inet lab_user' 'ip kube-proxy-keep')
    CNI_STATE_GONE=()
    CNI_STATE_KEEP=()
    ;;
  kubeadm)
    NET_LINKS=(weave vxlan-6784)
    NET_DECOY_LINKS=(weave2 vxlan-6785)
    NET_CHAINS=(nat:WEAVE filter:WEAVE-NPC filter:WEAVE-NPC-INGRESS filter:WEAVE-EXPOSE)
    NET_RULE_COMMENTS=()
    NET_DECOY_CHAINS=(filter:WEAVER-KEEP filter:MY-FIREWALL)
    NET_DECOY_COMMENTS=()
    NFT_GONE=()
    NFT_KEEP=('inet lab_user')
    CNI_STATE_GONE=(/var/lib/weave)
    CNI_STATE_KEEP=(/var/lib/weave-backup)
    ;;
esac

# Mount points (decoded) equal to or below one of the args, or (for a trailing *) starting with it.
# The shell's printf -v decodes: no process per mountinfo line.
mounts_under() {
  local m r _
  while read -r _ _ _ _ m _; do
    printf -v m '%b' "${m//\\/\\0}"
    for r in "$@"; do
      if [[ $r == *'*' ]]; then [[ $m == "${r%\*}"* ]] && { printf '%s\n' "$m"; break; }
      elif [[ $m == "$r" || $m == "$r"/* ]]; then printf '%s\n' "$m"; break; fi
    done
  done </proc/self/mountinfo
}
# Pids whose program (argv[0]'s base name, or comm: a script run by its #! line) matches the glob PROG and whose arguments contain every
# further arg as one exact, space-joined run of argv words (never a script that merely mentions them).
pids_of() {  # PROG [ARGS...]
  local prog=$1 d c a ok; shift
  local -a argv
  for d in /proc/[0-9]*; do
    mapfile -d '' -t argv <"$d/cmdline" 2>/dev/null || continue
    ((${#argv[@]})) || continue
    # shellcheck disable=SC2053
    [[ ${argv[0]##*/} == $prog ]] || { read -r c <"$d/comm" 2>/dev/null && [[ $c == $prog ]]; } || continue
    c=" ${argv[*]:1} "
    ok=1
    for a in "$@"; do [[ $c == *" $a "* ]] || { ok=0; break; }; done
    ((ok)) && echo "${d#/proc/}"
  done
  return 0
}
shim_pids() { pids_of 'containerd-shim*' '-namespace k8s.io'; }
# containerd itself, not its shims; a kubeadm node has none of its own (the system one stays)
cluster_containerd_pids() { [[ $LAB_KIND == kubeadm ]] || pids_of containerd "$CLUSTER_STATE"; }
# kubeadm: the k8s.io containers and images the system containerd still holds (-1: it did not answer).
k8s_content_count() {
  [[ $LAB_KIND == kubeadm ]] || { echo 0; return; }
  local c i
  c=$(/usr/bin/ctr -a "$KEEPER_SOCK" -n k8s.io containers ls -q 2>/dev/null) && i=$(/usr/bin/ctr -a "$KEEPER_SOCK" -n k8s.io images ls -q 2>/dev/null) ||
    { echo -1; return; }
  printf '%s\n%s\n' "$c" "$i" | grep -c . || true
}
