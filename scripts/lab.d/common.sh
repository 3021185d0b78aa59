# shellcheck shell=bash
# Shared by every scripts/lab command: configuration, messages, the preflight check, state files and
# processes started by the lab. Sourced by scripts/lab; defines functions and variables only.

# Where everything of one lab lives. Two labs with different dirs never share a name, a port range
# aside (NODESCRUB_LAB_PORT_BASE), because the lab id is derived from the absolute dir.
LAB_DIR=$(realpath -m "${NODESCRUB_LAB_DIR:-$LAB_REPO/.lab}")
LAB_ID="nl$(printf '%s' "$LAB_DIR" | sha256sum | cut -c1-6)"
LAB_NS_PREFIX="ns-$LAB_ID-"              # every network namespace this lab makes starts with this
LAB_HUB_NS="${LAB_NS_PREFIX}hub"         # holds the far ends of the nodes' eth0 veth pairs
LAB_CGROUP="nodescrub-lab-$LAB_ID"       # cgroup parent of the nodes' docker containers
LAB_NODES_DIR="$LAB_DIR/nodes"
LAB_CONF="$LAB_DIR/lab.conf"
LAB_TABLE="$LAB_DIR/nodes.tsv"           # one line per node, read by every command after `up`
LAB_NETNS_LIST="$LAB_DIR/netns.list"     # every netns created, written *before* creating it
# `ip netns add` bind-mounts /run/netns onto itself the first time; whoever caused that leaves this
# marker so the last lab to go down can restore the root mount table exactly.
LAB_RUN_NETNS_MARKER=/run/nodescrub-lab.run-netns-mount

# The 16 directories of the reference (step 3). /var/run is a symlink to /run on Debian, so
# /var/run/calico and /run/calico are one directory with two names; both are counted.
LAB_K8S_DIRS=(/etc/ceph /etc/cni /etc/kubernetes /opt/cni /opt/rke /run/secrets/kubernetes.io
  /run/calico /run/flannel /var/lib/calico /var/lib/etcd /var/lib/cni /var/lib/kubelet
  /var/lib/rancher /var/log/containers /var/log/pods /var/run/calico)

# Exact leftover patterns (extended regexps, matched against the whole name). See lab.d/README.md.
LAB_IFACE_RE='^(flannel\.1|cni0|tunl0|cali[0-9a-f]{11}|veth[0-9a-f]{8})$'
LAB_CHAIN_RE='^(cali-|KUBE-)'
# Decoys: close to the patterns but not matching them; a correct cleanup leaves them alone.
LAB_DECOY_IFACES=(vethernet0 veth12345 cali-keep cali0123abcd caliABCDEF01234 cni1 flannel.2)
LAB_DECOY_CHAINS=(filter:calico-keep filter:KUBEX-KEEP nat:KUBEX-KEEP mangle:MY-KUBE-NOTES)

LAB_NODE_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

say() { printf 'lab: %s\n' "$*" >&2; }        # progress and errors go to stderr; data to stdout
die() { printf 'lab: %s\n' "$*" >&2; exit 1; }

# An executable regular file on PATH (bash's `command -v` also names a non-executable match).
have() { local p; p=$(command -v "$1" 2>/dev/null) && [[ -f $p && -x $p ]]; }

