# shellcheck shell=bash
# `scripts/lab fleet up [M]` / `scripts/lab fleet down`: a benchmark fleet. One namespace (a node like
# the others: own overlay root, mount/pid/uts namespaces, a dockerd with nothing in it, nothing to
# clean) whose single sshd listens on 0.0.0.0:22. Inside a network namespace all of 127.0.0.0/8 is
# on lo, so that sshd answers on every 127.0.x.y of the namespace: M "hosts" h0001… at 127.0.1.1,
# 127.0.1.2, … with no extra address configured. The client must run inside the namespace:
#   ip netns exec ns-<labid>-fleet <command>
# Env: NODESCRUB_LAB_FLEET_SSHD_EXTRA=FILE appends FILE to the fleet sshd's config (e.g. `Match
# LocalAddress …` blocks that make some addresses fail: the load test's fault hosts), checked with
# `sshd -t` before the sshd starts. Unset: the fleet is exactly as before.
# Sourced by scripts/lab.

FLEET_DIR=$LAB_DIR/fleet
FLEET_NS=${LAB_NS_PREFIX}fleet

fleet_address() {  # I (1-based) -> 127.0.A.B, 254 hosts per /24 starting at 127.0.1.1
  echo "127.0.$((1 + ($1 - 1) / 254)).$((1 + ($1 - 1) % 254))"
}

