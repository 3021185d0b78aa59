# Starts a throwaway dockerd inside the sandbox namespaces (state on tmpfs, no iptables, no bridge)
# and seeds it like an RKE node: agent, kubelet, kube-proxy, pods (one paused), an exited container,
# volumes and a twice-tagged image. Containers exit promptly on SIGTERM (busybox sh with a trap).
set -eu
for d in /var/lib /var/log /var/backups /run /tmp; do mount -t tmpfs nodescrub-sandbox "$d"; done
ip link set lo up
mkdir -p /tmp/rootfs/bin && cp "$(command -v busybox)" /tmp/rootfs/bin/busybox
for a in sh sleep true; do ln -s busybox "/tmp/rootfs/bin/$a"; done
dockerd --iptables=false --ip6tables=false --bridge=none --storage-driver vfs --data-root /var/lib/docker \
  --exec-root /run/docker-exec -H unix:///var/run/docker.sock >/tmp/dockerd.log 2>&1 &
i=0; until docker info >/dev/null 2>&1; do i=$((i + 1)); [ $i -lt 100 ] || exit 1; sleep 0.2; done
tar -C /tmp/rootfs -c . | docker import -c 'CMD ["/bin/sh"]' - rancher/hyperkube:v1.27-sandbox >/dev/null
docker tag rancher/hyperkube:v1.27-sandbox rancher/rancher-agent:v2.7-sandbox
# Volumes the cluster's: two used by its containers, one dangling with a cluster label (a dangling
# volume without one is kept as someone else's: src/recipe/ownership.ts).
for v in vol-a vol-b; do docker volume create "$v" >/dev/null; done
docker volume create --label io.rancher.rke.sandbox=leftover 0123456789abcdef >/dev/null
run() { n=$1 i=$2; shift 2; docker run -d --network none --name "$n" "$@" "$i" sh -c "trap 'exit 0' TERM; while :; do sleep 1; done" >/dev/null; }
run stoic_curie rancher/rancher-agent:v2.7-sandbox
run kubelet rancher/hyperkube:v1.27-sandbox -v vol-a:/data
run k8s_app_app_ns_uid_0 rancher/hyperkube:v1.27-sandbox -v vol-b:/data
for n in kube-proxy k8s_POD_app_ns_uid_0 k8s_paused_app_ns_uid_0; do run "$n" rancher/hyperkube:v1.27-sandbox; done
docker pause k8s_paused_app_ns_uid_0 >/dev/null
docker run --network none --name service-sidekick rancher/hyperkube:v1.27-sandbox true