# Refuse in ONE line when the lab cannot work here, naming the apt-get install that fixes it.
lab_require() {
  local cmd=$1
  [[ $(uname -s) == Linux ]] || die "the lab needs Linux namespaces; this is $(uname -s)"
  [[ $EUID -eq 0 ]] || die "the lab needs root (namespaces, mounts, iptables): run 'sudo scripts/lab $cmd'"
  local -a missing=() pkgs=()
  local pair c
  # command:package — everything the lab runs, on the host or inside a node (nodes share the host's /usr)
  for pair in ip:iproute2 ss:iproute2 iptables:iptables ip6tables:iptables iptables-save:iptables \
    iptables-restore:iptables ip6tables-restore:iptables sshd:openssh-server ssh:openssh-client \
    ssh-keygen:openssh-client socat:socat busybox:busybox-static sudo:sudo dockerd:docker.io \
    tini:tini unshare:util-linux nsenter:util-linux setsid:util-linux findmnt:mount mount:mount \
    umount:mount mountpoint:util-linux useradd:passwd chpasswd:passwd jq:jq tar:tar \
    sha256sum:coreutils timeout:coreutils openssl:openssl curl:curl nft:nftables; do
    c=${pair%%:*}
    have "$c" || { missing+=("$c"); pkgs+=("${pair#*:}"); }
  done
  # The node's docker client must be Debian's (same API as its dockerd), not /usr/local/bin/docker.
  [[ -x /usr/bin/docker ]] || { missing+=(/usr/bin/docker); pkgs+=(docker.io); }
  # The container image is a busybox root with no libc: it needs the static build.
  if command -v dpkg-query >/dev/null 2>&1 &&
    [[ $(dpkg-query -W -f='${db:Status-Status}' busybox-static 2>/dev/null) != installed ]]; then
    missing+=("static busybox"); pkgs+=(busybox-static)
  fi
  if ((${#missing[@]})); then
    die "missing ${missing[*]} — fix: apt-get install -y $(printf '%s\n' "${pkgs[@]}" | sort -u | tr '\n' ' ')(or run .ci/install-lab-deps)"
  fi
}

# --- random names (per node and per seed) -------------------------------------------------------
rand_hex() { od -An -N"$((($1 + 1) / 2))" -tx1 /dev/urandom | tr -d ' \n' | cut -c1-"$1"; }
rand_upper() { (LC_ALL=C tr -dc "A-Z0-9" </dev/urandom || true) | head -c "$1"; }  # tr dies of SIGPIPE: fine
rand_alnum() { (LC_ALL=C tr -dc "a-z0-9" </dev/urandom || true) | head -c "$1"; }
rand_uuid() { local h; h=$(rand_hex 32); echo "${h:0:8}-${h:8:4}-${h:12:4}-${h:16:4}-${h:20:12}"; }

# --- processes: a pid file holds "PID STARTTIME" so a recycled pid is never killed ------------------
# Start time of a live process (fails for a gone or zombie one: our daemons are re-parented to the
# machine's pid 1, which may reap them only seconds later, and a zombie is as good as gone).
pid_start_time() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }   # robust to spaces/parens in comm: fields after the last ')' start at 3 (state)
  local -a fields
  read -r -a fields <<<"$stat"
  [[ ${fields[0]} != Z && ${fields[0]} != X ]] || return 1
  echo "${fields[19]}"     # field 22: starttime
}
write_pid_file() { echo "$2 $(pid_start_time "$2")" >"$1"; }
# Prints the pid if the process recorded in FILE is still the one we started.
pid_file_alive() {
  local f=$1 pid start
  [[ -s $f ]] || return 1
  read -r pid start <"$f" || return 1
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [[ $(pid_start_time "$pid") == "$start" ]] || return 1
  echo "$pid"
}
# Kill the process recorded in FILE (only if it is still ours) and wait up to ~5s for it to go.
kill_pid_file() {
  local f=$1 sig=${2:-TERM} pid i
  pid=$(pid_file_alive "$f") || return 0
  kill -s "$sig" "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    pid_file_alive "$f" >/dev/null || return 0
    sleep 0.1
  done
  kill -s KILL "$pid" 2>/dev/null || true
  sleep 0.1
  ! pid_file_alive "$f" >/dev/null
}

# --- the node table (written by `up`) ----------------------------------------------------------------
# Columns: name kind idx port user become becomePasswordEnv fault expected real
lab_load() {
  [[ -s $LAB_CONF && -s $LAB_TABLE ]] || die "no lab is up in $LAB_DIR (run: scripts/lab up)"
  # shellcheck source=/dev/null
  source "$LAB_CONF"
}
node_field() {  # NAME COLUMN-NUMBER
  awk -v n="$1" -v c="$2" '$1 == n { print $c; found = 1 } END { exit !found }' "$LAB_TABLE"
}
node_names() {  # [healthy|faults|real|rke2|k3s|kubeadm|containerd|all]
  case ${1:-all} in
    healthy) awk '$2 == "healthy" { print $1 }' "$LAB_TABLE" ;;
    faults) awk '$2 == "fault" { print $1 }' "$LAB_TABLE" ;;
    real) awk '$10 == 1 { print $1 }' "$LAB_TABLE" ;;
    rke2 | k3s | kubeadm) awk -v k="$1" '$2 == k { print $1 }' "$LAB_TABLE" ;;
    containerd) awk '$2 == "rke2" || $2 == "k3s" || $2 == "kubeadm" { print $1 }' "$LAB_TABLE" ;;
    all) awk '{ print $1 }' "$LAB_TABLE" ;;
  esac
}
# Expands the NODE... arguments of seed/status: names, or the groups healthy/faults/real/all.
resolve_nodes() {
  local default=$1; shift
  local a
  (($#)) || set -- "$default"
  for a in "$@"; do
    case $a in
      healthy | faults | real | rke2 | k3s | kubeadm | containerd | all) node_names "$a" ;;
      *) node_field "$a" 1 >/dev/null || die "no node named '$a' in this lab ($(node_names all | tr '\n' ' '))"
        echo "$a" ;;
    esac
  done | awk '!seen[$0]++'
}
# The fleet (lab.d/fleet.sh) is built like a node but lives apart, so `up` and `fleet up` coexist.
node_dir() { if [[ $1 == fleet ]]; then echo "$LAB_DIR/fleet"; else echo "$LAB_NODES_DIR/$1"; fi; }
node_netns() { echo "$LAB_NS_PREFIX$1"; }
node_is_real() { [[ $(node_field "$1" 10) == 1 ]]; }

