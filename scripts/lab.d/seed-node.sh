#!/usr/bin/env bash
# Runs INSIDE one lab node, as root (scripts/lab seed pipes it through `bash -c`). stdin: the busybox
# rootfs tarball when LAB_SEED_DOCKER=1. Wipes whatever a previous seed (or a half-done cleanup) left,
# then puts a fresh set of the leftovers the reference document lists — steps 1 to 5, names
# randomised on every run — and resets the keepers a seed owns (iptables keepers, /var/lib/mydata,
# decoy interfaces). Prints one JSON object describing what it made.
# Env: LAB_NODE, LAB_SEED_DOCKER (1|0), LAB_SEED_LIGHT (1: two containers only), LAB_K8S_DIRS (space separated), LAB_IFACE_RE, LAB_CHAIN_RE,
#      LAB_DECOY_IFACES (space separated), LAB_SEED_TERM_DEAF (1: the running containers' PID 1 ignores
#      SIGTERM, so `docker stop` waits its full grace and kills; default 0: it exits on TERM).
#      Scale (opt-in, `scripts/lab seed --containers N --mounts M --rules K`; unset or 0: the seed
#      above, unchanged): LAB_SEED_CONTAINERS, LAB_SEED_MOUNTS, LAB_SEED_RULES — totals as `status`
#      counts them (containers, mounts, iptables_rules); what the default seed makes counts towards
#      them and the rest is added: pod containers (k8s_POD_/k8s_ names with the kubelet's
#      io.kubernetes.* labels, one in ten running), pods' secret/projected tmpfs mounts under
#      /var/lib/kubelet/pods, and kube-proxy service chains (KUBE-SVC/KUBE-SEP, IPv4 nat) plus Calico
#      policy chains (cali-pi-…, IPv4 filter) in one `iptables-restore --noflush`.
set -euo pipefail
DOCKER=/usr/bin/docker   # Debian's client, API-matched with the node's dockerd (never a shadow on PATH)
read -r -a K8S_DIRS <<<"$LAB_K8S_DIRS"
read -r -a DECOY_IFACES <<<"$LAB_DECOY_IFACES"

