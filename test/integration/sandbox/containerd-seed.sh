# A failed RKE2 node inside the sandbox namespaces, laid out as rke2 lays it out: config.yaml with
# server + token, the data dir with data/<version>/bin and its `bin` link, the RKE2 containerd on
# /run/k3s/containerd with two k8s.io pods (real shims, runc, rootfs bind mounts) left running with
# no rke2 process (KillMode=process), two cni-<uuid> pod network namespaces and a pod volume mount.
# The tasks get no cgroup (`--cgroup ""`): cgroups are not namespaced, and any the sandbox made would
# outlive it on the real machine.
# Beside it, what must survive: the system containerd (/run/containerd) with a task in namespace
# `keeper`, the netns `backup-cni-net`, /etc/rancher/rke2-backup and /srv/rke2-backup.
set -eu
for d in /var/lib /var/log /var/backups /run /tmp /srv; do mount -t tmpfs nodescrub-sandbox "$d"; done
# /etc writable in here only: an overlay whose upper layer is on the sandbox's tmpfs.
mkdir -p /tmp/etc-up /tmp/etc-work && mount -t overlay nodescrub-sandbox -o lowerdir=/etc,upperdir=/tmp/etc-up,workdir=/tmp/etc-work /etc
ip link set lo up
rootfs() { mkdir -p "$1/bin" "$1/proc" "$1/dev" "$1/sys" "$1/tmp" && cp "$(command -v busybox)" "$1/bin/busybox" && for a in sh sleep; do ln -s busybox "$1/bin/$a"; done; }

D=/var/lib/rancher/rke2
V=v1.31.4+rke2r1-sandbox
mkdir -p /etc/rancher/rke2 /etc/rancher/node /etc/rancher/rke2-backup "$D/data/$V/bin" "$D/agent/etc/containerd" "$D/agent/logs" "$D/server/db/etcd"
printf 'server: https://10.250.255.1:9345\ntoken: K10sandbox::server:secret\n' > /etc/rancher/rke2/config.yaml
printf 'server: https://old.example:9345\n' > /etc/rancher/rke2-backup/config.yaml
echo sandbox-node-password > /etc/rancher/node/password
for b in containerd containerd-shim-runc-v2 ctr runc; do cp "$(command -v "$b")" "$D/data/$V/bin/$b"; done
ln -s "data/$V/bin" "$D/bin"
echo member > "$D/server/db/etcd/member"
mkdir -p /srv/rke2-backup && echo keep > /srv/rke2-backup/keep
# The CRI plugin is off (no kubelet here); the pods are started with ctr as the kubelet would through CRI.
printf 'version = 2\ndisabled_plugins = ["io.containerd.grpc.v1.cri"]\n' > "$D/agent/etc/containerd/config.toml"
cp "$D/agent/etc/containerd/config.toml" /tmp/system-containerd.toml

PATH="$D/bin:$PATH" "$D/bin/containerd" -c "$D/agent/etc/containerd/config.toml" -a /run/k3s/containerd/containerd.sock \
  --state /run/k3s/containerd --root "$D/agent/containerd" >"$D/agent/containerd.log" 2>&1 &
containerd -c /tmp/system-containerd.toml -a /run/containerd/containerd.sock --state /run/containerd --root /var/lib/containerd >/tmp/system-containerd.log 2>&1 &
i=0; until [ -S /run/k3s/containerd/containerd.sock ] && [ -S /run/containerd/containerd.sock ]; do i=$((i + 1)); [ $i -lt 100 ] || exit 1; sleep 0.1; done
sleep 0.5

pod() { rootfs "/tmp/rootfs-$2"; PATH="$D/bin:$PATH" "$D/bin/ctr" -a "$1" -n "$3" run -d --cgroup "" --rootfs "/tmp/rootfs-$2" "$2" /bin/sh -c "trap 'exit 0' TERM; while :; do /bin/sleep 1; done" >/dev/null; }
pod /run/k3s/containerd/containerd.sock 3f1c9a0e5b7d2c4a6e8f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d k8s.io
pod /run/k3s/containerd/containerd.sock 9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b k8s.io
pod /run/containerd/containerd.sock notes-web keeper
# As the CRI plugin leaves them: each pod's rootfs mounted in its task bundle, its sandbox's /dev/shm.
for id in 3f1c9a0e5b7d2c4a6e8f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d 9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b; do
  b=/run/k3s/containerd/io.containerd.runtime.v2.task/k8s.io/$id/rootfs; mkdir -p "$b" && mount --bind "/tmp/rootfs-$id" "$b"
  m=/run/k3s/containerd/io.containerd.grpc.v1.cri/sandboxes/$id/shm; mkdir -p "$m" && mount -t tmpfs shm "$m"
done
# A near miss: a tmpfs beside the runtime tree, not below it.
mkdir -p /run/k3s-notes && mount -t tmpfs notes /run/k3s-notes && echo keep > /run/k3s-notes/keep

ip netns add cni-6a1c0f3e-2b4d-4e8f-9a1b-3c5d7e9f1a2b
ip netns add cni-0d2e4f6a-8b1c-4d3e-a5f7-9b1d3f5a7c9e
ip netns add backup-cni-net
v=/var/lib/kubelet/pods/0f0f0f0f-1111-2222-3333-444455556666/volumes/kubernetes.io~empty-dir/cache
mkdir -p "$v" && mount -t tmpfs pod-volume "$v"
