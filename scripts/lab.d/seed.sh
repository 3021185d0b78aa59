# shellcheck shell=bash
# `scripts/lab seed [NODE|GROUP...]` and `scripts/lab status [NODE|GROUP...]`. Sourced by scripts/lab.

# The env every in-node script gets: the patterns and lists, from common.sh (one source of truth).
node_script_env() {
  printf '%s\n' "LAB_NODE=$1" "LAB_K8S_DIRS=${LAB_K8S_DIRS[*]}" "LAB_IFACE_RE=$LAB_IFACE_RE" \
    "LAB_CHAIN_RE=$LAB_CHAIN_RE" "LAB_DECOY_IFACES=${LAB_DECOY_IFACES[*]}" \
    "LAB_DECOY_CHAINS=${LAB_DECOY_CHAINS[*]}"
  lab_cluster_api_env
}

# Scale (opt-in): `seed --containers N --mounts M --rules K [NODE...]` makes each node hold that
# many containers, mounts and iptables leftover rules (totals as `status` counts them; see
# seed-node.sh). Without the flags the seed is exactly the default one. `--term-deaf`: the running
# containers ignore SIGTERM (docker stop waits its whole grace, then kills).
LAB_SEED_SCALE=()
lab_seed() {
  lab_load
  local -a nodes=() all args=() kept=()
  local n t0 flag unless_pristine=0
  while (($#)); do
    case $1 in
      --unless-pristine) unless_pristine=1; shift ;;
      --containers | --mounts | --rules)
        [[ ${2:-} =~ ^[0-9]+$ ]] || die "seed: $1 needs a number"
        flag=${1#--}
        LAB_SEED_SCALE+=("LAB_SEED_${flag^^}=$2")
        shift 2 ;;
      --containers=* | --mounts=* | --rules=*)
        [[ ${1#*=} =~ ^[0-9]+$ ]] || die "seed: ${1%%=*} needs a number"
        flag=${1%%=*} flag=${flag#--}
        LAB_SEED_SCALE+=("LAB_SEED_${flag^^}=${1#*=}")
        shift ;;
      --term-deaf) LAB_SEED_SCALE+=(LAB_SEED_TERM_DEAF=1); shift ;;
      -*) die "seed: unknown option '$1' (usage: scripts/lab seed [--containers N] [--mounts M] [--rules K] [--term-deaf] [--unless-pristine] [NODE|GROUP...])" ;;
      *) args+=("$1"); shift ;;
    esac
  done
  set -- "${args[@]}"
  mapfile -t all < <(resolve_nodes real "$@")
  for n in "${all[@]}"; do
    if ! node_is_real "$n"; then say "seed: skipping $n (no machine behind it)"
    elif ((unless_pristine)) && node_is_pristine "$n"; then kept+=("$n")
    else nodes+=("$n"); fi
  done
  ((${#kept[@]})) && say "seed: ${kept[*]}: untouched since their own seed (as this one would make them), kept"
  ((${#nodes[@]} + ${#kept[@]})) || die "seed: no node to seed"
  ((${#nodes[@]})) || return 0
  t0=$(date +%s%N)
  run_parallel seed_node seed "${nodes[@]}"
  say "seeded ${#nodes[@]} nodes (${nodes[*]}) in $(elapsed "$t0")s"
}

# A node is pristine while nothing can have changed it since its last seed: that seed was of the
# same kind (scale flags), no `scripts/lab exec|ssh|door` ran on it since (node_touched), and its
# sshd logged no login since (every session of nodescrub, ssh or a test logs "Accepted …" first; a
# connection that never logs in cannot change the node). `seed --unless-pristine` skips such nodes:
# the test suite reseeds only what earlier tests touched (a seed costs 5-12 s of CPU per node).
node_seed_stamp() {  # NAME -> "<logins so far> <seed flags>"
  local logins
  logins=$(grep -c 'Accepted ' "$(node_dir "$1")/ssh.log" 2>/dev/null) || true
  printf '%s %s\n' "${logins:-0}" "${LAB_SEED_SCALE[*]}"
}
node_is_pristine() {
  local dir
  dir=$(node_dir "$1")
  [[ -s $dir/seed.json && -s $dir/pristine && $(cat "$dir/pristine") == "$(node_seed_stamp "$1")" ]]
}
node_touched() { rm -f "$(node_dir "$1")/pristine"; }

# Wipe and reseed one node (lab.d/seed-node.sh inside it); keeps its report as seed.json and, once
# it succeeded, the stamp that tells the node is pristine.
seed_node() {
  local name=$1
  node_touched "$name"
  if node_is_containerd_kind "$name"; then seed_containerd_node "$name"; else seed_docker_node "$name"; fi
  node_seed_stamp "$name" >"$(node_dir "$name")/pristine"
}

seed_docker_node() {
  local name=$1 dir docker=1 input=/dev/null
  dir=$(node_dir "$name")
  if [[ $(node_field "$name" 8) == docker-down ]]; then docker=0; else input=$LAB_DIR/image/rootfs.tar; fi
  local -a env
  mapfile -t env < <(node_script_env "$name")
  node_exec "$name" "${env[@]}" "${LAB_SEED_SCALE[@]}" LAB_SEED_DOCKER="$docker" LAB_SEED_LIGHT="$([[ $(node_field "$name" 2) == fault ]] && echo 1 || echo 0)" bash -c "$(cat "$LAB_LIB/seed-node.sh")" \
    <"$input" >"$dir/seed.json.tmp"
  mv "$dir/seed.json.tmp" "$dir/seed.json"
  jq -r .mydataSha256 "$dir/seed.json" >"$dir/expect/mydata"
  echo "seeded $name: $(jq -c '{containers:(.containers|length), volumes:(.volumes|length), mounts:(.mounts|length), interfaces:(.interfaces|length)}' "$dir/seed.json")"
}

lab_status() {
  lab_load
  local -a nodes
  local n rc=0 line
  # default: the healthy nodes and the containerd-kind nodes (both should end clean and intact)
  (($#)) || set -- healthy containerd
  mapfile -t nodes < <(resolve_nodes healthy "$@")
  for n in "${nodes[@]}"; do
    status_node "$n" >"$(node_dir "$n").status" 2>&1 &
  done
  wait
  for n in "${nodes[@]}"; do
    line=$(cat "$(node_dir "$n").status")
    rm -f "$(node_dir "$n").status"
    printf '%s\n' "$line"
    jq -e '.clean and .intact' >/dev/null 2>&1 <<<"$line" || rc=1
  done
  exit $rc   # exit, not return: a dirty node is an answer, not an error
}

# One JSON line: reachability, leftover counts, keepers, and the verdicts clean and intact.
# clean: every leftover count is 0 except images (a cleanup without --remove-images keeps them);
# intact: every keeper holds. A node that cannot be inspected is neither.
status_node() {
  local name=$1 dir port reachable=false probe=null
  dir=$(node_dir "$name")
  port=$(node_field "$name" 4)
  if [[ $(timeout 5 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port && head -c 4 <&3" 2>/dev/null) == SSH- ]]; then
    reachable=true
  fi
  if node_is_real "$name" && node_init_pid "$name" >/dev/null && node_is_containerd_kind "$name"; then
    probe=$(status_containerd_probe "$name") || probe=null
    [[ -n $probe ]] || probe=null
  elif node_is_real "$name" && node_init_pid "$name" >/dev/null; then
    local -a env
    mapfile -t env < <(node_script_env "$name")
    probe=$(node_exec "$name" "${env[@]}" LAB_ETH0="10.250.$(node_field "$name" 3).2/24" \
      LAB_EXPECT_SUMS="$(cat "$dir/expect/sums" 2>/dev/null)" \
      LAB_EXPECT_MYDATA="$(cat "$dir/expect/mydata" 2>/dev/null)" \
      timeout 120 bash -c "$(cat "$LAB_LIB/status-node.sh")" </dev/null 2>"$dir/status.err") || probe=null
    [[ -n $probe ]] || probe=null
  fi
  jq -nc --arg node "$name" --argjson reachable "$reachable" --argjson p "$probe" \
    --arg expected "$(node_field "$name" 9)" '
    {node:$node, reachable:$reachable,
     leftovers:($p.leftovers // null), keepers:($p.keepers // null), dockerd:(if $p == null then null else $p.dockerd end),
     clean:($p != null and ([$p.leftovers | to_entries[] | select(.key != "images") | .value == 0] | all)),
     intact:($p != null and ([$p.keepers[]] | all)),
     expectedStatus:$expected}
    + (if $p != null and $p.info != null then {info:$p.info} else {} end)'
}
