# Seeds a dirty "node" inside private mount, network and pid namespaces (never the real host):
# tmpfs over /var/lib, /var/log, /var/backups, /opt, /run and /tmp first, so nothing below touches real files.
set -eu
for d in /var/lib /var/log /var/backups /opt /run /tmp; do mount -t tmpfs nodescrub-sandbox "$d"; done

# Mounts: kubelet root itself a mount, nested, stacked, busy, and a hostile name.
mkdir -p /var/lib/kubelet /var/lib/rancher
mount -t tmpfs kubelet-root /var/lib/kubelet
tok="/var/lib/kubelet/pods/p1/volumes/kubernetes.io~secret/token"
mkdir -p "$tok" && mount -t tmpfs secret "$tok"
weird="/var/lib/kubelet/pods/p2/volumes/it's \$(touch /tmp/pwned) x"
mkdir -p "$weird" && mount -t tmpfs weird "$weird"
mkdir -p "$weird/inner" && mount -t tmpfs nested "$weird/inner"
mkdir -p /var/lib/kubelet/pods/p3/stack
mount -t tmpfs lower /var/lib/kubelet/pods/p3/stack
mount -t tmpfs upper /var/lib/kubelet/pods/p3/stack
mkdir -p /var/lib/kubelet/pods/p4/busy && mount -t tmpfs busy /var/lib/kubelet/pods/p4/busy
(cd /var/lib/kubelet/pods/p4/busy && exec sleep 1000) &
# Shadowing: a mount below /var/lib/rancher, then a later mount over /var/lib/rancher itself.
mkdir -p /var/lib/rancher/agent/x && mount -t tmpfs hidden /var/lib/rancher/agent/x
mount -t tmpfs rancher-over /var/lib/rancher
# Siblings that must survive: prefixes of cluster paths on a segment boundary.
mkdir -p /var/lib/kubeletfoo "/var/lib/kubelet x" && touch /var/lib/kubeletfoo/keep "/var/lib/kubelet x/keep"

# Directories of the catalogue (the /etc ones are left out: /etc is the real one here).
mkdir -p /var/lib/etcd/member /var/lib/cni/networks /var/lib/calico /opt/cni/bin /opt/rke /run/calico /run/flannel /var/log/pods/ns_pod
echo data > /var/lib/etcd/member/db
mkdir -p /var/log/keepme && echo keep > /var/log/keepme/file
ln -s /var/log/keepme /var/log/containers   # a symlink: removed as a link, target kept
[ -e /var/run/calico ]                        # /var/run -> /run: same directory as /run/calico

# A process named kubelet (pid namespace: the only one it can reach).
mkdir -p /tmp/bin && cp /bin/sleep /tmp/bin/kubelet && (exec /tmp/bin/kubelet 1000) &

# Interfaces: SSH rides on eth0 whose veth peer matches the veth pattern.
ip link set lo up
ip link add veth0badc0de type veth peer name eth0
ip addr add 10.9.0.2/24 dev eth0 && ip link set eth0 up && ip link set veth0badc0de up
ip link add cni0 type bridge
ip link add veth1234abcd type veth peer name veth5678ef01 && ip link set veth1234abcd master cni0
ip link add cali0123456789a type veth peer name podend
ip link add flannel.1 type vxlan id 1 dstport 8472
ip link add tunl0 type ifb
for n in cni1 vethernet0 veth12345 cali-keep flannel.2 caliABCDEF01234; do ip link add "$n" type bridge; done

# iptables, legacy backend (IPv4): kube-proxy chains referenced from built-ins and from each other.
L=iptables-legacy
$L -t nat -N KUBE-SERVICES; $L -t nat -N KUBE-SVC-ABC; $L -t nat -N KUBE-SEP-XYZ; $L -t nat -N KEEP-NAT
$L -t nat -A KUBE-SERVICES -m comment --comment 'ns/svc "q" -j KUBE-X' -j KUBE-SVC-ABC
$L -t nat -A KUBE-SVC-ABC -j KUBE-SEP-XYZ
$L -t nat -A KUBE-SEP-XYZ -p tcp -j DNAT --to-destination 10.0.0.1:80
$L -t nat -A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
$L -t nat -A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
$L -t nat -A KEEP-NAT -j RETURN && $L -t nat -A POSTROUTING -j KEEP-NAT
$L -N cali-FORWARD; $L -N cali-pri-kns.default; $L -N KEEP-ME
$L -A cali-FORWARD -j cali-pri-kns.default
$L -A FORWARD -j cali-FORWARD; $L -A FORWARD -g cali-FORWARD
$L -A KEEP-ME -j ACCEPT; $L -A INPUT -j KEEP-ME; $L -A INPUT -p tcp --dport 22 -j ACCEPT
$L -A INPUT -m comment --comment "cali-x -j KUBE-Y" -j ACCEPT
$L -N 'KUBE-$(touch${IFS}/tmp/pw)'; $L -A INPUT -j 'KUBE-$(touch${IFS}/tmp/pw)'
$L -P FORWARD DROP
# nft backend, both families and other tables.
iptables-nft -t mangle -N KUBE-KUBELET-CANARY
iptables-nft -t raw -N cali-raw-PREROUTING && iptables-nft -t raw -A PREROUTING -j cali-raw-PREROUTING
ip6tables-nft -N KUBE-FIREWALL && ip6tables-nft -A INPUT -j KUBE-FIREWALL && ip6tables-nft -A KUBE-FIREWALL -j DROP
ip6tables-nft -A INPUT -p tcp --dport 22 -j ACCEPT
