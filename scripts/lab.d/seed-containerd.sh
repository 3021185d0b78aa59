#!/usr/bin/env bash
# Runs INSIDE an rke2, k3s or kubeadm lab node, as root (scripts/lab seed pipes containerd-kind.sh + this
# through `bash -c`). stdin: the lab's OCI image archive (busybox). Wipes what a previous seed or a
# half-done cleanup left, then makes a failed node of the kind: state and config on disk, the
# cluster containerd running from the data dir with pods (real shims, runc, rootfs mounts, cni-*
# netns with veths in cni0), kubelet volume mounts, and the unit enabled — and resets the keepers
# (RKE2) / near misses (K3s). Prints one JSON object describing what it made.
# kubeadm: the pods run on the system containerd, which the seed (re)starts and which stays.
# Env: LAB_NODE, LAB_KIND (rke2|k3s|kubeadm), LAB_CGROUP_PARENT (cgroup of every task the lab starts),
#      LAB_KUBE_API, LAB_KUBE_CA_B64, LAB_KUBE_NODE_CERT_B64, LAB_KUBE_NODE_KEY_B64.
set -euo pipefail
pick() { local s='' i; for ((i = 0; i < $1; i++)); do s+=${2:SRANDOM % ${#2}:1}; done; printf '%s\n' "$s"; }
hex() { pick "$1" 0123456789abcdef; }
alnum() { pick "$1" abcdefghijklmnopqrstuvwxyz0123456789; }
uuid() { local h; h=$(hex 32); echo "${h:0:8}-${h:8:4}-${h:12:4}-${h:16:4}-${h:20:12}"; }
put() { mkdir -p "${1%/*}" && printf '%s\n' "$2" >"$1"; }
wait_sock() { local i; for ((i = 0; i < 150; i++)); do /usr/bin/ctr -a "$1" version >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "containerd at $1 did not answer" >&2; return 1; }
kill_tree() {  # PID...: children first collected, then all KILLed (rke2-killall's killtree)
  local all=() p c
  local -a todo=("$@")
  while ((${#todo[@]})); do
    p=${todo[0]}; todo=("${todo[@]:1}"); all+=("$p")
    for c in $(cat /proc/"$p"/task/*/children 2>/dev/null); do todo+=("$c"); done
  done
  if ((${#all[@]})); then kill -KILL "${all[@]}" 2>/dev/null || true; fi
}
standin() {  # PATH BODY: an executable stand-in script
  put "$1" "#!/bin/bash
# lab stand-in for $LAB_KIND's ${1##*/} (scripts/lab.d/seed-containerd.sh); nodescrub must not need it
$2"
  chmod 755 "$1"
}
# The body of a stand-in that runs as a unit's main process: it blocks forever on a fifo of its own
# (no child, no CPU) until the lab or nodescrub stops it.
RUN_AS_MAIN='f=/run/lab-systemd/main.$$; mkfifo "$f"; exec {fd}<>"$f"; rm -f "$f"; while :; do read -r -u "$fd" _ || true; done'
image_tar=/tmp/lab-image.oci.tar
cat >"$image_tar"

# ------------------------------------------------------------------------ wipe the previous seed
if /usr/bin/ctr -a "$CLUSTER_SOCK" version >/dev/null 2>&1; then
  for t in $(/usr/bin/ctr -a "$CLUSTER_SOCK" -n k8s.io tasks ls -q 2>/dev/null); do
    /usr/bin/ctr -a "$CLUSTER_SOCK" -n k8s.io tasks kill -s KILL "$t" >/dev/null 2>&1 || true
  done
  sleep 0.2
  for t in $(/usr/bin/ctr -a "$CLUSTER_SOCK" -n k8s.io tasks ls -q 2>/dev/null); do
    /usr/bin/ctr -a "$CLUSTER_SOCK" -n k8s.io tasks rm -f "$t" >/dev/null 2>&1 || true
  done
  if [[ $LAB_KIND == kubeadm ]]; then   # the system containerd stays: empty its k8s.io namespace
    for c in $(/usr/bin/ctr -a "$CLUSTER_SOCK" -n k8s.io containers ls -q 2>/dev/null); do
      /usr/bin/ctr -a "$CLUSTER_SOCK" -n k8s.io containers rm "$c" >/dev/null 2>&1 || true
    done
  fi
fi
# shellcheck disable=SC2046
kill_tree $(shim_pids) $(cluster_containerd_pids)
for u in "$UNIT" k3s-notes.service; do
  if read -r p _ 2>/dev/null <"$LAB_SYSTEMD_STATE/$u.pid"; then kill_tree "$p"; rm -f "$LAB_SYSTEMD_STATE/$u.pid"; fi
done
for ((i = 0; i < 500; i++)); do
  # the deepest (longest) first; awk reads all its input (a `| head` could SIGPIPE under pipefail)
  m=$(mounts_under "${CLUSTER_MOUNT_ROOTS[@]}" '/run/netns/cni-*' /run/k3s-notes | awk 'length > length(m) { m = $0 } END { print m }')
  [[ -n $m ]] || break
  umount "$m" 2>/dev/null || umount -l "$m"
done
for f in /run/netns/cni-*; do [[ -e $f ]] && rm -f "$f"; done
ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | while read -r ifc; do
  case $ifc in cni0 | flannel.1 | veth*) ip link delete "$ifc" 2>/dev/null || true ;; esac
done
rm -rf "${CLUSTER_DIRS[@]}" /var/lib/kubelet /run/k3s /etc/rancher/agent /var/lib/rancher/rancher-system-agent
[[ $LAB_KIND == kubeadm ]] && rm -rf /etc/rancher /var/lib/rancher /opt/cni
rm -f /etc/systemd/system/*.wants/"$UNIT"
# the network leftovers and their near misses (issue 17), all re-made below
ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | while read -r ifc; do
  case " ${NET_LINKS[*]} ${NET_DECOY_LINKS[*]} " in *" $ifc "*) ip link delete "$ifc" 2>/dev/null || true; continue ;; esac
  case $ifc in lxc[0-9a-f]* | podnic7 | cilium_* | lxc*) ip link delete "$ifc" 2>/dev/null || true ;; esac
done
for t in filter nat mangle raw; do iptables -t "$t" -F; iptables -t "$t" -X; done
for t in "${NFT_GONE[@]}" "${NFT_KEEP[@]}"; do nft delete table $t 2>/dev/null || true; done   # "FAMILY NAME": split on purpose
mountpoint -q /run/cilium/cgroupv2 && umount /run/cilium/cgroupv2
rm -rf "${CNI_STATE_GONE[@]}" "${CNI_STATE_KEEP[@]}"

# ---------------------------------------------------------------------- the node's state on disk
seed_kubeadm_state() {  # kubeadm init/join's layout (the control plane's static pods, certs, etcd)
  local pki=/var/lib/kubelet/pki stamp
  stamp=$(date -u +%Y-%m-%d-%H-%M-%S)
  put "$pki/kubelet-client-$stamp.pem" "$(base64 -d <<<"${LAB_KUBE_NODE_CERT_B64:-}")
$(base64 -d <<<"${LAB_KUBE_NODE_KEY_B64:-}")"
  chmod 600 "$pki/kubelet-client-$stamp.pem"
  ln -sfn "$pki/kubelet-client-$stamp.pem" "$pki/kubelet-client-current.pem"
  put /etc/kubernetes/pki/ca.crt "$(base64 -d <<<"${LAB_KUBE_CA_B64:-}")"
  put /etc/kubernetes/pki/ca.key "-----BEGIN RSA PRIVATE KEY-----
$(hex 64)
-----END RSA PRIVATE KEY-----"
  put /etc/kubernetes/kubelet.conf "apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority-data: ${LAB_KUBE_CA_B64:-}
    server: ${LAB_KUBE_API:-https://10.250.255.1:6443}
  name: kubernetes
contexts:
- context:
    cluster: kubernetes
    user: system:node:$LAB_NODE
  name: system:node:$LAB_NODE@kubernetes
current-context: system:node:$LAB_NODE@kubernetes
users:
- name: system:node:$LAB_NODE
  user:
    client-certificate: $pki/kubelet-client-current.pem
    client-key: $pki/kubelet-client-current.pem"
  put /etc/kubernetes/admin.conf "apiVersion: v1
kind: Config
clusters:
- cluster: {server: 'https://10.250.255.1:6443'}
  name: kubernetes
users:
- name: kubernetes-admin
  user: {token: $(hex 32)}"
  chmod 600 /etc/kubernetes/admin.conf /etc/kubernetes/kubelet.conf
  for c in etcd kube-apiserver kube-controller-manager kube-scheduler; do
    put "/etc/kubernetes/manifests/$c.yaml" "apiVersion: v1
kind: Pod
metadata: {name: $c, namespace: kube-system}"
  done
  put /var/lib/kubelet/config.yaml "apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
cgroupDriver: systemd
containerRuntimeEndpoint: unix:///run/containerd/containerd.sock
staticPodPath: /etc/kubernetes/manifests"
  put /var/lib/kubelet/kubeadm-flags.env "KUBELET_KUBEADM_ARGS=\"--container-runtime-endpoint=unix:///run/containerd/containerd.sock --pod-infra-container-image=registry.k8s.io/pause:3.9\""
  for f in member/snap/db member/wal/0000000000000000-0000000000000000.wal; do put "/var/lib/etcd/$f" "$(hex 256)"; done
  put /etc/cni/net.d/10-flannel.conflist '{"name":"cbr0","cniVersion":"0.3.1","plugins":[{"type":"flannel"},{"type":"portmap"}]}'
  mkdir -p /opt/cni/bin
  for b in bridge flannel portmap host-local loopback; do standin "/opt/cni/bin/$b" 'exit 1'; done
}
if [[ $LAB_KIND == kubeadm ]]; then seed_kubeadm_state; else
token="K10$(hex 64)::server:$(hex 32)"
case $LAB_KIND in
  rke2) put "$ETC_DIR/config.yaml" "# written by rancher-system-agent (lab)
server: https://10.250.255.1:9345
token: $token
node-name: $LAB_NODE
cni: canal" ;;
  k3s) # the data dir moved by a drop-in (read after config.yaml, so it wins)
    put "$ETC_DIR/config.yaml" "server: https://10.250.255.1:6443
token: $token
data-dir: /var/lib/rancher/k3s
node-name: $LAB_NODE"
    put "$ETC_DIR/config.yaml.d/50-data-dir.yaml" "# the big disk
data-dir: $DATA_DIR" ;;
esac
chmod 600 "$ETC_DIR/config.yaml"
put /etc/rancher/node/password "$(hex 32)"
chmod 600 /etc/rancher/node/password
mkdir -p "$BIN_DIR"
cp /usr/bin/containerd /usr/bin/containerd-shim-runc-v2 /usr/bin/ctr /usr/sbin/runc "$BIN_DIR/"
standin "$BIN_DIR/kubelet" 'echo "kubelet (lab stand-in): not runnable here" >&2; exit 1'
if [[ $LAB_KIND == rke2 ]]; then
  ln -sfn "data/$DATA_VERSION/bin" "$BIN_LINK"
else
  ln -sfn "$DATA_VERSION" "$BIN_LINK"
  ln -sfn "$BIN_DIR/ctr" "$DATA_DIR/data/$DATA_VERSION/bin/k3s-ctr-real" 2>/dev/null || true
fi
put "$CLUSTER_CONFIG" "# lab: the cluster containerd of a $LAB_KIND node; CRI off (no kubelet here)
version = 2
root = \"$CLUSTER_ROOT\"
state = \"$CLUSTER_STATE\"
disabled_plugins = [\"io.containerd.grpc.v1.cri\"]
[grpc]
  address = \"$CLUSTER_SOCK\"
[plugins.\"io.containerd.internal.v1.opt\"]
  path = \"$DATA_DIR/agent/containerd/opt\""
kubecfg=$DATA_DIR/agent/kubelet.kubeconfig
put "$DATA_DIR/agent/server-ca.crt" "$(base64 -d <<<"${LAB_KUBE_CA_B64:-}")"
put "$DATA_DIR/agent/client-kubelet.crt" "$(base64 -d <<<"${LAB_KUBE_NODE_CERT_B64:-}")"
put "$DATA_DIR/agent/client-kubelet.key" "$(base64 -d <<<"${LAB_KUBE_NODE_KEY_B64:-}")"
put "$kubecfg" "apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority: $DATA_DIR/agent/server-ca.crt
    server: ${LAB_KUBE_API:-https://10.250.255.1:6443}
  name: local
contexts:
- context:
    cluster: local
    namespace: default
    user: user
  name: Default
current-context: Default
users:
- name: user
  user:
    client-certificate: $DATA_DIR/agent/client-kubelet.crt
    client-key: $DATA_DIR/agent/client-kubelet.key"
put "$DATA_DIR/agent/logs/kubelet.log" "I1204 $(date -u +%T) 1 kubelet.go:2400] \"Node not ready\" node=\"$LAB_NODE\""
touch -d '3 hours ago' "$DATA_DIR/agent/logs/kubelet.log"
for f in member/snap/db member/wal/0000000000000000-0000000000000000.wal; do
  put "$DATA_DIR/server/db/etcd/$f" "$(hex 256)"
done
put "$DATA_DIR/server/token" "$token"
put "$DATA_DIR/server/tls/server-ca.crt" "$(base64 -d <<<"${LAB_KUBE_CA_B64:-}")"
put "$DATA_DIR/agent/pod-manifests/kube-proxy.yaml" "apiVersion: v1
kind: Pod
metadata: {name: kube-proxy, namespace: kube-system}"
put /var/lib/rancher/rancher-system-agent/applied/plan-$(alnum 5).json '{"lab":true}'
mkdir -p /var/lib/rancher
fi

# ---------------------------------------------------------- units and the stand-in binaries
case $LAB_KIND in
  kubeadm)
    standin /usr/bin/kubelet 'case ${1:-} in
  --config=* | --kubeconfig=*) '"$RUN_AS_MAIN"' ;;
  *) echo "kubelet (lab stand-in): $*" >&2; exit 1 ;;
esac'
    standin /usr/bin/kubeadm 'echo "kubeadm (lab stand-in): not run by the lab" >&2; exit 1'
    standin /usr/bin/kubectl 'echo "kubectl (lab stand-in): not available" >&2; exit 1'
    put "$UNIT_DIR/$UNIT" "[Unit]
Description=kubelet: The Kubernetes Node Agent
Documentation=https://kubernetes.io/docs/
Wants=network-online.target
After=network-online.target

[Service]
ExecStart=/usr/bin/kubelet
Restart=always
StartLimitInterval=0
RestartSec=10

[Install]
WantedBy=multi-user.target"
    put "$UNIT_DIR/$UNIT.d/10-kubeadm.conf" "# Note: This dropin only works with kubeadm and kubelet v1.11+
[Service]
Environment=\"KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf\"
Environment=\"KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml\"
EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env
EnvironmentFile=-/etc/default/kubelet
ExecStart=
ExecStart=/usr/bin/kubelet \$KUBELET_KUBECONFIG_ARGS \$KUBELET_CONFIG_ARGS \$KUBELET_KUBEADM_ARGS \$KUBELET_EXTRA_ARGS"
    ;;
  rke2)
    standin /usr/local/bin/rke2 'case ${1:-} in
  server | agent) '"$RUN_AS_MAIN"' ;;
  *) echo "rke2 (lab stand-in): $*" >&2; exit 1 ;;
esac'
    standin /usr/local/bin/rke2-killall.sh 'echo "rke2-killall.sh (lab stand-in): not run by the lab" >&2; exit 1'
    standin /usr/local/bin/rke2-uninstall.sh 'echo "rke2-uninstall.sh (lab stand-in): not run by the lab" >&2; exit 1'
    put "$UNIT_DIR/$UNIT" "[Unit]
Description=Rancher Kubernetes Engine v2 (server)
Documentation=https://github.com/rancher/rke2#readme
Wants=network-online.target
After=network-online.target
Conflicts=rke2-agent.service

[Install]
WantedBy=multi-user.target

[Service]
Type=notify
EnvironmentFile=-/etc/default/%N
EnvironmentFile=-/etc/sysconfig/%N
EnvironmentFile=-/usr/local/lib/systemd/system/%N.env
KillMode=process
Delegate=yes
LimitNOFILE=1048576
TimeoutStartSec=0
Restart=always
RestartSec=5s
ExecStartPre=/bin/sh -xc '! /usr/bin/systemctl is-enabled --quiet nm-cloud-setup.service'
ExecStartPre=-/sbin/modprobe br_netfilter
ExecStartPre=-/sbin/modprobe overlay
ExecStart=/usr/local/bin/rke2 server
ExecStopPost=-/bin/sh -c \"systemd-cgls /system.slice/%n | grep -Eo '[0-9]+ (containerd|kubelet)' | awk '{print \$1}' | xargs -r kill\""
    ;;
  k3s)
    # One multi-call binary: `k3s ctr …` is the real ctr; kubectl/crictl/ctr are symlinks to it.
    standin /usr/local/bin/k3s 'me=${0##*/}; [[ $me == k3s ]] && { me=${1:-}; shift || true; }
case $me in
  ctr) CONTAINERD_ADDRESS=${CONTAINERD_ADDRESS:-'"$CLUSTER_SOCK"'} CONTAINERD_NAMESPACE=${CONTAINERD_NAMESPACE:-k8s.io} exec '"$BIN_DIR"'/ctr "$@" ;;
  server | agent) '"$RUN_AS_MAIN"' ;;
  *) echo "k3s $me (lab stand-in): not available" >&2; exit 1 ;;
esac'
    for l in kubectl crictl ctr; do ln -sfn k3s "/usr/local/bin/$l"; done
    standin /usr/local/bin/k3s-killall.sh 'echo "k3s-killall.sh (lab stand-in): not run by the lab" >&2; exit 1'
    standin /usr/local/bin/k3s-uninstall.sh 'echo "k3s-uninstall.sh (lab stand-in): not run by the lab" >&2; exit 1'
    put "$UNIT_DIR/$UNIT" "[Unit]
Description=Lightweight Kubernetes
Documentation=https://k3s.io
Wants=network-online.target
After=network-online.target

[Install]
WantedBy=multi-user.target

[Service]
Type=notify
EnvironmentFile=-/etc/default/%N
EnvironmentFile=-/etc/sysconfig/%N
EnvironmentFile=-/etc/systemd/system/k3s.service.env
KillMode=process
Delegate=yes
LimitNOFILE=1048576
TimeoutStartSec=0
Restart=always
RestartSec=5s
ExecStartPre=-/sbin/modprobe br_netfilter
ExecStartPre=-/sbin/modprobe overlay
ExecStart=/usr/local/bin/k3s server"
    ;;
esac
mkdir -p /run/lab-systemd /run/systemd/system   # "systemd runs" for a client that checks (the stand-in is /usr/local/bin/systemctl)
systemctl enable "$UNIT" 2>/dev/null
# The unit's main process. RKE2: it died (the node failed) — unit enabled, state failed, containerd
# and pods alive, no kubelet. K3s: still running, so a cleanup must stop it.
main_cmd=(/usr/local/bin/rke2 server)
[[ $LAB_KIND == k3s ]] && main_cmd=(/usr/local/bin/k3s server)
[[ $LAB_KIND == kubeadm ]] && main_cmd=(/usr/bin/kubelet --config=/var/lib/kubelet/config.yaml --kubeconfig=/etc/kubernetes/kubelet.conf)
setsid -f "${main_cmd[@]}" </dev/null >/dev/null 2>&1
for ((i = 0; i < 50; i++)); do main=$(pids_of "${main_cmd[0]##*/}" "${main_cmd[1]}"); main=${main%%$'\n'*}; [[ -n $main ]] && break; sleep 0.05; done
LAB_MAIN_PID=$main systemctl start "$UNIT"
if [[ $LAB_KIND != k3s ]]; then kill -KILL "$main"; fi   # is-active: failed (the kubelet crashed)

# The node's system containerd (Debian's /usr/bin/containerd with /etc/containerd/config.toml) and
# its unit, started unless it answers already; kept running across reseeds.
start_system_containerd() {
  local kpid
  if ! /usr/bin/ctr -a "$KEEPER_SOCK" version >/dev/null 2>&1; then
    put "$KEEPER_CONFIG" "# lab: the node's system containerd; CRI off (no kubelet runs in the lab)
version = 2
root = \"$KEEPER_ROOT\"
state = \"$KEEPER_STATE\"
disabled_plugins = [\"io.containerd.grpc.v1.cri\"]
[grpc]
  address = \"$KEEPER_SOCK\""
    mkdir -p "$KEEPER_ROOT" "$KEEPER_STATE"
    setsid -f /usr/bin/containerd -c "$KEEPER_CONFIG" </dev/null >>/var/log/containerd-keeper.log 2>&1
    wait_sock "$KEEPER_SOCK"
  fi
  kpid=$(pids_of containerd "$KEEPER_CONFIG"); kpid=${kpid%%$'\n'*}
  [[ -f /lib/systemd/system/containerd.service ]] || put /etc/systemd/system/containerd.service "[Unit]
Description=containerd container runtime
[Service]
ExecStart=/usr/bin/containerd
KillMode=process
[Install]
WantedBy=multi-user.target"
  systemctl enable containerd.service 2>/dev/null
  LAB_MAIN_PID=$kpid systemctl start containerd.service
}
# The keeper task (and its image) in KEEPER_NAMESPACE of the system containerd, started unless running.
keeper_task() {
  local -a KCTR=(/usr/bin/ctr -a "$KEEPER_SOCK" -n "$KEEPER_NAMESPACE")
  "${KCTR[@]}" images ls -q | grep -qxF "$LAB_IMAGE" || "${KCTR[@]}" images import --snapshotter native "$image_tar" >/dev/null
  if ! "${KCTR[@]}" tasks ls 2>/dev/null | awk '$1 == "'"$KEEPER_TASK"'" && $3 == "RUNNING"' | grep -q . ||
    ! mountpoint -q "$KEEPER_STATE/io.containerd.runtime.v2.task/$KEEPER_NAMESPACE/$KEEPER_TASK/rootfs"; then
    "${KCTR[@]}" tasks kill -s KILL "$KEEPER_TASK" >/dev/null 2>&1 && sleep 0.2
    "${KCTR[@]}" tasks rm -f "$KEEPER_TASK" >/dev/null 2>&1 || true
    "${KCTR[@]}" containers rm "$KEEPER_TASK" >/dev/null 2>&1 || true
    "${KCTR[@]}" run -d --snapshotter native --cgroup "$LAB_CGROUP_PARENT/keeper-$KEEPER_TASK" \
      "$LAB_IMAGE" "$KEEPER_TASK" sleep 2147483647 >/dev/null
  fi
}

# ------------------------------------------------------------- the cluster containerd and pods
if [[ $LAB_KIND == kubeadm ]]; then
  start_system_containerd
  BIN_DIR=/usr/bin
else
  mkdir -p "$CLUSTER_STATE" "$DATA_DIR/agent/containerd"
  PATH="$BIN_DIR:$PATH" setsid -f "$BIN_DIR/containerd" -c "$CLUSTER_CONFIG" -a "$CLUSTER_SOCK" \
    --state "$CLUSTER_STATE" --root "$CLUSTER_ROOT" </dev/null >>"$DATA_DIR/agent/containerd/containerd.log" 2>&1
  wait_sock "$CLUSTER_SOCK"
fi
CTR=("$BIN_DIR/ctr" -a "$CLUSTER_SOCK" -n k8s.io)
"${CTR[@]}" images import --snapshotter native "$image_tar" >/dev/null
ip link add cni0 type bridge
ip addr add 10.42.0.1/24 dev cni0
ip link set cni0 up
ip link add flannel.1 type vxlan id 1 dstport 8472 dev eth0
ip link set flannel.1 up
pods_json=()
for ((p = 1; p <= 2; p++)); do
  pod_uid=$(uuid) netns="cni-$(uuid)" veth="veth$(hex 8)" sandbox=$(hex 64) app=$(hex 64)
  ip netns add "$netns"
  ip link add "$veth" type veth peer name eth0 netns "$netns"
  ip link set "$veth" master cni0 up
  ip -n "$netns" addr add "10.42.0.$((p + 10))/24" dev eth0
  ip -n "$netns" link set eth0 up
  ip -n "$netns" link set lo up
  for c in "$sandbox" "$app"; do
    PATH="$BIN_DIR:$PATH" "${CTR[@]}" run -d --snapshotter native --cgroup "$LAB_CGROUP_PARENT/k8s.io-${c:0:12}" \
      --with-ns "network:/run/netns/$netns" --label "io.kubernetes.pod.uid=$pod_uid" \
      --label "io.cri-containerd.kind=$([[ $c == "$sandbox" ]] && echo sandbox || echo container)" \
      "$LAB_IMAGE" "$c" sleep 2147483647 >/dev/null
  done
  v=/var/lib/kubelet/pods/$pod_uid/volumes
  mkdir -p "$v/kubernetes.io~empty-dir/x" "$v/kubernetes.io~projected/kube-api-access-$(alnum 5)" \
    "/var/lib/kubelet/pods/$pod_uid/containers/app" "/var/lib/kubelet/pods/$pod_uid/plugins"
  mount -t tmpfs -o size=1m tmpfs "$v/kubernetes.io~empty-dir/x"
  put "$v/kubernetes.io~empty-dir/x/cache" "$(hex 32)"
  mount -t tmpfs -o size=1m tmpfs "$(echo "$v"/kubernetes.io~projected/kube-api-access-*)"
  pods_json+=("$(jq -nc --arg uid "$pod_uid" --arg netns "$netns" --arg veth "$veth" --arg sandbox "$sandbox" --arg app "$app" \
    '{uid:$uid, netns:$netns, veth:$veth, sandbox:$sandbox, container:$app}')")
done
put /var/lib/kubelet/cpu_manager_state '{"policyName":"none"}'

# ------------------------------------------------------------------ network leftovers (issue 17)
first_netns=$(jq -r .netns <<<"${pods_json[0]}")
veth_pair() { ip link add "$1" type veth peer name "$2" ${3:+netns "$3"}; ip link set "$1" up; }
extra_links=()
case $LAB_KIND in
  rke2)   # Cilium: host/net pair, overlay, an endpoint and the health endpoint; Calico VXLAN
    veth_pair cilium_host cilium_net
    ip link set cilium_net up
    ip link add cilium_vxlan type vxlan external dstport 8473 && ip link set cilium_vxlan up
    lxc="lxc$(hex 12)"
    veth_pair "$lxc" eth1 "$first_netns"
    veth_pair lxc_health eth2 "$first_netns"
    extra_links+=("$lxc")
    ip link add vxlan.calico type vxlan id 4096 dstport 4789 dev eth0 && ip link set vxlan.calico up
    veth_pair cilium_hostx cilium_hosty
    veth_pair lxcABCDEF012345 lxcABCDEF012346
    veth_pair lxc-keep lxc-keep-p
    ip link add cilium_geneve type bridge && ip link set cilium_geneve up
    mkdir -p /run/cilium/state /run/cilium/cgroupv2 /run/cilium-keep
    put /run/cilium/state/ep-$(hex 4).json '{"lab":true}'
    mount -t cgroup2 none /run/cilium/cgroupv2
    put /run/cilium-keep/notes "an operator's notes: not Cilium's"
    ;;
  k3s)    # flannel: IPv6 VXLAN, another VNI; a port of cni0 with a foreign name
    ip link add flannel-v6.1 type vxlan id 1 dstport 8474 && ip link set flannel-v6.1 up
    ip link add flannel.4096 type vxlan id 4096 dstport 8475 dev eth0 && ip link set flannel.4096 up
    veth_pair podnic7 eth1 "$first_netns"
    ip link set podnic7 master cni0
    extra_links+=(podnic7)
    ip link add flannel.01 type vxlan id 5 dstport 8476 && ip link set flannel.01 up
    ip link add flannel-wg type bridge && ip link set flannel-wg up
    veth_pair vethkeep03 vethkeep04
    ;;
  kubeadm) # Weave Net: its bridge and fast-datapath VXLAN
    ip link add weave type bridge && ip link set weave up
    ip link add vxlan-6784 type vxlan external dstport 6784 && ip link set vxlan-6784 up
    ip link add weave2 type bridge && ip link set weave2 up
    ip link add vxlan-6785 type vxlan external dstport 6785 && ip link set vxlan-6785 up
    put /var/lib/weave/weave-netdata.db "$(hex 64)"
    put /var/lib/weave-backup/weave-netdata.db "$(hex 64)"
    ;;
