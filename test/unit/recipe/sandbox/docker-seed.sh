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
for v in vol-a vol-b 0123456789abcdef; do docker volume create "$v" >/dev/null; done
run() { docker run -d --network none --name "$1" "$2" sh -c "trap 'exit 0' TERM; while :; do sleep 1; done" >/dev/null; }
run stoic_curie rancher/rancher-agent:v2.7-sandbox
for n in kubelet kube-proxy k8s_POD_app_ns_uid_0 k8s_app_app_ns_uid_0 k8s_paused_app_ns_uid_0; do run "$n" rancher/hyperkube:v1.27-sandbox; done
docker pause k8s_paused_app_ns_uid_0 >/dev/null
docker run --network none --name service-sidekick rancher/hyperkube:v1.27-sandbox true
