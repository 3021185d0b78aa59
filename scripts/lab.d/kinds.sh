# shellcheck shell=bash
# The containerd node kinds, rke2, k3s and kubeadm (issue 16): failed RKE2/K3s nodes whose cluster
# containerd still runs its pods, and a failed kubeadm node whose pods run on the system containerd. Added by `scripts/lab up --kinds rke2,k3s` or, to a lab that is up,
# `scripts/lab up-kind rke2|k3s|kubeadm NAME`; seeded by lab.d/seed-containerd.sh and judged by
# lab.d/status-containerd.sh (both run inside the node, with lab.d/containerd-kind.sh before them).
# Nothing here runs for a lab without these kinds: `up` of the other nodes costs what it did.
# Sourced by scripts/lab.

LAB_CONTAINERD_KINDS=(rke2 k3s kubeadm)
is_containerd_kind() { [[ " ${LAB_CONTAINERD_KINDS[*]} " == *" $1 "* ]]; }
node_is_containerd_kind() { is_containerd_kind "$(node_field "$1" 2)"; }

# The busybox root as an OCI image archive, for `ctr images import` (no registry is reachable, and
# these nodes run no dockerd to `docker save` from). Built once per lab, from image/rootfs.tar.
lab_build_oci_image() {
  local d=$LAB_DIR/image out=$LAB_DIR/image/oci.tar o layer config manifest
  [[ -s $out ]] && return 0
  [[ -s $d/rootfs.tar ]] || lab_build_image
  o=$(mktemp -d "$d/oci.XXXXXX")
  mkdir -p "$o/blobs/sha256"
  blob() {  # FILE -> moves it to blobs/sha256/<digest>, prints "<digest> <size>"
    local sum size
    sum=$(sha256sum "$1" | cut -d' ' -f1)
    size=$(stat -c %s "$1")
    mv "$1" "$o/blobs/sha256/$sum"
    echo "sha256:$sum $size"
  }
  cp "$d/rootfs.tar" "$o/layer"
  read -r layer layer_size < <(blob "$o/layer")
  jq -nc --arg diff "$layer" '{architecture:"amd64", os:"linux", rootfs:{type:"layers", diff_ids:[$diff]},
    config:{Cmd:["sleep","2147483647"], Env:["PATH=/bin"]}}' >"$o/config"
  read -r config config_size < <(blob "$o/config")
  jq -nc --arg c "$config" --argjson cs "$config_size" --arg l "$layer" --argjson ls "$layer_size" \
    '{schemaVersion:2, mediaType:"application/vnd.oci.image.manifest.v1+json",
      config:{mediaType:"application/vnd.oci.image.config.v1+json", digest:$c, size:$cs},
      layers:[{mediaType:"application/vnd.oci.image.layer.v1.tar", digest:$l, size:$ls}]}' >"$o/manifest"
  read -r manifest manifest_size < <(blob "$o/manifest")
  jq -nc --arg m "$manifest" --argjson ms "$manifest_size" \
    '{schemaVersion:2, manifests:[{mediaType:"application/vnd.oci.image.manifest.v1+json", digest:$m, size:$ms,
      annotations:{"io.containerd.image.name":"docker.io/rancher/lab-busybox:1.36", "org.opencontainers.image.ref.name":"1.36"}}]}' >"$o/index.json"
  echo '{"imageLayoutVersion":"1.0.0"}' >"$o/oci-layout"
  tar -C "$o" -cf "$out.tmp" oci-layout index.json blobs
  mv "$out.tmp" "$out"
  rm -rf "$o"
}

# Written into the upper dir before the node's root is mounted (see node_prepare_upper): the lab's
# systemctl stand-in (lab.d/systemctl-standin.sh), and no docker — an RKE2/K3s node has none, so the
# host's docker CLI, dockerd and /etc/docker are hidden behind whiteouts (0:0 char devices).
node_prepare_containerd_upper() {
  local U e
  U=$(node_dir "$1")/upper
  install -D -m 755 "$LAB_LIB/systemctl-standin.sh" "$U/usr/local/bin/systemctl"
  rm -rf "$U/usr/local/bin/docker" "$U/etc/docker"
  for e in usr/local/bin/docker usr/bin/docker usr/sbin/dockerd usr/bin/dockerd etc/docker; do
    if [[ -e /$e || -L /$e ]]; then mkdir -p "$U/$(dirname "$e")"; mknod "$U/$e" c 0 0; fi
  done
}