esac
# iptables: the CNIs' chains, their feeder/jump rules from kept chains, and the operator's own.
ipt() { iptables "$@"; }
ipt -N MY-FIREWALL; ipt -A INPUT -j MY-FIREWALL; ipt -A MY-FIREWALL -p tcp --dport 22 -j ACCEPT
for c in "${NET_DECOY_CHAINS[@]}" "${NET_CHAINS[@]}"; do
  [[ ${c#*:} == MY-FIREWALL ]] && continue
  ipt -t "${c%%:*}" -N "${c#*:}"
done
case $LAB_KIND in
  rke2)
    for c in INPUT FORWARD OUTPUT; do ipt -I "$c" -m comment --comment "cilium-feeder: CILIUM_$c" -j "CILIUM_$c"; done
    ipt -t nat -I POSTROUTING -m comment --comment 'cilium-feeder: CILIUM_POST_nat' -j CILIUM_POST_nat
    ipt -t nat -I PREROUTING -m comment --comment 'cilium-feeder: CILIUM_PRE_nat' -j CILIUM_PRE_nat
    ipt -t nat -I OUTPUT -m comment --comment 'cilium-feeder: CILIUM_OUTPUT_nat' -j CILIUM_OUTPUT_nat
    ipt -A CILIUM_INPUT -m mark --mark 0x200/0xf00 -j ACCEPT
    ipt -I FORWARD -m comment --comment 'cali:wUHhoiAYhphO9Mso' -j cali-FORWARD
    ipt -A FORWARD -m comment --comment 'cali:S93hcgKJrXEqnTfs' -m comment --comment 'Policy explicitly accepted packet.' -m mark --mark 0x10000/0x10000 -j ACCEPT
    ipt -A FORWARD -m comment --comment 'calico-keep: operator rule' -s 192.0.2.0/24 -j ACCEPT
    ipt -A CILIUM-KEEP -s 192.0.2.1 -j ACCEPT; ipt -A INPUT -j CILIUM-KEEP
    ;;
  k3s)
    ipt -A FORWARD -m comment --comment 'flanneld forward' -j FLANNEL-FWD
    ipt -A FLANNEL-FWD -s 10.42.0.0/16 -m comment --comment 'flanneld forward' -j ACCEPT
    ipt -t nat -A POSTROUTING -m comment --comment 'flanneld masq' -j FLANNEL-POSTRTG
    ipt -t nat -A FLANNEL-POSTRTG -s 10.42.0.0/16 -d 10.42.0.0/16 -m comment --comment 'flanneld masq' -j RETURN
    ipt -A FORWARD -m comment --comment 'flanneld keep: operator rule' -s 192.0.2.0/24 -j ACCEPT
    ipt -A FLANNELS-KEEP -s 192.0.2.1 -j ACCEPT; ipt -A INPUT -j FLANNELS-KEEP
    # a pod with a hostPort (portmap) and the bridge plugin's masquerade chain
    ipt -t nat -A PREROUTING -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT
    ipt -t nat -A OUTPUT -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT
    ipt -t nat -A POSTROUTING -m comment --comment 'CNI portfwd requiring masquerade' -j CNI-HOSTPORT-MASQ
    ipt -t nat -A CNI-HOSTPORT-MASQ -m mark --mark 0x2000/0x2000 -j MASQUERADE
    ipt -t nat -A CNI-HOSTPORT-DNAT -p tcp -m comment --comment 'dnat name: "cbr0" id: "lab"' -m multiport --dports 8080 -j CNI-DN-4b1f8a0c2d3e5f6a7b8c9
    ipt -t nat -A CNI-DN-4b1f8a0c2d3e5f6a7b8c9 -p tcp -s 10.42.0.0/24 --dport 8080 -j CNI-HOSTPORT-SETMARK
    ipt -t nat -A CNI-DN-4b1f8a0c2d3e5f6a7b8c9 -p tcp --dport 8080 -j DNAT --to-destination 10.42.0.11:80
    ipt -t nat -A CNI-HOSTPORT-SETMARK -j MARK --set-xmark 0x2000/0x2000
    ipt -t nat -A POSTROUTING -s 10.42.0.11 -m comment --comment 'name: "cbr0" id: "lab"' -j CNI-0a1b2c3d4e5f6a7b8c9d0e1f
    ipt -t nat -A CNI-0a1b2c3d4e5f6a7b8c9d0e1f -d 10.42.0.0/24 -j ACCEPT
    ipt -t nat -A CNI-0a1b2c3d4e5f6a7b8c9d0e1f ! -d 224.0.0.0/4 -j MASQUERADE
    ipt -t nat -A CNI-KEEP -s 192.0.2.1 -j RETURN; ipt -t nat -A PREROUTING -j CNI-KEEP
    ;;
  kubeadm)
    ipt -t nat -A POSTROUTING -j WEAVE
    ipt -t nat -A WEAVE -s 10.32.0.0/12 ! -d 10.32.0.0/12 -j MASQUERADE
    ipt -A FORWARD -o weave -m comment --comment 'NOTE: this must go before -j KUBE-FORWARD' -j WEAVE-NPC
    ipt -A WEAVE-NPC -m state --state RELATED,ESTABLISHED -j ACCEPT; ipt -A WEAVE-NPC -j WEAVE-NPC-INGRESS
    ipt -A FORWARD -i weave ! -o weave -j WEAVE-EXPOSE
    ipt -A WEAVER-KEEP -s 192.0.2.1 -j ACCEPT; ipt -A INPUT -j WEAVER-KEEP
    ;;