fleet_up() {
  local m=${1:-100} t0
  [[ $m =~ ^[1-9][0-9]*$ ]] && ((m <= 10000)) || die "fleet up: M must be 1..10000, got '$m'"
  [[ ! -e $FLEET_DIR/fleet.json ]] || die "a fleet is already up in $FLEET_DIR: run 'scripts/lab fleet down' first"
  [[ ! -d $FLEET_DIR ]] || die "$FLEET_DIR holds the remains of a fleet: run 'scripts/lab fleet down' first"
  local extra=${NODESCRUB_LAB_FLEET_SSHD_EXTRA:-}
  [[ -z $extra || -r $extra ]] || die "fleet up: NODESCRUB_LAB_FLEET_SSHD_EXTRA: cannot read '$extra'"
  t0=$(date +%s%N)
  install -d -m 700 "$LAB_DIR" "$FLEET_DIR"
  [[ -e $LAB_DIR/.gitignore ]] || printf "*\n" >"$LAB_DIR/.gitignore"
  trap fleet_up_failed EXIT
  trap "exit 130" INT TERM

  LAB_CLIENT_KEY=$FLEET_DIR/id_ed25519
  NODESCRUB_LAB_SUDO_PASSWORD=$(rand_alnum 20)
  ssh-keygen -q -t ed25519 -N '' -C "nodescrub-fleet-$LAB_ID" -f "$LAB_CLIENT_KEY"
  node_prepare_upper fleet -
  # A daemon sshd instead of inetd mode: one listener for all M addresses.
  cat >"$FLEET_DIR/upper/etc/ssh/sshd_config" <<EOF
# lab fleet: one sshd for M simulated hosts (127.0.x.y of this namespace), see scripts/lab.d/README.md
ListenAddress 0.0.0.0:22
HostKey /etc/ssh/ssh_host_ed25519_key
KexAlgorithms curve25519-sha256,curve25519-sha256@libssh.org,sntrup761x25519-sha512@openssh.com,ecdh-sha2-nistp256
MaxStartups 1000:30:1000
PerSourceMaxStartups none
MaxSessions 50
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
UseDNS no
PrintMotd no
PrintLastLog no
LoginGraceTime 60
PidFile /run/sshd.pid
LogLevel ERROR
Subsystem sftp /usr/lib/openssh/sftp-server
EOF
  if [[ -n $extra ]]; then
    { echo "# appended from NODESCRUB_LAB_FLEET_SSHD_EXTRA=$extra"; cat "$extra"; } >>"$FLEET_DIR/upper/etc/ssh/sshd_config"
  fi
  lab_netns_add "$FLEET_NS" "$FLEET_DIR/netns.list"
  node_start_init fleet
  node_setup fleet
  [[ -z $extra ]] || node_exec fleet /usr/sbin/sshd -t -f /etc/ssh/sshd_config >>"$FLEET_DIR/sshd.log" 2>&1 ||
    { cat "$FLEET_DIR/sshd.log" >&2; die "fleet: sshd_config with $extra appended is invalid"; }
  node_exec fleet bash -c 'ulimit -n 65536; exec setsid -f /usr/sbin/sshd -D -e -f /etc/ssh/sshd_config' \
    </dev/null >>"$FLEET_DIR/sshd.log" 2>&1
  local i ok=0
  for ((i = 0; i < 100; i++)); do
    if [[ $(nsenter --net="/run/netns/$FLEET_NS" timeout 3 bash -c 'exec 3<>/dev/tcp/127.0.1.1/22 && head -c 4 <&3' 2>/dev/null) == SSH- ]]; then ok=1; break; fi
    sleep 0.1
  done
  ((ok)) || { cat "$FLEET_DIR/sshd.log" >&2; die "fleet: sshd does not answer on 127.0.1.1:22"; }
  write_pid_file "$FLEET_DIR/sshd.pid" "$(node_host_pid fleet "$(node_exec fleet cat /run/sshd.pid)")"
  node_start_dockerd fleet

  local key
  key=$(cut -d' ' -f1-2 "$FLEET_DIR/upper/etc/ssh/ssh_host_ed25519_key.pub")
  {
    echo "# nodescrub lab fleet $LAB_ID: $m hosts, one sshd; run the client in: ip netns exec $FLEET_NS …"
    echo "defaults:"
    echo "  user: root"
    echo "  identityFile: $LAB_CLIENT_KEY"
    echo "hosts:"
    for ((i = 1; i <= m; i++)); do
      printf '  - { name: h%04d, address: %s, port: 22 }\n' "$i" "$(fleet_address "$i")"
    done
  } >"$FLEET_DIR/inventory.yaml"
  for ((i = 1; i <= m; i++)); do printf '%s %s\n' "$(fleet_address "$i")" "$key"; done >"$FLEET_DIR/known_hosts"
  jq -n --arg ns "$FLEET_NS" --argjson hosts "$m" --arg dir "$FLEET_DIR" --arg extra "$extra" \
    --arg first "$(fleet_address 1)" --arg last "$(fleet_address "$m")" \
    '{netns:$ns, hosts:$hosts, firstAddress:$first, lastAddress:$last, port:22, user:"root",
      inventory:($dir + "/inventory.yaml"), knownHosts:($dir + "/known_hosts"),
      identityFile:($dir + "/id_ed25519"), clientPrefix:["ip", "netns", "exec", $ns],
      sshd:{MaxStartups:"1000:30:1000", MaxSessions:50, kex:"curve25519-sha256 first",
            extraConfig:(if $extra == "" then null else $extra end)}}' >"$FLEET_DIR/fleet.json"
  trap - EXIT INT TERM
  say "fleet: $m hosts ($(fleet_address 1) … $(fleet_address "$m"), port 22) in $(elapsed "$t0")s — run clients with: ip netns exec $FLEET_NS …; $FLEET_DIR/fleet.json"
}

fleet_up_failed() {
  trap - EXIT INT TERM
  say "fleet up failed; tearing it down"
  fleet_down || true
  exit 1
}

fleet_down() {
  [[ -d $FLEET_DIR ]] || { say "fleet down: no fleet in $FLEET_DIR"; return 0; }
  local ok=1 ns
  kill_pid_file "$FLEET_DIR/sshd.pid" TERM || true
  node_destroy fleet || ok=0
  for ns in $(cat "$FLEET_DIR/netns.list" 2>/dev/null); do
    [[ $ns == "$LAB_NS_PREFIX"* && -e /run/netns/$ns ]] || continue
    ip netns del "$ns" || { ok=0; say "fleet down: could not delete netns $ns"; }
  done
  lab_restore_run_netns
  ((ok)) && rm -rf "$FLEET_DIR" || ok=0
  if ((ok)); then say "fleet down: done"; else say "fleet down: some parts could not be removed; run it again"; return 1; fi
}
