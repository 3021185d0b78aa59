#!/bin/sh
# The reference document's cleanup (shared/reference/node-cleanup.md, steps 1-5), done by hand the
# careful way: what an operator would type, with the random names discovered on the node, nested
# mounts unmounted deepest first, referenced chains unhooked before they are deleted, and every step
# harmless on an already clean node. Not nodescrub: the lab's tests use it to prove that `status`
# turns clean when the reference is followed, and that the keepers survive a correct cleanup.
# POSIX sh (dash); run as root on a node:
#   ssh -i .lab/id_ed25519 -o UserKnownHostsFile=.lab/known_hosts -p PORT root@127.0.0.1 'sh -s' < reference-cleanup.sh
set -u
say() { printf '== %s\n' "$*"; }

say "1. docker: containers and volumes (images kept, the reference makes that optional)"
ids=$(docker ps -qa)
[ -z "$ids" ] || docker rm -f $ids >/dev/null
vols=$(docker volume ls -q)
[ -z "$vols" ] || docker volume rm $vols >/dev/null

say "2. mounts below the kubelet and rancher directories, deepest first"
# findmnt -r escapes a space as \x20; sorted by depth (number of /), deepest first. Repeat until
# none is left, so a mount stacked on another is handled too.
DIRS="/etc/ceph /etc/cni /etc/kubernetes /opt/cni /opt/rke /run/secrets/kubernetes.io /run/calico
/run/flannel /var/lib/calico /var/lib/etcd /var/lib/cni /var/lib/kubelet /var/lib/rancher
/var/log/containers /var/log/pods /var/run/calico"
below() {  # mount points at or below one of $DIRS, one per line, deepest first
  findmnt -rn -o TARGET | sed 's/\\x20/ /g' | while IFS= read -r m; do
    for d in $DIRS; do
      case $m in "$d" | "$d"/*) printf '%s\n' "$m"; break ;; esac
    done
  done | awk -F/ '{ print NF "\t" $0 }' | sort -rn | cut -f2-
}
i=0
while [ -n "$(below)" ] && [ $i -lt 100 ]; do
  below | while IFS= read -r m; do umount "$m" || exit 1; done || { echo "umount failed" >&2; exit 1; }
  i=$((i + 1))
done

say "3. the 16 directories"
for d in $DIRS; do rm -rf "$d"; done

say "4. interfaces: flannel.1 cni0 tunl0 cali<11 hex> veth<8 hex>, exactly"
ip -o link show | awk -F': ' '{ print $2 }' | sed 's/@.*//' |
  grep -E '^(flannel\.1|cni0|tunl0|cali[0-9a-f]{11}|veth[0-9a-f]{8})$' | while read -r ifc; do
    # the peer of a veth pair disappears with it: a second delete finds nothing, which is fine
    if ! ip link delete "$ifc" 2>/dev/null && ip link show "$ifc" >/dev/null 2>&1; then echo "could not delete $ifc" >&2; fi
  done

say "5. iptables and ip6tables: cali-* and KUBE-* chains in filter, nat, mangle, raw"
for ipt in iptables ip6tables; do
  for t in filter nat mangle raw; do
    rules=$($ipt -t "$t" -S 2>/dev/null) || continue
    chains=$(printf '%s\n' "$rules" | awk '$1 == "-N" && $2 ~ /^(cali-|KUBE-)/ { print $2 }')
    [ -n "$chains" ] || continue
    # a) unhook: delete the rules of *other* chains (built-in or not) that jump or go to ours
    printf '%s\n' "$rules" | awk '$1 == "-A" && $2 !~ /^(cali-|KUBE-)/ {
        for (i = 3; i < NF; i++) if (($i == "-j" || $i == "-g") && $(i + 1) ~ /^(cali-|KUBE-)/) { print; next } }' |
      while IFS= read -r rule; do
        eval "$ipt -t $t -D ${rule#-A }"    # -S output is shell-quoted (comments)
      done
    # b) empty ours (this also drops their references to each other), then c) delete them
    for c in $chains; do $ipt -t "$t" -F "$c"; done
    for c in $chains; do $ipt -t "$t" -X "$c"; done
  done
done
say "done"