# The host pid of the node's init (pid 1 of its pid namespace); fails if the node is not running.
node_init_pid() { pid_file_alive "$(node_dir "$1")/init.pid"; }

# Run a command inside a node as root: all its namespaces (mount → its own overlay root), a clean
# environment, cwd /. stdin/stdout/stderr pass through.
node_exec() {
  local node=$1 pid; shift
  pid=$(node_init_pid "$node") || die "node $node is not running"
  nsenter -t "$pid" -m -u -i -n -p -r -w -- /usr/bin/env -i PATH="$LAB_NODE_PATH" HOME=/root USER=root \
    LOGNAME=root LANG=C.UTF-8 TERM=dumb "$@"
}

# Run functions for several nodes at once, each in the background with its own log; fail (after
# all finished) if any failed, showing the tail of the failed logs. LAB_JOBS lists the running
# ones, so that a failed or interrupted `up` can stop and wait for them before tearing down.
LAB_JOBS=()
run_parallel() {  # FUNCTION LOGNAME NODE...
  local fn=$1 logname=$2; shift 2
  local -A pids=()
  local n rc=0 log
  for n in "$@"; do
    log="$(node_dir "$n")/$logname.log"
    mkdir -p "$(dirname "$log")"
    ("$fn" "$n") >"$log" 2>&1 </dev/null &
    pids[$n]=$!
    LAB_JOBS+=($!)
  done
  for n in "$@"; do
    if ! wait "${pids[$n]}"; then
      rc=1
      say "$fn $n failed; last lines of $(node_dir "$n")/$logname.log:"
      tail -n 15 "$(node_dir "$n")/$logname.log" | sed 's/^/    /' >&2
    fi
  done
  LAB_JOBS=()
  return $rc
}
stop_jobs() {  # stop the background jobs of run_parallel and wait until they are gone
  local p
  for p in "${LAB_JOBS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${LAB_JOBS[@]}"; do wait "$p" 2>/dev/null || true; done
  LAB_JOBS=()
}

# Start a daemon in its own session (no terminal signal reaches it) that records its own pid file
# before it execs: even if we are killed right after the fork, the process is known to `down`.
start_daemon() {  # PIDFILE LOGFILE CMD...
  local pidfile=$1 log=$2; shift 2
  setsid bash -c 'f=$(</proc/$$/stat); f=${f##*) }; read -r -a a <<<"$f"; echo "$$ ${a[19]}" >"$0"; exec "$@"' \
    "$pidfile" "$@" </dev/null >>"$log" 2>&1 &
}
