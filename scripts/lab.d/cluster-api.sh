# shellcheck shell=bash
# The lab's cluster: one Kubernetes API server (scripts/lab.d/fake-apiserver.ts) for every node,
# in the hub namespace at https://10.250.255.1:6443 — reached from each node through its eth0, as
# a real RKE1 node reaches its control plane. It knows every node by its address (RKE1's default
# node name) and reports them NotReady with a stale heartbeat: they are failed nodes. Every node's
# kubelet kubeconfig (written by seed) uses RKE1's shared `system:node` client certificate. Tests
# flip a node to Ready by rewriting $LAB_DIR/cluster-api/state.json (read on every request).
# Sourced by scripts/lab.

LAB_CLUSTER_API_ADDR=10.250.255.1
LAB_CLUSTER_API_DIR=$LAB_DIR/cluster-api

lab_cluster_api_up() {
  local d=$LAB_CLUSTER_API_DIR i
  mkdir -p "$d/pki" && chmod 700 "$d"
  (
    cd "$d/pki"
    ssl() { openssl "$@" >/dev/null 2>&1; }
    local ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
    ssl req -x509 "${ec[@]}" -keyout ca.key -out ca.crt -subj /CN=kube-ca -days 30
    printf 'subjectAltName=IP:%s,DNS:kubernetes\nextendedKeyUsage=serverAuth\n' "$LAB_CLUSTER_API_ADDR" >server.ext
    ssl req "${ec[@]}" -keyout server.key -out server.csr -subj /CN=kube-apiserver
    ssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 30 -extfile server.ext
    printf 'extendedKeyUsage=clientAuth\n' >client.ext
    ssl req "${ec[@]}" -keyout kube-node.key -out kube-node.csr -subj /O=system:nodes/CN=system:node
    ssl x509 -req -in kube-node.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out kube-node.crt -days 30 -extfile client.ext
  ) || die "cluster api: making its certificates failed (openssl)"
  lab_cluster_api_reset_state
  ip -n "$LAB_HUB_NS" link set lo up
  ip -n "$LAB_HUB_NS" addr add "$LAB_CLUSTER_API_ADDR/32" dev lo
  (cd "$LAB_REPO" && start_daemon "$d/pid" "$d/log" ip netns exec "$LAB_HUB_NS" env NODE_OPTIONS= \
    "$(command -v node)" --import tsx scripts/lab.d/fake-apiserver.ts \
    --listen "$LAB_CLUSTER_API_ADDR:6443" --pki "$d/pki" --state "$d/state.json")
  for ((i = 0; i < 150; i++)); do
    grep -q '^listening ' "$d/log" 2>/dev/null && return 0
    sleep 0.1
  done
  die "cluster api: the API server did not start (see $d/log)"
}

# Every real node: NotReady for 10 minutes, known by its eth0 address.
lab_cluster_api_reset_state() {
  local name idx rows=()
  while read -r name idx; do
    rows+=("$(jq -nc --arg a "10.250.$idx.2" '{key:$a, value:{ready:"False", heartbeatAgeSeconds:600, addresses:[$a]}}')")
  done < <(awk '$10 == 1 { print $1, $3 }' "$LAB_TABLE")
  printf '%s\n' "${rows[@]}" | jq -sc '{nodes: from_entries}' >"$LAB_CLUSTER_API_DIR/state.json.tmp"
  mv "$LAB_CLUSTER_API_DIR/state.json.tmp" "$LAB_CLUSTER_API_DIR/state.json"
}

lab_cluster_api_down() {
  kill_pid_file "$LAB_CLUSTER_API_DIR/pid" TERM
}

# What seed-node.sh needs to write a node's kubelet kubeconfig (env lines for node_exec; PEMs in base64).
lab_cluster_api_env() {
  local p=$LAB_CLUSTER_API_DIR/pki
  [[ -s $p/ca.crt ]] || return 0
  printf '%s\n' "LAB_KUBE_API=https://$LAB_CLUSTER_API_ADDR:6443" "LAB_KUBE_CA_B64=$(base64 -w0 "$p/ca.crt")" \
    "LAB_KUBE_NODE_CERT_B64=$(base64 -w0 "$p/kube-node.crt")" "LAB_KUBE_NODE_KEY_B64=$(base64 -w0 "$p/kube-node.key")"
}