# Random strings from bash's $SRANDOM (getrandom): no process per call, seeds stay fast.
pick() {  # N ALPHABET
  local s='' i
  for ((i = 0; i < $1; i++)); do s+=${2:SRANDOM % ${#2}:1}; done
  printf '%s\n' "$s"
}
hex() { pick "$1" 0123456789abcdef; }
alnum() { pick "$1" abcdefghijklmnopqrstuvwxyz0123456789; }
upper() { pick "$1" ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789; }
uuid() { local h; h=$(hex 32); echo "${h:0:8}-${h:8:4}-${h:12:4}-${h:16:4}-${h:20:12}"; }
put() { mkdir -p "${1%/*}" && printf '%s\n' "$2" >"$1"; }   # FILE CONTENT
T0=$(date +%s%N)
phase() { echo "seed $LAB_NODE: $1 at $(( ($(date +%s%N) - T0) / 1000000 ))ms" >&2; }   # timings -> seed.log

# Mount points at or below one of the 16 directories, from mountinfo (octal escapes decoded by the
# shell's printf -v: no process per mountinfo line, which made a reseed's wipe take seconds).
mapfile -t K8S_PREFIXES < <(for d in "${K8S_DIRS[@]}"; do printf '%s\n' "$d" "$(realpath -m "$d")"; done | sort -u)
k8s_mounts() {
  local m d _
  while read -r _ _ _ _ m _; do
    printf -v m '%b' "${m//\\/\\0}"
    for d in "${K8S_PREFIXES[@]}"; do
      if [[ $m == "$d" || $m == "$d"/* ]]; then printf '%s\n' "$m"; break; fi
    done
  done </proc/self/mountinfo
}

# ---------------------------------------------------------------------------- wipe the previous seed
phase "wipe the previous seed"
if [[ $LAB_SEED_DOCKER == 1 ]]; then
  ids=$($DOCKER ps -aq)
  [[ -z $ids ]] || $DOCKER rm -f $ids >/dev/null
  vols=$($DOCKER volume ls -q)
  [[ -z $vols ]] || $DOCKER volume rm -f $vols >/dev/null
  imgs=$($DOCKER images -q | sort -u)
  [[ -z $imgs ]] || $DOCKER rmi -f $imgs >/dev/null
fi
# Unmount deepest first, a pass over one listing at a time, until nothing is mounted below the 16
# directories (a later pass takes what an earlier one uncovered, e.g. mounts stacked on one point).
for ((pass = 0; pass < 50; pass++)); do
  mapfile -t ms < <(k8s_mounts | awk '{print length, $0}' | sort -rn | cut -d' ' -f2-)
  ((${#ms[@]})) || break
  for m in "${ms[@]}"; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
done
rm -rf "${K8S_DIRS[@]}"
ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | while read -r ifc; do
  if [[ $ifc =~ $LAB_IFACE_RE ]] || [[ " ${DECOY_IFACES[*]} " == *" $ifc "* ]]; then
    ip link delete "$ifc" 2>/dev/null || true   # deleting one end of a veth pair removes the peer too
  fi
done

# ------------------------------------------------------------------------- step 3: the directories
phase "step 3: the directories"
net=$((RANDOM % 200 + 10))            # this seed's pod network: 10.42.$net.0/24, fd00:42:$net::/64
ns_list=(kube-system cattle-system "app-$(alnum 5)")
pods_json=()
put /etc/ceph/ceph.conf "[global]
fsid = $(uuid)
mon_host = 10.250.0.$((RANDOM % 200 + 1))"
put /etc/ceph/ceph.client.admin.keyring "[client.admin]
	key = $(hex 40)"
put /etc/cni/net.d/10-canal.conflist '{"name":"k8s-pod-network","cniVersion":"0.3.1","plugins":[{"type":"calico"},{"type":"portmap"}]}'
put /etc/cni/net.d/calico-kubeconfig "token: $(hex 32)"
for f in kube-ca kube-apiserver kube-node kube-proxy kube-etcd-10-250-0-2; do
  put "/etc/kubernetes/ssl/$f.pem" "-----BEGIN CERTIFICATE-----
$(hex 64)
-----END CERTIFICATE-----"
done
# The kubelet kubeconfig of an RKE1 node: the lab's cluster API (scripts/lab.d/cluster-api.sh), RKE1's
# shared system:node certificate. The node's name in that cluster is its address (RKE1's default).
LAB_NODE_ADDRESS=$(ip -o -4 addr show dev eth0 2>/dev/null | awk '{ split($4, a, "/"); print a[1]; exit }')
if [[ -n ${LAB_KUBE_API:-} ]]; then
  put /etc/kubernetes/ssl/kube-ca.pem "$(base64 -d <<<"$LAB_KUBE_CA_B64")"
  put /etc/kubernetes/ssl/kube-node.pem "$(base64 -d <<<"$LAB_KUBE_NODE_CERT_B64")"
  put /etc/kubernetes/ssl/kube-node-key.pem "$(base64 -d <<<"$LAB_KUBE_NODE_KEY_B64")"
  put /etc/kubernetes/ssl/kubecfg-kube-node.yaml "apiVersion: v1
kind: Config
clusters:
- cluster:
    api-version: v1
    certificate-authority: /etc/kubernetes/ssl/kube-ca.pem
    server: \"$LAB_KUBE_API\"
  name: \"local\"
contexts:
- context:
    cluster: \"local\"
    user: \"kube-node-local\"
  name: \"local\"
current-context: \"local\"
users:
- name: \"kube-node-local\"
  user:
    client-certificate: /etc/kubernetes/ssl/kube-node.pem
    client-key: /etc/kubernetes/ssl/kube-node-key.pem"
else
  put /etc/kubernetes/ssl/kubecfg-kube-node.yaml "apiVersion: v1
kind: Config
current-context: local"
fi
for f in calico calico-ipam flannel portmap loopback host-local bandwidth; do
  put "/opt/cni/bin/$f" "#!/bin/sh
echo '{\"cniVersion\":\"0.3.1\"}'"
  chmod 755 "/opt/cni/bin/$f"
done
put /opt/rke/etc/kubernetes/audit-policy.yaml "apiVersion: audit.k8s.io/v1
kind: Policy"
put /opt/rke/var/lib/rke/.rke-state "$(hex 48)"
put /run/secrets/kubernetes.io/serviceaccount/token "eyJ$(hex 60)"
put /run/secrets/kubernetes.io/serviceaccount/namespace cattle-system
put /run/calico/cni-server.lock ""
put /run/flannel/subnet.env "FLANNEL_NETWORK=10.42.0.0/16
FLANNEL_SUBNET=10.42.$net.1/24
FLANNEL_MTU=1450"
put /var/lib/calico/nodename "$LAB_NODE"
put /var/lib/calico/mtu 1440
put /var/lib/etcd/member/snap/db "$(hex 64)"
put "/var/lib/etcd/member/wal/0000000000000000-0000000000000000.wal" "$(hex 64)"
put "/var/lib/cni/networks/k8s-pod-network/10.42.$net.5" "$(hex 64)"
put /var/lib/cni/networks/k8s-pod-network/last_reserved_ip.0 "10.42.$net.5"
put "/var/lib/cni/results/k8s-pod-network-$(hex 64)-eth0" '{"kind":"cniCacheV1"}'
put /var/run/calico/bird.ctl.placeholder "calico-node was here"   # /var/run -> /run: same dir as /run/calico
for ((p = 0; p < 3; p++)); do
  uid=$(uuid) pod="app-$(alnum 5)-$(alnum 5)" ns=${ns_list[$p]} ctr="c$(alnum 4)" cid=$(hex 64)
  put "/var/log/pods/${ns}_${pod}_${uid}/$ctr/0.log" "$(date -u +%FT%TZ) stdout F hello from $pod"
  mkdir -p /var/log/containers
  ln -sfn "/var/log/pods/${ns}_${pod}_${uid}/$ctr/0.log" "/var/log/containers/${pod}_${ns}_${ctr}-${cid}.log"
  pods_json+=("{\"uid\":\"$uid\",\"name\":\"$pod\",\"namespace\":\"$ns\"}")
done
# Underneath the mount points-to-be: only visible again once they are unmounted, so a cleanup must
# unmount before it deletes, and delete after it unmounts.
put /var/lib/kubelet/under-the-mount.txt "written before /var/lib/kubelet was mounted over"
put /var/lib/rancher/rke/log/kubelet.log "$(date -u +%FT%TZ) kubelet started"
put "/var/lib/rancher/management-state/rke/rke-$(hex 8)/cluster.rkestate" "$(hex 64)"

# ------------------------------------------------------------------------------ step 2: the mounts
phase "step 2: the mounts"
mounts=()
mnt() {  # TYPE(tmpfs|bind:SRC) TARGET
  mkdir -p "$2"
  if [[ $1 == tmpfs ]]; then mount -t tmpfs -o size=4m,mode=755 tmpfs "$2"; else mount --bind "${1#bind:}" "$2"; fi
  mounts+=("$2")
}
mnt tmpfs /var/lib/kubelet                         # the mount point itself
put /var/lib/kubelet/config.yaml "kind: KubeletConfiguration"
put /var/lib/kubelet/cpu_manager_state '{"policyName":"none"}'
mkdir -p /var/lib/kubelet/{pki,plugins,plugins_registry,pod-resources,device-plugins}
put /var/lib/kubelet/pki/kubelet.crt "$(hex 64)"
for ((p = 0; p < 3; p++)); do
  uid=$(uuid)
  base=/var/lib/kubelet/pods/$uid
  put "$base/etc-hosts" "127.0.0.1 localhost"
  mkdir -p "$base/containers" "$base/plugins"
  sec="$base/volumes/kubernetes.io~secret/$(alnum 6)-token-$(alnum 5)"
  mnt tmpfs "$sec"
  put "$sec/token" "eyJ$(hex 40)"; put "$sec/ca.crt" "$(hex 40)"; put "$sec/namespace" "${ns_list[$p]}"
  proj="$base/volumes/kubernetes.io~projected/kube-api-access-$(alnum 5)"
  mnt tmpfs "$proj"
  put "$proj/token" "eyJ$(hex 40)"
  case $p in
    0) # nesting: /var/lib/kubelet > cache > nested > inner: unmounting a parent first fails (busy)
      cache="$base/volumes/kubernetes.io~empty-dir/cache"
      mnt tmpfs "$cache"; put "$cache/blob" "$(hex 32)"
      nested="$cache/nested-$(hex 4)"
      mnt tmpfs "$nested"; put "$nested/blob" "$(hex 32)"
      mnt tmpfs "$nested/inner"; put "$nested/inner/blob" "$(hex 32)" ;;
    1) # a mount point whose path contains a space (\040 in /proc/mounts, \x20 in findmnt -r)
      sp="$base/volumes/kubernetes.io~empty-dir/scratch space-$(hex 4)"
      mnt tmpfs "$sp"; put "$sp/data file" "$(hex 32)" ;;
    2) # a subPath bind mount, as kubelet makes them
      cm="$base/volumes/kubernetes.io~configmap/config-$(alnum 5)"
      put "$cm/app.conf" "key=value"
      mnt "bind:$cm" "$base/volume-subpaths/config/c$(alnum 4)/0" ;;
  esac
done
mount --bind /var/lib/rancher /var/lib/rancher     # a bind over itself, like RKE's kubelet mount
mounts+=(/var/lib/rancher)
put /var/lib/rancher/rke/log/kube-proxy.log "$(date -u +%FT%TZ) kube-proxy started"

# Scale (LAB_SEED_MOUNTS): more pods, each with a secret and a projected-token tmpfs, as the kubelet
# mounts them, until the node has that many mount points below the 16 directories.
if ((${LAB_SEED_MOUNTS:-0} > ${#mounts[@]})); then
  phase "scale: $((LAB_SEED_MOUNTS - ${#mounts[@]})) more mounts"
  while ((${#mounts[@]} < LAB_SEED_MOUNTS)); do
    base=/var/lib/kubelet/pods/$(uuid)
    put "$base/etc-hosts" "127.0.0.1 localhost"
    sec="$base/volumes/kubernetes.io~secret/$(alnum 6)-token-$(alnum 5)"
    mnt tmpfs "$sec"; put "$sec/token" "eyJ$(hex 40)"
    ((${#mounts[@]} < LAB_SEED_MOUNTS)) || break
    proj="$base/volumes/kubernetes.io~projected/kube-api-access-$(alnum 5)"
    mnt tmpfs "$proj"; put "$proj/token" "eyJ$(hex 40)"
  done
fi

# -------------------------------------------------------------------------- step 4: the interfaces
phase "step 4: the interfaces"
ifaces=(flannel.1 cni0 tunl0)
ip link add flannel.1 type vxlan id 1 dstport 8472 dev eth0 nolearning
ip addr add "10.42.$net.0/32" dev flannel.1
ip link add cni0 type bridge
ip addr add "10.42.$net.1/24" dev cni0
ip link add tunl0 type ifb                         # no ipip module here: an ifb named tunl0
ip addr add "10.42.$net.129/32" dev tunl0
calis=()
for ((k = 0; k < 3; k++)); do
  a="cali$(hex 11)" b="cali$(hex 11)"
  ip link add "$a" type veth peer name "$b"
  calis+=("$a"); ifaces+=("$a" "$b")
done
for ((k = 0; k < 2; k++)); do
  a="veth$(hex 8)" b="veth$(hex 8)"
  ip link add "$a" type veth peer name "$b"
  ip link set "$a" master cni0
  ifaces+=("$a" "$b")
done
ip link add vethernet0 type veth peer name veth12345   # decoys: near misses of the patterns
ip link add cali-keep type veth peer name cali0123abcd
ip link add caliABCDEF01234 type ifb                  # 11 hex digits, but upper case
ip link add cni1 type bridge
ip link add flannel.2 type bridge                      # the name of a flannel VXLAN device (VNI 2), but a bridge: kept
for ifc in "${ifaces[@]}" "${DECOY_IFACES[@]}"; do ip link set "$ifc" up; done

# ------------------------------------------------------------------------ step 5: iptables chains
phase "step 5: iptables chains"
svcs=() seps=()
for ((k = 0; k < 3; k++)); do svcs+=("KUBE-SVC-$(upper 16)"); done
for ((k = 0; k < 4; k++)); do seps+=("KUBE-SEP-$(upper 16)"); done
# ruleset FAMILY(4|6): the whole filter, nat and mangle tables (restored without --noflush, so a
# reseed replaces them entirely, MY-FIREWALL and the built-in policies included).
ruleset() {
  local v=$1 svc_net pod ep c k ns
  if [[ $v == 4 ]]; then svc_net=10.43.0; pod="10.42.$net"; else svc_net="fd00:43:"; pod="fd00:42:$net:"; fi
  addr() { if [[ $v == 4 ]]; then echo "$1.$2"; else echo "$1:$2"; fi; }   # PREFIX HOST
  plen() { if [[ $v == 4 ]]; then echo 32; else echo 128; fi; }
  echo '*filter'
  echo ':INPUT ACCEPT [0:0]'; echo ':FORWARD DROP [0:0]'; echo ':OUTPUT ACCEPT [0:0]'
  for c in MY-FIREWALL calico-keep KUBEX-KEEP cali-INPUT cali-FORWARD cali-OUTPUT cali-failsafe-in \
    cali-failsafe-out cali-from-hep-forward cali-from-host-endpoint cali-from-wl-dispatch \
    cali-to-hep-forward cali-to-host-endpoint cali-to-wl-dispatch cali-wl-to-host KUBE-FIREWALL \
    KUBE-SERVICES KUBE-EXTERNAL-SERVICES KUBE-NODEPORTS KUBE-FORWARD KUBE-KUBELET-CANARY; do
    echo ":$c - [0:0]"
  done
  for c in "${calis[@]}"; do echo ":cali-fw-$c - [0:0]"; echo ":cali-tw-$c - [0:0]"; done
  for ns in "${ns_list[@]}"; do echo ":cali-pri-kns.$ns - [0:0]"; echo ":cali-pro-kns.$ns - [0:0]"; done
  echo '-A INPUT -j MY-FIREWALL'
  echo '-A INPUT -m comment --comment "cali:Cz_u1IQiXIMmKD4c" -j cali-INPUT'
  echo '-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES'
  echo '-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES'
  echo '-A INPUT -j KUBE-FIREWALL'
  echo '-A FORWARD -m comment --comment "cali:wUHhoiAYhphO9Mso" -j cali-FORWARD'
  echo '-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD'
  echo '-A FORWARD -j calico-keep'
  echo '-A OUTPUT -m comment --comment "cali:tVnHkvAo15HuiPy0" -j cali-OUTPUT'
  echo '-A OUTPUT -j KUBE-FIREWALL'
  echo '-A MY-FIREWALL -p tcp -m tcp --dport 22 -j ACCEPT'
  echo '-A calico-keep -m comment --comment "decoy: starts with cali but not cali-" -j RETURN'
  echo '-A KUBEX-KEEP -m comment --comment "decoy: starts with KUBE but not KUBE-" -j RETURN'
  echo '-A cali-INPUT -j cali-failsafe-in'
  echo '-A cali-INPUT -i cali+ -g cali-wl-to-host'
  echo '-A cali-INPUT -j cali-from-host-endpoint'
  echo '-A cali-failsafe-in -p tcp -m tcp --dport 22 -j ACCEPT'
  echo '-A cali-failsafe-in -p tcp -m tcp --dport 10250 -j ACCEPT'
  echo '-A cali-failsafe-out -p udp -m udp --dport 53 -j ACCEPT'
  echo '-A cali-FORWARD -j cali-from-hep-forward'
  echo '-A cali-FORWARD -i cali+ -j cali-from-wl-dispatch'
  echo '-A cali-FORWARD -o cali+ -j cali-to-wl-dispatch'
  echo '-A cali-FORWARD -j cali-to-hep-forward'
  echo '-A cali-OUTPUT -j cali-failsafe-out'
  echo '-A cali-OUTPUT -j cali-to-host-endpoint'
  echo '-A cali-wl-to-host -j cali-from-wl-dispatch'
  echo '-A cali-from-host-endpoint -m comment --comment "cali:no host endpoints" -j RETURN'
  echo '-A cali-to-host-endpoint -m comment --comment "cali:no host endpoints" -j RETURN'
  echo '-A cali-from-hep-forward -m comment --comment "cali:no host endpoints" -j RETURN'
  echo '-A cali-to-hep-forward -m comment --comment "cali:no host endpoints" -j RETURN'
  k=0
  for c in "${calis[@]}"; do
    ns=${ns_list[$k]}; k=$((k + 1))
    echo "-A cali-from-wl-dispatch -i $c -g cali-fw-$c"
    echo "-A cali-to-wl-dispatch -o $c -g cali-tw-$c"
    echo "-A cali-fw-$c -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT"
    echo "-A cali-fw-$c -j MARK --set-xmark 0x0/0x10000"
    echo "-A cali-fw-$c -j cali-pro-kns.$ns"
    echo "-A cali-tw-$c -j cali-pri-kns.$ns"
    echo "-A cali-pro-kns.$ns -j MARK --set-xmark 0x10000/0x10000"
    echo "-A cali-pri-kns.$ns -j MARK --set-xmark 0x10000/0x10000"
  done
  echo '-A KUBE-FIREWALL -m comment --comment "kubernetes firewall for dropping marked packets" -m mark --mark 0x8000/0x8000 -j DROP'
  echo '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT'
  echo "-A KUBE-SERVICES -d $(addr "$svc_net" 10)/$(plen) -p udp -m udp --dport 53 -m comment --comment \"kube-system/kube-dns:dns has no endpoints\" -j RETURN"
  echo '-A KUBE-EXTERNAL-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS'
  echo '-A KUBE-NODEPORTS -p tcp -m tcp --dport 30080 -j ACCEPT'
  echo 'COMMIT'

  echo '*nat'
  for c in PREROUTING INPUT OUTPUT POSTROUTING; do echo ":$c ACCEPT [0:0]"; done
  for c in KUBEX-KEEP KUBE-SERVICES KUBE-NODEPORTS KUBE-POSTROUTING KUBE-MARK-MASQ KUBE-MARK-DROP \
    cali-PREROUTING cali-POSTROUTING cali-OUTPUT cali-fip-dnat cali-fip-snat cali-nat-outgoing \
    "${svcs[@]}" "${seps[@]}"; do
    echo ":$c - [0:0]"
  done
  echo '-A PREROUTING -m comment --comment "cali:6gwbT8clXdHdC1b1" -j cali-PREROUTING'
  echo '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES'
  echo '-A OUTPUT -m comment --comment "cali:tVnHkvAo15HuiPy0" -j cali-OUTPUT'
  echo '-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES'
  echo '-A POSTROUTING -m comment --comment "cali:O3lYWMrLQYEMJtB5" -j cali-POSTROUTING'
  echo '-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING'
  echo '-A POSTROUTING -j KUBEX-KEEP'
  echo '-A KUBEX-KEEP -m comment --comment "decoy: starts with KUBE but not KUBE-" -j RETURN'
  echo '-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000'
  echo '-A KUBE-MARK-DROP -j MARK --set-xmark 0x8000/0x8000'
  echo '-A KUBE-POSTROUTING -m mark --mark 0x4000/0x4000 -j MASQUERADE'
  echo '-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS'
  for ((k = 0; k < 3; k++)); do
    echo "-A KUBE-SERVICES -d $(addr "$svc_net" $((k + 1)))/$(plen) -p tcp -m tcp --dport 443 -j ${svcs[$k]}"
    echo "-A ${svcs[$k]} ! -s $(addr "$pod" 0)/$([[ $v == 4 ]] && echo 24 || echo 64) -j KUBE-MARK-MASQ"
  done
  echo "-A KUBE-NODEPORTS -p tcp -m tcp --dport 30080 -j ${svcs[2]}"
  # svc0 -> sep0 or sep1 (random balancing), svc1 -> sep2, svc2 -> sep3
  echo "-A ${svcs[0]} -m statistic --mode random --probability 0.5 -j ${seps[0]}"
  echo "-A ${svcs[0]} -j ${seps[1]}"
  echo "-A ${svcs[1]} -j ${seps[2]}"
  echo "-A ${svcs[2]} -j ${seps[3]}"
  for ((k = 0; k < 4; k++)); do
    ep=$(addr "$pod" $((k + 5)))
    echo "-A ${seps[$k]} -s $ep/$(plen) -j KUBE-MARK-MASQ"
    if [[ $v == 4 ]]; then echo "-A ${seps[$k]} -p tcp -m tcp -j DNAT --to-destination $ep:8443"
    else echo "-A ${seps[$k]} -p tcp -m tcp -j DNAT --to-destination [$ep]:8443"; fi
  done
  echo '-A cali-PREROUTING -j cali-fip-dnat'
  echo '-A cali-OUTPUT -j cali-fip-dnat'
  echo '-A cali-POSTROUTING -j cali-fip-snat'
  echo '-A cali-POSTROUTING -j cali-nat-outgoing'
  echo "-A cali-nat-outgoing -s $(addr "$pod" 0)/$([[ $v == 4 ]] && echo 24 || echo 64) -j MASQUERADE"
  echo 'COMMIT'

  echo '*mangle'
  for c in PREROUTING INPUT FORWARD OUTPUT POSTROUTING; do echo ":$c ACCEPT [0:0]"; done
  for c in MY-KUBE-NOTES cali-PREROUTING cali-POSTROUTING cali-from-host-endpoint cali-to-host-endpoint \
    cali-failsafe-in KUBE-KUBELET-CANARY KUBE-PROXY-CANARY; do
    echo ":$c - [0:0]"
  done
  echo '-A PREROUTING -m comment --comment "cali:6gwbT8clXdHdC1b1" -j cali-PREROUTING'
  echo '-A PREROUTING -j MY-KUBE-NOTES'
  echo '-A POSTROUTING -m comment --comment "cali:O3lYWMrLQYEMJtB5" -j cali-POSTROUTING'
  echo '-A MY-KUBE-NOTES -m comment --comment "decoy: contains KUBE- but does not start with it" -j RETURN'
  echo '-A cali-PREROUTING -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT'
  echo '-A cali-PREROUTING -j cali-from-host-endpoint'
  echo '-A cali-from-host-endpoint -j cali-failsafe-in'
  echo '-A cali-POSTROUTING -j cali-to-host-endpoint'
  echo '-A cali-failsafe-in -p tcp -m tcp --dport 22 -j ACCEPT'
  echo 'COMMIT'

  # raw: not in the reference's list, but Calico puts its untracked-policy chains there.
  echo '*raw'
  for c in PREROUTING OUTPUT; do echo ":$c ACCEPT [0:0]"; done
  for c in cali-PREROUTING cali-OUTPUT cali-from-host-endpoint cali-to-host-endpoint; do echo ":$c - [0:0]"; done
  echo '-A PREROUTING -m comment --comment "cali:6gwbT8clXdHdC1b1" -j cali-PREROUTING'
  echo '-A OUTPUT -m comment --comment "cali:tVnHkvAo15HuiPy0" -j cali-OUTPUT'
  echo '-A cali-PREROUTING -i cali+ -j MARK --set-xmark 0x40000/0x40000'
  echo '-A cali-PREROUTING -m mark --mark 0x0/0x40000 -j cali-from-host-endpoint'
  echo '-A cali-OUTPUT -j cali-to-host-endpoint'
  echo 'COMMIT'
}
ruleset 4 | iptables-restore
ruleset 6 | ip6tables-restore

# Scale (LAB_SEED_RULES): leftover rules as `status` counts them (in a cali-/KUBE- chain, or jumping to
# one), both families; the rest is added to IPv4 in one `iptables-restore --noflush`: kube-proxy
# services (KUBE-SERVICES -> KUBE-SVC-… with a masquerade rule, two KUBE-SEP-… endpoints of two rules
# each: 8 rules, 3 chains per service) in nat, then Calico policy chains (cali-from-wl-dispatch ->
# cali-pi-… with up to 10 rules) in filter for what is left.
leftover_rules() {
  { iptables-save; ip6tables-save; } | awk -v re="$LAB_CHAIN_RE" '
    $1 == "-A" { hit = ($2 ~ re); for (i = 3; i < NF; i++) if (($i == "-j" || $i == "-g") && $(i + 1) ~ re) hit = 1; if (hit) n++ }
    END { print n + 0 }'
}
if ((${LAB_SEED_RULES:-0} > 0)); then
  have=$(leftover_rules)
  if ((LAB_SEED_RULES > have)); then
    phase "scale: $((LAB_SEED_RULES - have)) more iptables rules"
    more=$((LAB_SEED_RULES - have))
    {
      echo '*nat'
      body=() k=0
      while ((more >= 8)); do
        svc="KUBE-SVC-$(upper 16)" a="KUBE-SEP-$(upper 16)" b="KUBE-SEP-$(upper 16)"
        ip="10.43.$((k / 250 + 1)).$((k % 250 + 1))" ea="10.42.$net.$((k % 200 + 20))" eb="10.42.$net.$(((k + 7) % 200 + 20))"
        echo ":$svc - [0:0]"; echo ":$a - [0:0]"; echo ":$b - [0:0]"
        body+=("-A KUBE-SERVICES -d $ip/32 -p tcp -m comment --comment \"app-$k/svc-$k:http cluster IP\" -m tcp --dport 80 -j $svc"
          "-A $svc ! -s 10.42.0.0/16 -d $ip/32 -p tcp -m tcp --dport 80 -j KUBE-MARK-MASQ"
          "-A $svc -m statistic --mode random --probability 0.50000000000 -j $a" "-A $svc -j $b"
          "-A $a -s $ea/32 -j KUBE-MARK-MASQ" "-A $a -p tcp -m tcp -j DNAT --to-destination $ea:8080"
          "-A $b -s $eb/32 -j KUBE-MARK-MASQ" "-A $b -p tcp -m tcp -j DNAT --to-destination $eb:8080")
        more=$((more - 8)) k=$((k + 1))
      done
      ((${#body[@]} == 0)) || printf '%s\n' "${body[@]}"
      echo 'COMMIT'
      echo '*filter'
      body=() k=0
      while ((more > 0)); do
        pol="cali-pi-_$(pick 19 ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789)"
        echo ":$pol - [0:0]"
        body+=("-A cali-from-wl-dispatch -m comment --comment \"cali:policy $k\" -j $pol")
        more=$((more - 1))
        for ((r = 0; r < 10 && more > 0; r++)); do
          body+=("-A $pol -p tcp -m comment --comment \"cali:rule $k.$r\" -m tcp --dport $((8000 + r)) -j MARK --set-xmark 0x10000/0x10000")
          more=$((more - 1))
        done
        k=$((k + 1))
      done
      ((${#body[@]} == 0)) || printf '%s\n' "${body[@]}"
      echo 'COMMIT'
    } | iptables-restore --noflush
  fi
fi

# ------------------------------------------------------------------------------ keepers a seed owns
phase "keepers a seed owns"
rm -rf /var/lib/mydata
put /var/lib/mydata/customers.db "$(hex 64)"
put /var/lib/mydata/notes/read me.txt "keep this: it is not Kubernetes' to delete"
put /var/lib/mydata/kubelet-backup/config.yaml "a backup the operator made; the name says kubelet but it is data"

# ------------------------------------------------------------------- step 1: docker (daemon running)
phase "step 1: docker (daemon running)"
containers=() volumes=() images=()
if [[ $LAB_SEED_DOCKER == 1 ]]; then
  cat >/tmp/lab-rootfs.tar
  tag=$(alnum 6)
  img1="rancher/hyperkube:v1.2$((RANDOM % 10)).$((RANDOM % 10))-rancher$tag"
  img2="rancher/rancher-agent:v2.$((RANDOM % 10)).$((RANDOM % 10))-$tag"
  $DOCKER import -c 'CMD ["/bin/sh"]' /tmp/lab-rootfs.tar "$img1" >/dev/null
  $DOCKER import -c 'CMD ["/bin/sh"]' -c "LABEL io.rancher.agent=$tag" /tmp/lab-rootfs.tar "$img2" >/dev/null
  rm -f /tmp/lab-rootfs.tar
  $DOCKER tag "$img1" "rancher/rke-tools:v0.1.$((RANDOM % 100))-$tag"
  pause="rancher/pause:3.$((RANDOM % 10))-$tag"
  $DOCKER tag "$img2" "$pause"
  images=("$img1" "$img2")
  for ((k = 0; k < 3; k++)); do volumes+=("vol-$(hex 12)"); done
  # The two used volumes are the cluster's by their users; the dangling third carries a cluster label:
  # a dangling volume without one is kept as someone else's data (src/recipe/ownership.ts).
  $DOCKER volume create "${volumes[0]}" >/dev/null
  $DOCKER volume create "${volumes[1]}" >/dev/null
  $DOCKER volume create --label "io.rancher.rke.lab=dangling-$tag" "${volumes[2]}" >/dev/null
  uid1=$(uuid | tr -d -) uid2=$(uuid | tr -d -)
  pod1="cattle-node-agent-$(alnum 5)" pod2="coredns-$(alnum 10)-$(alnum 5)"
  run_d=(kubelet kube-proxy "k8s_POD_${pod1}_cattle-system_${uid1}_0" "k8s_agent_${pod1}_cattle-system_${uid1}_0"
    "k8s_coredns_${pod2}_kube-system_${uid2}_0")
  run_x=(service-sidekick "k8s_POD_${pod2}_kube-system_${uid2}_1" "rke-log-linker-$(alnum 4)")
  # Fault nodes get a light load (nodescrub never gets to clean them): one running, one exited.
  if [[ ${LAB_SEED_LIGHT:-0} == 1 ]]; then run_d=(kubelet); run_x=(service-sidekick); fi
  pids=()
  for c in "${run_d[@]}"; do
    vol=()
    [[ $c == k8s_agent_* ]] && vol=(-v "${volumes[0]}:/var/lib/rancher")
    [[ $c == kubelet ]] && vol=(-v "${volumes[1]}:/var/lib/kubelet-data")
    # RKE1's kubelet container carries the kubelet's flags: the node name and the kubeconfig.
    # PID 1 ends on SIGTERM, as pause, the kubelet and kube-proxy do on a real node: a TERM-deaf
    # sleep made every run wait docker stop's full grace twice (≈ 10 s), the test suite's largest
    # fixed wait. LAB_SEED_TERM_DEAF=1 (`seed --term-deaf`) brings the TERM-deaf sleep back.
    forever='trap "exit 0" TERM; sleep 2147483647 & wait' cmd=(sh -c "$forever")
    if [[ ${LAB_SEED_TERM_DEAF:-0} == 1 ]]; then forever='exec sleep 2147483647' cmd=(sleep 2147483647); fi
    [[ $c == kubelet ]] && cmd=(sh -c "$forever" kubelet --hostname-override="${LAB_NODE_ADDRESS:-127.0.0.1}" \
      --kubeconfig=/etc/kubernetes/ssl/kubecfg-kube-node.yaml --cluster-domain=cluster.local)
    $DOCKER run -d --network none --name "$c" "${vol[@]}" "$img1" "${cmd[@]}" >/dev/null &
    pids+=($!)
  done
  for c in "${run_x[@]}"; do
    $DOCKER run --network none --name "$c" "$img2" sh -c 'exit 0' >/dev/null &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p"; done
  containers=("${run_d[@]}" "${run_x[@]}")
  # Scale (LAB_SEED_CONTAINERS): pods as the kubelet (dockershim) leaves them on a failed RKE1 node —
  # a sandbox k8s_POD_<pod>_<ns>_<uid>_0 on the pause image and a container k8s_<name>_<pod>_<ns>_<uid>_0,
  # both with the io.kubernetes.* labels; every tenth one running (a sleep whose PID 1 ends on SIGTERM,
  # as pause does), the others exited.
  # `docker run` four at a time (each is a runc start: ≈ 0.5 s of the machine's CPU).
  if ((${LAB_SEED_CONTAINERS:-0} > ${#containers[@]})); then
    want=$((LAB_SEED_CONTAINERS - ${#containers[@]}))
    phase "scale: $want more containers"
    scale_run() {  # NAME RUNNING POD NS UID CONTAINER-NAME IMAGE
      local -a a=(--network none --name "$1" --label "io.kubernetes.pod.name=$3" --label "io.kubernetes.pod.namespace=$4"
        --label "io.kubernetes.pod.uid=$5" --label "io.kubernetes.container.name=$6")
      if [[ $6 == POD ]]; then a+=(--label io.kubernetes.docker.type=podsandbox); else a+=(--label io.kubernetes.docker.type=container); fi
      if (($2)); then $DOCKER run -d "${a[@]}" "$7" sh -c 'trap "exit 0" TERM; sleep 2147483647 & wait' >/dev/null
      else $DOCKER run "${a[@]}" "$7" sh -c 'exit 0' >/dev/null; fi
    }
    jobs_n=0 made=0
    while ((made < want)); do
      uid=$(uuid) ns=${ns_list[made % 3]} pod="app-$(alnum 5)-$(alnum 10)-$(alnum 5)" name="c$(alnum 6)"
      for ctr in POD "$name"; do
        ((made < want)) || break
        c="k8s_${ctr}_${pod}_${ns}_${uid}_0" image=$img1
        [[ $ctr == POD ]] && image=$pause
        scale_run "$c" "$((made % 20 == 0 || made % 20 == 11))" "$pod" "$ns" "$uid" "$ctr" "$image" &
        containers+=("$c") made=$((made + 1)) jobs_n=$((jobs_n + 1))
        if ((jobs_n >= 4)); then wait -n; jobs_n=$((jobs_n - 1)); fi
      done
    done
    wait
    have=$($DOCKER ps -aq | grep -c .)
    ((have == ${#containers[@]})) || { echo "seed: $have containers, expected ${#containers[@]}" >&2; exit 1; }
  fi
fi

# ------------------------------------------------------------------------------------ the report
phase "the report"
js() { if (($#)); then printf '%s\n' "$@" | jq -R . | jq -sc .; else echo '[]'; fi; }
jq -nc --arg node "$LAB_NODE" --argjson containers "$(js "${containers[@]}")" \
  --argjson volumes "$(js "${volumes[@]}")" --argjson images "$(js "${images[@]}")" \
  --argjson mounts "$(js "${mounts[@]}")" --argjson interfaces "$(js "${ifaces[@]}")" \
  --argjson kubeServices "$(js "${svcs[@]}")" --argjson kubeEndpoints "$(js "${seps[@]}")" \
  --argjson caliWorkloads "$(js "${calis[@]}")" --argjson namespaces "$(js "${ns_list[@]}")" \
  --argjson pods "[$(IFS=,; echo "${pods_json[*]}")]" \
  --arg mydata "$(cd /var/lib/mydata && find . -type f -print0 | sort -z | xargs -0 sha256sum)" \
  '{node:$node, containers:$containers, volumes:$volumes, images:$images, mounts:$mounts,
    interfaces:$interfaces, caliWorkloads:$caliWorkloads, kubeServices:$kubeServices,
    kubeEndpoints:$kubeEndpoints, namespaces:$namespaces, logPods:$pods, mydataSha256:$mydata}'