# `scripts/lab up-kind rke2|k3s NAME`: one more node, of that kind, in a lab that is up.
lab_up_kind() {
  local kind=${1:-} name=${2:-} idx port t0
  is_containerd_kind "$kind" && [[ $name =~ ^[a-z][a-z0-9-]{0,30}$ ]] ||
    die "usage: scripts/lab up-kind rke2|k3s|kubeadm NAME (NAME: lower-case letters, digits, dashes)"
  lab_load
  node_field "$name" 1 >/dev/null 2>&1 && die "up-kind: a node named '$name' exists already"
  # shellcheck source=/dev/null
  source "$LAB_DIR/lab.env"
  t0=$(date +%s%N)
  idx=$(($(awk 'BEGIN { m = 0 } $3 > m { m = $3 } END { print m }' "$LAB_TABLE") + 1))
  port=$((LAB_PORT_BASE + idx))
  ((idx <= 250)) || die "up-kind: no node index left"
  if ss -Hltn "sport = :$port" | grep -q .; then die "up-kind: port 127.0.0.1:$port has a listener"; fi
  printf '%s %s %s %s root 0 - - ok 1\n' "$name" "$kind" "$idx" "$port" >>"$LAB_TABLE"
  lab_build_oci_image
  if ! run_parallel node_create up "$name"; then
    say "up-kind: $name did not come up; removing it"
    node_destroy "$name" || true
    ip netns del "$(node_netns "$name")" 2>/dev/null || true
    awk -v n="$name" '$1 != n' "$LAB_TABLE" >"$LAB_TABLE.tmp" && mv "$LAB_TABLE.tmp" "$LAB_TABLE"
    rm -rf "$(node_dir "$name")"
    exit 1
  fi
  lab_write_client_files
  lab_cluster_api_add_node "$idx"
  say "up-kind: $kind node $name on 127.0.0.1:$port in $(elapsed "$t0")s"
}

# Appends `--kinds` rows (rke2-1, k3s-1, …) to the node table being written by `up`.
lab_up_kind_rows() {  # TABLEFILE FIRST-IDX PORT-BASE KIND...
  local table=$1 idx=$2 base=$3 kind; shift 3
  local -A nth=()
  for kind in "$@"; do
    is_containerd_kind "$kind" || die "up: unknown kind '$kind' (kinds: ${LAB_CONTAINERD_KINDS[*]})"
    nth[$kind]=$((${nth[$kind]:-0} + 1))
    idx=$((idx + 1))
    printf '%s %s %s %s root 0 - - ok 1\n' "$kind-${nth[$kind]}" "$kind" "$idx" "$((base + idx))" >>"$table"
  done
}

# The lab's API server knows a node added after `up`: NotReady, like the others.
lab_cluster_api_add_node() {
  local f=$LAB_CLUSTER_API_DIR/state.json a="10.250.$1.2"
  [[ -s $f ]] || return 0
  jq -c --arg a "$a" '.nodes[$a] = {ready:"False", heartbeatAgeSeconds:600, addresses:[$a]}' "$f" >"$f.tmp"
  mv "$f.tmp" "$f"
}

# seed, for one node of these kinds.
seed_containerd_node() {
  local name=$1 dir kind
  dir=$(node_dir "$name")
  kind=$(node_field "$name" 2)
  local -a env
  mapfile -t env < <(node_script_env "$name")
  node_exec "$name" "${env[@]}" LAB_KIND="$kind" LAB_CGROUP_PARENT="/$LAB_CGROUP-$name" \
    bash -c "$(cat "$LAB_LIB/containerd-kind.sh" "$LAB_LIB/seed-containerd.sh")" \
    <"$LAB_DIR/image/oci.tar" >"$dir/seed.json.tmp"
  mv "$dir/seed.json.tmp" "$dir/seed.json"
  echo "seeded $name ($kind): $(jq -c '{pods:(.pods|length), unit}' "$dir/seed.json")"
}

# The in-node status probe for these kinds (prints the JSON status_node wraps).
status_containerd_probe() {
  local name=$1 dir
  dir=$(node_dir "$name")
  local -a env
  mapfile -t env < <(node_script_env "$name")
  node_exec "$name" "${env[@]}" LAB_KIND="$(node_field "$name" 2)" LAB_ETH0="10.250.$(node_field "$name" 3).2/24" \
    LAB_EXPECT_SUMS="$(cat "$dir/expect/sums" 2>/dev/null)" \
    timeout 120 bash -c "$(cat "$LAB_LIB/containerd-kind.sh" "$LAB_LIB/status-containerd.sh")" </dev/null 2>"$dir/status.err"
}