esac
# nftables: the proxy's/CNIs' tables, and tables of the operator that must stay.
for t in "${NFT_GONE[@]}" "${NFT_KEEP[@]}"; do
  nft add table $t                                     # "FAMILY NAME": split on purpose
  nft add chain $t lab-chain '{ type filter hook forward priority 10; policy accept; }'
  nft add rule $t lab-chain counter accept
done

# ------------------------------------------------------------------ keepers and near misses
keepers_json='{}'
if [[ $LAB_KIND == rke2 ]]; then
  # A system containerd beside RKE2's (e.g. a build host): its own socket, root and unit, and a
  # task in a namespace of its own. nodescrub must leave all of it running.
  start_system_containerd
  keeper_task
  [[ -e /run/netns/backup-cni-net ]] || ip netns add backup-cni-net
  if ! ip link show cni0-keep >/dev/null 2>&1; then
    ip link add cni0-keep type bridge
    ip link set cni0-keep up
  fi
  if ! ip link show vethkeep01 >/dev/null 2>&1; then
    ip -n backup-cni-net link delete vethkeep02 2>/dev/null || true
    ip link add vethkeep01 type veth peer name vethkeep02 netns backup-cni-net
    ip link set vethkeep01 master cni0-keep up
  fi
  put /srv/rke2-backup/etcd-snapshot-lab.db "$(hex 64)"
  put /etc/rancher/rke2-backup/config.yaml "# an operator's copy: not the live config
