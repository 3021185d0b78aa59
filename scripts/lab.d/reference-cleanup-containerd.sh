#!/bin/sh
# A failed RKE2/K3s node cleaned by hand, the way rke2-killall.sh + rke2-uninstall.sh (and k3s's) do
# it, with the two corrections a careful operator makes: only the shims of containerd namespace
# k8s.io die (not every containerd-shim: the node's own containerd keeps its tasks), and path
# prefixes end in "/" (rke2-killall's `grep "^/run/k3s"` would also take /run/k3s-notes). Binaries
# and unit files stay. The lab's integration test runs it over ssh (`sh -s KIND DATA_DIR`) to prove
# that `scripts/lab status` turns clean and stays intact. It is not nodescrub's recipe.
# kubeadm: `kubeadm reset` with ctr for crictl — the k8s.io tasks, containers and images go through
# the system containerd, which keeps running with its other namespaces.
# Usage: sh reference-cleanup-containerd.sh rke2|k3s|kubeadm DATA_DIR (kubeadm: DATA_DIR is ignored)
set -u
kind=$1 data_dir=$2
case $kind in
  rke2) units="rke2-server.service rke2-agent.service" ;;
  k3s) units="k3s.service k3s-agent.service" ;;
  kubeadm) units="kubelet.service" ;;
  *) echo "usage: $0 rke2|k3s|kubeadm DATA_DIR" >&2; exit 2 ;;
esac

children() { ps -e -o ppid= -o pid= | awk -v p="$1" '$1 == p { print $2 }'; }
tree() { for p in "$@"; do echo "$p"; tree $(children "$p"); done; }
killtree() { [ $# -eq 0 ] || kill -9 $(tree "$@") 2>/dev/null; }
# every mount point starting with $1 (already ending in "/" or "cni-"), deepest first
mounts_below() { awk '{ print $2 }' /proc/self/mounts | grep "^$1" | sort -r; }
unmount_below() { for m in $(mounts_below "$1"); do umount "$m" || umount -l "$m"; done; }

# 1. units: stop (KillMode=process: only the main process goes) and disable
for u in $units; do systemctl stop "$u" 2>/dev/null; systemctl disable "$u" 2>/dev/null; done
# 2. the pods: the shim trees of namespace k8s.io, then the cluster containerd
shims=$(COLUMNS=100000 ps -e -o pid= -o args= | awk '$2 ~ /containerd-shim/ && / -namespace k8s\.io / { print $1 }')
killtree $shims
cluster=$(COLUMNS=100000 ps -e -o pid= -o args= | awk '$2 ~ /\/containerd$/ && / --state \/run\/k3s\/containerd/ { print $1 }')
killtree $cluster
if [ "$kind" = kubeadm ]; then
  k8s() { ctr -a /run/containerd/containerd.sock -n k8s.io "$@"; }
  for t in $(k8s tasks ls -q); do k8s tasks rm -f "$t" >/dev/null 2>&1; done
  for c in $(k8s containers ls -q); do k8s containers rm "$c"; done
  for i in $(k8s images ls -q); do k8s images rm --sync "$i" >/dev/null; done
  unmount_below /run/containerd/io.containerd.runtime.v2.task/k8s.io/
fi
# 3. mounts, children first, then the netns files
unmount_below /run/k3s/
unmount_below /var/lib/kubelet/
unmount_below /run/netns/cni-
[ "$kind" = kubeadm ] || unmount_below "$data_dir/"
for f in /run/netns/cni-*; do [ -e "$f" ] && rm -f "$f"; done
# 4. the pod network
# (a veth may vanish by itself meanwhile: its peer dies with its netns)
for i in $(ip -o link show master cni0 2>/dev/null | awk -F': ' '{ print $2 }' | sed 's/@.*//'); do ip link delete "$i" 2>/dev/null; done
ip link delete cni0 2>/dev/null
ip link delete flannel.1 2>/dev/null
# the newer CNIs' devices, by exact name (lxc + 12 hex: Cilium's endpoints)
for i in cilium_host cilium_vxlan lxc_health vxlan.calico flannel-v6.1 flannel.4096 weave vxlan-6784 \
  $(ip -o link show | awk -F': ' '{ print $2 }' | sed 's/@.*//' | grep -E '^lxc[0-9a-f]{12}$'); do
  ip link delete "$i" 2>/dev/null
done
# their chains, the rules that feed them and Calico's commented rules; the rest of each table stays
ours='(CILIUM_|FLANNEL-|WEAVE-|WEAVE( |$)|cali-|CNI-(HOSTPORT-|DN-|[0-9a-f]{24}( |$)))'
for t in filter nat mangle raw; do
  iptables-save -t "$t" | grep -v -E -e "^:$ours" -e "^-A $ours" -e "-j $ours" -e 'cilium-feeder: |--comment "?cali:' |
    iptables-restore -T "$t"
done
for t in 'ip calico' 'ip6 calico' 'ip kube-proxy' 'ip6 kube-proxy' 'ip flannel-ipv4' 'ip6 flannel-ipv6'; do
  nft list table $t >/dev/null 2>&1 && nft delete table $t
done
mountpoint -q /run/cilium/cgroupv2 && umount /run/cilium/cgroupv2
rm -rf /run/cilium /var/lib/weave
# 5. state and config (binaries and unit files stay)
if [ "$kind" = kubeadm ]; then rm -rf --one-file-system /etc/kubernetes /var/lib/kubelet /var/lib/etcd /etc/cni
else rm -rf --one-file-system /run/k3s "$data_dir" "/etc/rancher/$kind" /etc/rancher/node /var/lib/kubelet; fi
exit 0
