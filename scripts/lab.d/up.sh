# shellcheck shell=bash
# `scripts/lab up [N] [--no-faults]`: N healthy nodes (default 4) plus the fault nodes, the client
# key, known_hosts, inventory.yaml, lab.env and nodes.json. Sourced by scripts/lab.

# Fault nodes: name, login user, become, sudo password variable, nodescrub status expected, real?
LAB_FAULT_NODES=(
  "docker-down root 0 - step-failed 1"
  "unreachable root 0 - unreachable 0"
  "badkey root 0 - host-key-rejected 1"
  "hang root 0 - timed-out 1"
  "sudo-nopass opspw 1 NODESCRUB_LAB_WRONG_PASSWORD auth-failed 1"
)

lab_up() {
  local n=4 faults=1 a want_kinds=0
  local -a kinds=()
  for a in "$@"; do
    if ((want_kinds)); then IFS=, read -r -a kinds <<<"$a"; want_kinds=0; continue; fi
    case $a in
      --kinds) want_kinds=1 ;;
      --kinds=*) IFS=, read -r -a kinds <<<"${a#--kinds=}" ;;
      --no-faults) faults=0 ;;
      [0-9]*) [[ $a =~ ^[1-9][0-9]?$ ]] && ((a <= 60)) || die "up: N must be 1..60, got '$a'"; n=$a ;;
      *) die "up: unknown argument '$a' (usage: scripts/lab up [N] [--no-faults] [--kinds rke2,k3s,kubeadm])" ;;
    esac
  done
  [[ ! -e $LAB_CONF ]] || die "a lab is already up in $LAB_DIR: run 'scripts/lab down' first"
  if [[ -e $LAB_NETNS_LIST || -e $LAB_TABLE || -n $(ls -A "$LAB_NODES_DIR" 2>/dev/null) ]]; then
    die "$LAB_DIR holds the remains of a lab that did not come up: run 'scripts/lab down' first"
  fi
  local t0 port_base=${NODESCRUB_LAB_PORT_BASE:-2200}
  [[ $port_base =~ ^[0-9]+$ ]] && ((port_base >= 1024 && port_base <= 65400)) ||
    die "NODESCRUB_LAB_PORT_BASE must be a port number 1024..65400, got '$port_base'"
  t0=$(date +%s%N)
  install -d -m 700 "$LAB_DIR" "$LAB_NODES_DIR"
  printf "*\n" >"$LAB_DIR/.gitignore"   # the state dir ignores itself, wherever it is
  LAB_PORT_BASE=$port_base
  # From here on a failure (or Ctrl-C) tears down whatever was made, unless asked to keep it.
  trap lab_up_failed EXIT
  trap "exit 130" INT TERM

  # The node table.
  local i idx=0 user become pwenv
  : >"$LAB_TABLE.tmp"
  for ((i = 1; i <= n; i++)); do
    idx=$i user=root become=0 pwenv=-
    if ((i == 2)); then user=ops become=1; fi
    if ((i == 3)); then user=opspw become=1 pwenv=NODESCRUB_LAB_SUDO_PASSWORD; fi
    printf '%s healthy %s %s %s %s %s - ok 1\n' "node$i" "$idx" "$((port_base + idx))" "$user" "$become" "$pwenv" >>"$LAB_TABLE.tmp"
  done
  if ((faults)); then
    local f name expected real
    for f in "${LAB_FAULT_NODES[@]}"; do
      read -r name user become pwenv expected real <<<"$f"
      idx=$((idx + 1))
      printf '%s fault %s %s %s %s %s %s %s %s\n' "$name" "$idx" "$((port_base + idx))" "$user" "$become" "$pwenv" "$name" "$expected" "$real" >>"$LAB_TABLE.tmp"
    done
  fi
  if ((${#kinds[@]})); then lab_up_kind_rows "$LAB_TABLE.tmp" "$idx" "$port_base" "${kinds[@]}"; fi
  mv "$LAB_TABLE.tmp" "$LAB_TABLE"
  # `unreachable` needs a port where nothing listens: check now.
  local p
  p=$(awk '$1 == "unreachable" { print $4 }' "$LAB_TABLE")
  if [[ -n $p ]] && ss -Hltn "sport = :$p" | grep -q .; then
    die "port 127.0.0.1:$p (node unreachable) has a listener: set NODESCRUB_LAB_PORT_BASE"
  fi

  # Secrets: the client key and the passwords (lab.env, mode 600).
  ssh-keygen -q -t ed25519 -N '' -C "nodescrub-lab-$LAB_ID" -f "$LAB_DIR/id_ed25519"
  chmod 600 "$LAB_DIR/id_ed25519"
  NODESCRUB_LAB_SUDO_PASSWORD=$(rand_alnum 20)
  NODESCRUB_LAB_WRONG_PASSWORD="wrong-$(rand_alnum 14)"
  (
    umask 077
    cat >"$LAB_DIR/lab.env" <<EOF
# nodescrub lab $LAB_ID — source it: \`. $LAB_DIR/lab.env\`
export NODESCRUB_LAB_DIR='$LAB_DIR'
export NODESCRUB_LAB_ID='$LAB_ID'
export NODESCRUB_LAB_INVENTORY='$LAB_DIR/inventory.yaml'
export NODESCRUB_LAB_KNOWN_HOSTS='$LAB_DIR/known_hosts'
export NODESCRUB_LAB_IDENTITY='$LAB_DIR/id_ed25519'
# sudo password of user opspw (node3); it is also opspw's login password (password auth is on)
export NODESCRUB_LAB_SUDO_PASSWORD='$NODESCRUB_LAB_SUDO_PASSWORD'
export NODESCRUB_LAB_LOGIN_PASSWORD='$NODESCRUB_LAB_SUDO_PASSWORD'
# what node sudo-nopass's inventory entry points at: a password sudo rejects
export NODESCRUB_LAB_WRONG_PASSWORD='$NODESCRUB_LAB_WRONG_PASSWORD'
EOF
  )
  printf 'LAB_N=%s\nLAB_FAULTS=%s\nLAB_PORT_BASE=%s\nLAB_UP_AT=%q\n' "$n" "$faults" "$port_base" \
    "$(date -u +%FT%TZ)" >"$LAB_CONF.tmp"

  lab_build_image
  if ((${#kinds[@]})); then lab_build_oci_image; fi
  lab_create_hub
  local -a real
  mapfile -t real < <(node_names real)
  say "starting ${#real[@]} nodes (${real[*]})"
  run_parallel node_create up "${real[@]}"

  lab_write_client_files
  lab_cluster_api_up
  mv "$LAB_CONF.tmp" "$LAB_CONF"       # the lab counts as up only now
  trap - EXIT INT TERM
  say "up: $(node_names healthy | wc -l) healthy + $(node_names faults | wc -l) fault nodes in $(elapsed "$t0")s — $LAB_DIR/nodes.json, . $LAB_DIR/lab.env"
}

lab_up_failed() {
  trap - EXIT INT TERM
  stop_jobs   # node jobs still running must not race the teardown
  if [[ ${NODESCRUB_LAB_KEEP_ON_FAILURE:-0} == 1 ]]; then
    say "up failed; kept everything for inspection in $LAB_DIR (NODESCRUB_LAB_KEEP_ON_FAILURE=1): run 'scripts/lab down' after"
  else
    say "up failed; tearing down what was made (NODESCRUB_LAB_KEEP_ON_FAILURE=1 keeps it)"
    lab_down || true
  fi
  exit 1
}

elapsed() { local t; t=$(($(date +%s%N) - $1)); printf '%d.%01d' $((t / 1000000000)) $((t % 1000000000 / 100000000)); }

# The container image's root: a static busybox and its applet links, tarred once per lab (every
# node's dockerd imports it from this tarball: no registry is reachable).
lab_build_image() {
  local r=$LAB_DIR/image/rootfs a
  mkdir -p "$r/bin" "$r/etc" "$r/tmp" "$r/proc" "$r/sys" "$r/dev" "$r/root"
  cp /bin/busybox "$r/bin/busybox"
  for a in $("$r/bin/busybox" --list); do [[ $a == busybox ]] || ln -s busybox "$r/bin/$a"; done
  printf 'root:x:0:0:root:/root:/bin/sh\n' >"$r/etc/passwd"
  printf 'root:x:0:\n' >"$r/etc/group"
  chmod 1777 "$r/tmp"
  tar -C "$r" --numeric-owner -cf "$LAB_DIR/image/rootfs.tar" .
  rm -rf "$r"
}

# The hub namespace (far ends of the eth0 veths). Created before any node so that the one-time
# bind mount of /run/netns by `ip netns` happens once, here, and is remembered for `down`.
lab_create_hub() {
  lab_netns_add "$LAB_HUB_NS" "$LAB_NETNS_LIST"
}

# known_hosts, inventory.yaml (nodescrub's native format) and nodes.json.
lab_write_client_files() {
  local name kind idx port user become pwenv fault expected real key
  : >"$LAB_DIR/known_hosts"
  while read -r name kind idx port user become pwenv fault expected real; do
    ((real)) || continue
    if [[ $fault == badkey ]]; then
      # a key the node does not have: known_hosts "knows" another host at this address
      # (kept across `up-kind`, which rewrites these files)
      [[ -s $(node_dir "$name")/impostor_key ]] ||
        ssh-keygen -q -t ed25519 -N '' -C "not-$name" -f "$(node_dir "$name")/impostor_key"
      key=$(cut -d' ' -f1-2 "$(node_dir "$name")/impostor_key.pub")
    else
      key=$(cut -d' ' -f1-2 "$(node_dir "$name")/upper/etc/ssh/ssh_host_ed25519_key.pub")
    fi
    printf '[127.0.0.1]:%s %s\n' "$port" "$key" >>"$LAB_DIR/known_hosts"
  done <"$LAB_TABLE"
  chmod 644 "$LAB_DIR/known_hosts"

  {
    echo "# nodescrub lab $LAB_ID — generated by scripts/lab up; see $LAB_DIR/nodes.json"
    echo "defaults:"
    echo "  user: root"
    echo "  identityFile: $LAB_DIR/id_ed25519"
    echo "hosts:"
    while read -r name kind idx port user become pwenv fault expected real; do
      printf '  - { name: %s, address: 127.0.0.1, port: %s' "$name" "$port"
      [[ $user == root ]] || printf ', user: %s' "$user"
      if ((become)); then printf ', become: true'; fi
      [[ $pwenv == - ]] || printf ', becomePasswordEnv: %s' "$pwenv"
      printf ' }\n'
    done <"$LAB_TABLE"
    echo "groups:"
    echo "  healthy:"
    echo "    hosts: [$(node_names healthy | paste -sd, | sed 's/,/, /g')]"
    if [[ -n $(node_names faults) ]]; then
      echo "  faults:"
      echo "    hosts: [$(node_names faults | paste -sd, | sed 's/,/, /g')]"
    fi
    local g
    for g in rke2 k3s kubeadm containerd; do
      [[ -n $(node_names "$g") ]] || continue
      echo "  $g:"
      echo "    hosts: [$(node_names "$g" | paste -sd, | sed 's/,/, /g')]"
    done
  } >"$LAB_DIR/inventory.yaml"

  lab_write_nodes_json
}

lab_write_nodes_json() {
  local name kind idx port user become pwenv fault expected real desc
  local -a rows=()
  while read -r name kind idx port user become pwenv fault expected real; do
    case $kind:$fault in
      rke2:-) desc="failed RKE2 server: unit rke2-server enabled but its main process dead; the cluster containerd (/run/k3s/containerd) runs 2 pods (real shims, cni-* netns); keepers: a system containerd with task notes-web in namespace keeper, backup dirs" ;;
      kubeadm:-) desc="failed kubeadm node: kubelet.service enabled but dead; the system containerd (/run/containerd) runs 2 pods in namespace k8s.io and keeps running; keepers: task notes-web and an image in namespace moby (docker's), containerd.service, /etc/containerd" ;;
      k3s:-) desc="failed K3s server, data-dir /srv/k3s (set by config.yaml.d/50-data-dir.yaml over config.yaml): unit k3s active and enabled; the cluster containerd runs 2 pods; near misses: k3s-notes.service, /run/k3s-notes, backup dirs" ;;
      *:-) desc="healthy node, logs in as $user"; if ((become)); then desc+=" and uses sudo"; fi ;;
      docker-down) desc="docker installed, /var/lib/docker present, dockerd not running (stale /var/run/docker.sock): docker commands fail" ;;
      unreachable) desc="nothing listens on this port: connection refused" ;;
      badkey) desc="a real node, but known_hosts holds another ed25519 key for it" ;;
      hang) desc="docker, iptables, iptables-save, ip6tables, ip6tables-save in /usr/local/{bin,sbin} sleep forever, ignoring TERM/INT/HUP/QUIT (timeout N does not end them; only KILL)" ;;
      sudo-nopass) desc="user opspw with become; becomePasswordEnv names a variable holding a wrong password" ;;
    esac
    rows+=("$(jq -nc --arg name "$name" --arg kind "$kind" --argjson idx "$idx" --argjson port "$port" \
      --arg user "$user" --argjson become "$( ((become)) && echo true || echo false)" \
      --arg pwenv "$pwenv" --arg fault "$fault" --arg expected "$expected" \
      --argjson real "$( ((real)) && echo true || echo false)" --arg desc "$desc" \
      --arg netns "$(node_netns "$name")" --arg dockerd "$([[ $fault == docker-down ]] || is_containerd_kind "$kind" && echo false || echo true)" \
      '{name:$name, kind:$kind, fault:(if $fault == "-" then null else $fault end),
        expectedStatus:$expected, description:$desc, address:"127.0.0.1", port:$port, user:$user,
        become:$become, becomePasswordEnv:(if $pwenv == "-" then null else $pwenv end),
        real:$real, netns:(if $real then $netns else null end),
        eth0:(if $real then "10.250.\($idx).2/24" else null end),
        dockerd:($real and $dockerd == "true")}')")
  done <"$LAB_TABLE"
  local -a dirs decoy_chains
  dirs=("${LAB_K8S_DIRS[@]}")
  decoy_chains=("${LAB_DECOY_CHAINS[@]}")
  jq -n --arg labId "$LAB_ID" --arg labDir "$LAB_DIR" --arg prefix "$LAB_NS_PREFIX" \
    --arg hub "$LAB_HUB_NS" --argjson portBase "$LAB_PORT_BASE" \
    --arg ifre "$LAB_IFACE_RE" --arg chre "$LAB_CHAIN_RE" \
    --argjson dirs "$(printf '%s\n' "${dirs[@]}" | jq -R . | jq -sc .)" \
    --argjson difs "$(printf '%s\n' "${LAB_DECOY_IFACES[@]}" | jq -R . | jq -sc .)" \
    --argjson dchs "$(printf '%s\n' "${decoy_chains[@]}" | jq -R 'split(":") | {table:.[0], chain:.[1]}' | jq -sc .)" \
    --argjson nodes "$(printf '%s\n' "${rows[@]}" | jq -sc .)" \
    '{labId:$labId, labDir:$labDir, netnsPrefix:$prefix, hubNetns:$hub, portBase:$portBase,
      inventory:($labDir + "/inventory.yaml"), knownHosts:($labDir + "/known_hosts"),
      identityFile:($labDir + "/id_ed25519"), env:($labDir + "/lab.env"),
      sudoPasswordEnv:"NODESCRUB_LAB_SUDO_PASSWORD", wrongPasswordEnv:"NODESCRUB_LAB_WRONG_PASSWORD",
      patterns:{interfaces:$ifre, iptablesChains:$chre, directories:$dirs,
        mounts:"any mount point equal to or below one of the directories",
        iptablesRules:"a rule in a leftover chain, or a rule anywhere that jumps (-j) or goes (-g) to one"},
      decoys:{interfaces:$difs, iptablesChains:$dchs,
        keeperChain:{table:"filter", chain:"MY-FIREWALL", jumpedFrom:"INPUT", rule:"-p tcp -m tcp --dport 22 -j ACCEPT"}},
      policies:{filter:{INPUT:"ACCEPT", FORWARD:"DROP", OUTPUT:"ACCEPT"},
        nat:{PREROUTING:"ACCEPT", INPUT:"ACCEPT", OUTPUT:"ACCEPT", POSTROUTING:"ACCEPT"},
        mangle:{PREROUTING:"ACCEPT", INPUT:"ACCEPT", FORWARD:"ACCEPT", OUTPUT:"ACCEPT", POSTROUTING:"ACCEPT"},
        raw:{PREROUTING:"ACCEPT", OUTPUT:"ACCEPT"}},
      nodes:$nodes}' >"$LAB_DIR/nodes.json"
}
