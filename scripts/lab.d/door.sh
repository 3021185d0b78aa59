# shellcheck shell=bash
# `scripts/lab door NODE open IFNAME PORT | door NODE close`: a second way into a node's sshd whose
# traffic enters the node through an interface named IFNAME (e.g. vethc0ffee01, cali0123456789a), so
# that the interface carrying the SSH session matches nodescrub's interface patterns. The lab's
# normal path enters through `lo` (SSH_CONNECTION is 127.0.0.1 on both ends) and cannot show that.
#
#   127.0.0.1:PORT (root ns, socat) → nsenter hub ns → TCP 10.251.<idx>.2:22 over the veth pair
#   d<idx> (hub) ⇄ IFNAME (node) → socat in the node's netns → sshd -i inside the node
#
# Inside the node SSH_CONNECTION is "10.251.<idx>.1 <port> 10.251.<idx>.2 22" and
# `ip route get 10.251.<idx>.1` names IFNAME. open prints the known_hosts line for [127.0.0.1]:PORT.
# Both socats are recorded in pid files in the node's dir; close (and node_destroy) stop them by pid.
# Sourced by scripts/lab.

door_open() {  # NAME IFNAME PORT
  local name=$1 ifname=$2 port=$3 dir idx ns pid hub_if i
  dir=$(node_dir "$name")
  idx=$(node_field "$name" 3)
  ns=$(node_netns "$name")
  pid=$(node_init_pid "$name") || die "door: node $name is not running"
  hub_if="d$idx"
  [[ $ifname =~ ^[A-Za-z0-9._-]{1,15}$ ]] || die "door: '$ifname' is not an interface name"
  [[ $port =~ ^[0-9]+$ ]] || die "door: '$port' is not a port"
  if ss -Hltn "sport = :$port" | grep -q .; then die "door: port 127.0.0.1:$port is already in use"; fi
  door_close "$name" 2>/dev/null || true
  ip -n "$LAB_HUB_NS" link add "$hub_if" type veth peer name "$ifname" netns "$ns"
  ip -n "$LAB_HUB_NS" addr add "10.251.$idx.1/24" dev "$hub_if"
  ip -n "$LAB_HUB_NS" link set "$hub_if" up
  ip -n "$ns" addr add "10.251.$idx.2/24" dev "$ifname"
  ip -n "$ns" link set "$ifname" up
  start_daemon "$dir/door-sshd.pid" "$dir/door.log" nsenter --net="/run/netns/$ns" \
    socat TCP-LISTEN:22,bind="10.251.$idx.2",fork,reuseaddr \
    EXEC:"nsenter -t $pid -m -u -i -n -p -r -w /usr/sbin/sshd -i -e -f /etc/ssh/sshd_config",nofork
  start_daemon "$dir/door-relay.pid" "$dir/door.log" socat TCP-LISTEN:"$port",bind=127.0.0.1,fork,reuseaddr \
    EXEC:"nsenter --net=/run/netns/$LAB_HUB_NS socat STDIO TCP\\:10.251.$idx.2\\:22"
  for ((i = 0; i < 100; i++)); do
    if [[ $(timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port && head -c 4 <&3" 2>/dev/null) == SSH- ]]; then
      awk -v p="[127.0.0.1]:$(node_field "$name" 4)" -v q="[127.0.0.1]:$port" '$1 == p { $1 = q; print; exit }' "$LAB_DIR/known_hosts"
      return 0
    fi
    sleep 0.1
  done
  door_close "$name"
  die "door: sshd of $name does not answer through $ifname on 127.0.0.1:$port (see $dir/door.log)"
}

door_close() {  # NAME — idempotent
  local name=$1 dir idx
  dir=$(node_dir "$name")
  idx=$(node_field "$name" 3)
  kill_pid_file "$dir/door-relay.pid" TERM || say "door: could not stop the relay of $name"
  kill_pid_file "$dir/door-sshd.pid" TERM || say "door: could not stop the listener of $name"
  rm -f "$dir/door-relay.pid" "$dir/door-sshd.pid"
  # Deleting the hub end deletes the pair, the node end with it (if the cleanup had not kept it).
  if ip -n "$LAB_HUB_NS" link show "d$idx" >/dev/null 2>&1; then ip -n "$LAB_HUB_NS" link del "d$idx"; fi
}