server: https://10.250.255.1:9345"
elif [[ $LAB_KIND == kubeadm ]]; then
  # Docker's containers on the same containerd (namespace moby): task, image and rootfs stay.
  keeper_task
  put /srv/kubeadm-backup/etcd-snapshot-lab.db "$(hex 64)"
  put /etc/kubernetes-backup/admin.conf "# an operator's copy: not the live config"
else
  put /etc/systemd/system/k3s-notes.service "[Unit]
Description=Notes about the k3s cluster (not k3s)
[Service]
ExecStart=/usr/local/bin/k3s-notes
[Install]
WantedBy=multi-user.target"
  standin /usr/local/bin/k3s-notes "$RUN_AS_MAIN"
  systemctl enable k3s-notes.service 2>/dev/null
  setsid -f /usr/local/bin/k3s-notes </dev/null >/dev/null 2>&1
  for ((i = 0; i < 50; i++)); do np=$(pids_of k3s-notes); np=${np%%$'\n'*}; [[ -n $np ]] && break; sleep 0.05; done
  LAB_MAIN_PID=$np systemctl start k3s-notes.service
  mkdir -p /run/k3s-notes
  mountpoint -q /run/k3s-notes || mount -t tmpfs -o size=1m tmpfs /run/k3s-notes
  put /run/k3s-notes/notes.txt "cluster notes"
  put /srv/k3s-backup/k3s-snapshot-lab.db "$(hex 64)"
  put /etc/rancher/k3s-backup/config.yaml "# an operator's copy: not the live config
data-dir: /srv/k3s"
fi
rm -f "$image_tar"

printf '%s\n' "${pods_json[@]}" | jq -sc --arg kind "$LAB_KIND" --arg dataDir "$DATA_DIR" --arg unit "$UNIT" \
  --argjson extraLinks "$(printf '%s\n' "${extra_links[@]}" | jq -R 'select(. != "")' | jq -sc .)" \
  '{kind:$kind, dataDir:$dataDir, unit:$unit, pods:., extraLinks:$extraLinks}'
