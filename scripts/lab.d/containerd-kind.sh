# shellcheck shell=bash
# The layout of the containerd node kinds (rke2, k3s): every path the seed, the status oracle and the
# lab's by-hand cleanup agree on. Sourced INSIDE a node (prepended to seed-containerd.sh,
# status-containerd.sh and cleanup-containerd.sh) after LAB_KIND is set. Paths are those of a real
# node (rke2's bundle/bin/rke2-killall.sh and rke2-uninstall.sh, k3s's install.sh).
CLUSTER_SOCK=/run/k3s/containerd/containerd.sock   # the same for RKE2 and K3s
CLUSTER_STATE=/run/k3s/containerd
LAB_SYSTEMD_STATE=/run/lab-systemd                  # the systemctl stand-in's state (systemctl-standin.sh)
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
    DATA_DIR=/srv/k3s                              # a custom data-dir (config.yaml), honoured by nodescrub
    ETC_DIR=/etc/rancher/k3s
    DATA_VERSION=3c1b5c3c7e4f6d2a9b8e0f1a2d3c4b5a6f7e8d9c0b1a2f3e4d5c6b7a8f9e0d1c
    BIN_DIR=$DATA_DIR/data/$DATA_VERSION/bin
    BIN_LINK=$DATA_DIR/data/current                # -> data/<hash> (k3s's own layout)
    UNIT=k3s.service
    UNIT_DIR=/etc/systemd/system
    STANDINS=(/usr/local/bin/k3s /usr/local/bin/kubectl /usr/local/bin/crictl /usr/local/bin/ctr
      /usr/local/bin/k3s-killall.sh /usr/local/bin/k3s-uninstall.sh)
    ;;
  *) echo "unknown containerd node kind '$LAB_KIND'" >&2; exit 1 ;;
esac
CLUSTER_ROOT=$DATA_DIR/agent/containerd
CLUSTER_CONFIG=$DATA_DIR/agent/etc/containerd/config.toml
# Where a cluster leaves mounts (status counts mount points equal to or below one of these; the
# cni-* netns files by prefix).
CLUSTER_MOUNT_ROOTS=(/run/k3s "$DATA_DIR" /var/lib/kubelet)
CLUSTER_DIRS=("$ETC_DIR" /etc/rancher/node "$DATA_DIR")
# The RKE2 node's keeper: a system containerd (kubeadm-style, Debian's) with a non-cluster namespace.
KEEPER_SOCK=/run/containerd/containerd.sock
KEEPER_ROOT=/var/lib/containerd
KEEPER_STATE=/run/containerd
KEEPER_CONFIG=/etc/containerd/config.toml
KEEPER_NAMESPACE=keeper
KEEPER_TASK=notes-web
LAB_IMAGE=docker.io/rancher/lab-busybox:1.36

# Mount points (decoded) equal to or below one of the args, or (for a trailing *) starting with it.
mounts_under() {
  awk '{print $5}' /proc/self/mountinfo | while read -r m; do
    m=$(printf '%b' "${m//\\/\\0}")
    for r in "$@"; do
      if [[ $r == *'*' ]]; then [[ $m == "${r%\*}"* ]] && { echo "$m"; break; }
      elif [[ $m == "$r" || $m == "$r"/* ]]; then echo "$m"; break; fi
    done
  done
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
cluster_containerd_pids() { pids_of containerd "$CLUSTER_STATE"; }   # containerd itself, not its shims
