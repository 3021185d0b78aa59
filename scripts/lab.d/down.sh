# shellcheck shell=bash
# `scripts/lab down`: undo everything `up` (even a half-failed one) and `fleet up` made, using only
# what they recorded: pid files, the netns list, the lab id prefix. Idempotent. Sourced by scripts/lab.

lab_down() {
  local t0 ok=1 d ns
  t0=$(date +%s%N)
  if [[ ! -d $LAB_DIR ]]; then
    lab_restore_run_netns
    say "down: nothing to tear down in $LAB_DIR"
    return 0
  fi
  [[ -d $LAB_DIR/fleet ]] && { fleet_down || ok=0; }
  lab_cluster_api_down || { ok=0; say "down: could not stop the cluster API server"; }
  # Nodes: processes by recorded pid (the pid namespaces take everything inside with them).
  if [[ -d $LAB_NODES_DIR ]]; then
    for d in "$LAB_NODES_DIR"/*/; do
      [[ -d $d ]] || continue
      node_destroy "$(basename "$d")" || ok=0
    done
  fi
  # Network namespaces: the recorded ones, plus any with this lab's prefix (a crash between
  # `ip netns add` and the record is impossible — the record comes first — but be thorough).
  for ns in $({ cat "$LAB_NETNS_LIST" 2>/dev/null; ip netns list | awk '{print $1}' | grep "^$LAB_NS_PREFIX"; } | sort -u); do
    [[ $ns == "$LAB_NS_PREFIX"* ]] || continue   # never anything that is not ours
    if [[ -e /run/netns/$ns ]]; then ip netns del "$ns" || { ok=0; say "down: could not delete netns $ns"; }; fi
  done
  lab_restore_run_netns
  # Nothing of ours may remain mounted in the root namespace (there should never be anything).
  local m
  while read -r m; do
    [[ -n $m ]] || continue
    say "down: unmounting stray $m"
    umount -l "$m" || ok=0
  done < <(findmnt -rn -o TARGET | sed "s/\\\\x20/ /g" | { grep -F "$LAB_DIR/" || true; } | sort -r)
  ((ok)) && rm -rf "$LAB_DIR" || ok=0
  if ((ok)); then
    say "down: $LAB_ID gone in $(elapsed "$t0")s"
  else
    say "down: some parts of $LAB_ID could not be removed (see above); state kept in $LAB_DIR — run down again"
    return 1
  fi
}

# `ip netns add` bind-mounts /run/netns on itself the first time. If a lab caused that (marker) and no
# namespace is left in it, undo it, so the root mount table ends as it began.
lab_restore_run_netns() {
  [[ -e $LAB_RUN_NETNS_MARKER ]] || return 0
  if [[ -d /run/netns && -n $(ls -A /run/netns 2>/dev/null) ]]; then return 0; fi   # still in use
  if mountpoint -q /run/netns 2>/dev/null; then umount /run/netns || return 0; fi
  mountpoint -q /run/netns 2>/dev/null && return 0
  if [[ $(cat "$LAB_RUN_NETNS_MARKER") == dir-created ]]; then rmdir /run/netns 2>/dev/null || true; fi
  rm -f "$LAB_RUN_NETNS_MARKER"
}

# Create a network namespace, recording it first in LISTFILE and noting whether this is the first
# `ip netns add` since boot (the /run/netns self bind mount).
lab_netns_add() {  # NAME LISTFILE
  if ! mountpoint -q /run/netns 2>/dev/null && [[ ! -e $LAB_RUN_NETNS_MARKER ]]; then
    if [[ -d /run/netns ]]; then echo dir-existed >"$LAB_RUN_NETNS_MARKER"; else echo dir-created >"$LAB_RUN_NETNS_MARKER"; fi
  fi
  echo "$1" >>"$2"
  ip netns add "$1"
  ip -n "$1" link set lo up
}

# `scripts/lab root-state`: what the lab promises never to change in the root namespace, as text
# (interfaces, addresses, routes, iptables and ip6tables without counters or timestamps, the mount
# table, the network namespaces). The tests compare it before `up` and after `down`. Other nodescrub
# labs (other state dirs, other ids) may come and go meanwhile on a shared machine: their
# namespaces, and the /run/netns mount while any of them exists, are left out; this lab's never are.
lab_root_state() {
  local strip='/^#/d; s/\[[0-9]+:[0-9]+\]//' others
  others=$(ip netns list | awk '{print $1}' | grep -E '^ns-nl[0-9a-f]{6}-' | grep -v "^$LAB_NS_PREFIX" || true)
  not_other_labs() {
    awk -v ours="$LAB_NS_PREFIX" -v others="${others:+1}" '
      { n = $0; sub(/^\/run\/netns\//, "", n) }
      n ~ /^ns-nl[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]-/ && index(n, ours) != 1 { next }
      others && $0 == "/run/netns" { next }
      { print }'
  }
  echo "## links"; ip -br link
  echo "## addresses"; ip -br addr
  echo "## routes"; ip -4 route show table all; ip -6 route show table all
  echo "## iptables"; iptables-save | sed -E "$strip"
  echo "## ip6tables"; ip6tables-save | sed -E "$strip"
  echo "## mounts"; findmnt -rn -o TARGET | sort | not_other_labs
  echo "## netns"; ip netns list | awk '{print $1}' | sort | not_other_labs
}
