# shellcheck shell=bash
# Creating and destroying one lab node (see lab.d/README.md for the anatomy). Sourced by scripts/lab.

# The node's private files, written into the overlay's upper dir *before* it is mounted (the only
# moment when writing there directly is well-defined).
node_prepare_upper() {
  local name=$1 fault=$2 dir U e
  dir=$(node_dir "$name")
  U=$dir/upper
  mkdir -p "$U" "$dir/work" "$dir/root" "$dir/expect"
  # /root: hide every host entry behind a whiteout (a 0:0 char device), so the node's root home is
  # its own and never runs the host's ~/.bashrc (pyenv: stalls every non-interactive ssh login).
  install -d -m 700 "$U/root"
  for e in /root/* /root/.[!.]* /root/..?*; do
    if [[ -e $e || -L $e ]]; then mknod "$U/root/${e##*/}" c 0 0; fi
  done
  install -d -m 755 "$U/etc" "$U/etc/ssh" "$U/etc/docker" "$U/usr" "$U/usr/local" \
    "$U/usr/local/bin" "$U/usr/local/sbin" "$U/var" "$U/var/lib"
  printf '%s\n' "$name" >"$U/etc/hostname"
  printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s\n::1\tlocalhost ip6-localhost ip6-loopback\n' "$name" >"$U/etc/hosts"
  # Only the node's own host key: hide the host's.
  for e in /etc/ssh/ssh_host_*; do
    [[ $e == */ssh_host_ed25519_key* ]] || mknod "$U/etc/ssh/${e##*/}" c 0 0
  done
  ssh-keygen -q -t ed25519 -N '' -C "root@$name" -f "$U/etc/ssh/ssh_host_ed25519_key"
  cat >"$U/etc/ssh/sshd_config" <<EOF
# lab node $name. sshd runs in inetd mode (sshd -i), one per connection, started by the lab's socat
# listener on 127.0.0.1 with the accepted TCP socket as its stdin (see scripts/lab.d/README.md).
HostKey /etc/ssh/ssh_host_ed25519_key
# curve25519 first: OpenSSH 9.2's default sntrup761 costs ~70 ms of CPU per connection on each side.
KexAlgorithms curve25519-sha256,curve25519-sha256@libssh.org,sntrup761x25519-sha512@openssh.com,ecdh-sha2-nistp256,diffie-hellman-group14-sha256
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication yes
KbdInteractiveAuthentication no
UsePAM no
StrictModes yes
AuthorizedKeysFile .ssh/authorized_keys
UseDNS no
PrintMotd no
PrintLastLog no
MaxSessions 50
LoginGraceTime 30
AcceptEnv LANG LC_*
Subsystem sftp /usr/lib/openssh/sftp-server
LogLevel INFO
EOF
  chmod 644 "$U/etc/ssh/sshd_config"
  # The node's dockerd: everything inside the node, nothing on the host's network.
  cat >"$U/etc/docker/daemon.json" <<EOF
{
  "data-root": "/var/lib/docker",
  "exec-root": "/run/docker",
  "pidfile": "/run/docker.pid",
  "hosts": ["unix:///var/run/docker.sock"],
  "storage-driver": "vfs",
  "bridge": "none",
  "iptables": false,
  "ip-forward": false,
  "ip-masq": false,
  "userland-proxy": false,
  "exec-opts": ["native.cgroupdriver=cgroupfs"],
  "cgroup-parent": "/$LAB_CGROUP-$name",
  "log-level": "warn"
}
EOF
  # `docker` on the node's PATH must be Debian's client (API 1.41, like its dockerd 20.10), not the
  # host's /usr/local/bin/docker (Docker 28): shadow the latter in the upper dir.
  if [[ $fault == hang ]]; then
    # Fault "hang": the commands a cleanup needs first never answer (PATH and sudo's secure_path
    # both put /usr/local/* first). Like a process stuck in the kernel (a dead NFS server, a wedged
    # daemon), they ignore TERM, INT, HUP and QUIT — so `timeout N cmd` does not end them either;
    # only SIGKILL does. The lab's own probes call /usr/bin/docker, /usr/sbin/iptables-save.
    for e in bin/docker sbin/iptables sbin/iptables-save sbin/ip6tables sbin/ip6tables-save; do
      printf '%s\n' '#!/bin/sh' '# lab fault "hang": never answers; ignores every signal but KILL' \
        "trap '' TERM INT HUP QUIT" 'exec sleep 2147483647' >"$U/usr/local/$e"
      chmod 755 "$U/usr/local/$e"
    done
  else
    ln -s /usr/bin/docker "$U/usr/local/bin/docker"
  fi
}

# The node's network namespace: lo, and eth0 = one end of a veth pair whose other end (p<idx>) is in
# the lab's hub namespace. Neither end ever exists in the root namespace.
node_create_netns() {
  local name=$1 idx=$2 ns
  ns=$(node_netns "$name")
  lab_netns_add "$ns" "$LAB_NETNS_LIST"     # recorded first: a half-made lab is still torn down
  ip -n "$LAB_HUB_NS" link add "p$idx" type veth peer name eth0 netns "$ns"
  ip -n "$LAB_HUB_NS" addr add "10.250.$idx.1/24" dev "p$idx"
  ip -n "$LAB_HUB_NS" link set "p$idx" up
  ip -n "$ns" addr add "10.250.$idx.2/24" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" route add default via "10.250.$idx.1"
}

# Start the node's init (lab.d/node-init.sh) and wait until it has pivoted into the node's root.
node_start_init() {
  local name=$1 dir ns pid i
  dir=$(node_dir "$name")
  ns=$(node_netns "$name")
  rm -f "$dir/init.ready" "$dir/init.pid"
  setsid nsenter --net="/run/netns/$ns" -- unshare --mount --uts --ipc --pid --fork --kill-child \
    --propagation private -- bash "$LAB_LIB/node-init.sh" "$name" "$dir" </dev/null >"$dir/init.log" 2>&1 &
  pid=$!
  write_pid_file "$dir/unshare.pid" "$pid"
  for ((i = 0; i < 200; i++)); do
    [[ $(cat "$dir/init.ready" 2>/dev/null) == ready ]] && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  echo "init of $name did not come up:" >&2
  cat "$dir/init.log" >&2
  return 1
}

# Users, keys, sudoers inside the node; remembers the keeper checksums it prints.
node_setup() {
  local name=$1 dir
  dir=$(node_dir "$name")
  node_exec "$name" LAB_NODE="$name" LAB_AUTHORIZED_KEY="$(cat "${LAB_CLIENT_KEY:-$LAB_DIR/id_ed25519}.pub")" \
    LAB_PASSWORD="$NODESCRUB_LAB_SUDO_PASSWORD" bash -c "$(cat "$LAB_LIB/node-setup.sh")" >"$dir/expect/sums"
}

# The node's sshd: a socat listener on 127.0.0.1:PORT in the root namespace; per connection it
# execs (nofork: the accepted TCP socket becomes sshd's stdin/stdout) nsenter into every namespace
# of the node, then `sshd -i`. sshd thus sees a real TCP peer (SSH_CONNECTION = "127.0.0.1 <port>
# 127.0.0.1 <PORT>") while the session's processes live in the node. sshd logs to ssh.log.
node_start_ssh() {
  local name=$1 port=$2 dir pid i
  dir=$(node_dir "$name")
  pid=$(node_init_pid "$name")
  if ss -Hltn "sport = :$port" | grep -q .; then
    echo "port 127.0.0.1:$port is already in use (set NODESCRUB_LAB_PORT_BASE)" >&2
    return 1
  fi
  start_daemon "$dir/socat.pid" "$dir/ssh.log" socat TCP-LISTEN:"$port",bind=127.0.0.1,fork,reuseaddr,backlog=512 \
    EXEC:"nsenter -t $pid -m -u -i -n -p -r -w /usr/sbin/sshd -i -e -f /etc/ssh/sshd_config",nofork
  for ((i = 0; i < 100; i++)); do
    if [[ $(timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port && head -c 4 <&3" 2>/dev/null) == SSH- ]]; then
      return 0
    fi
    sleep 0.1
  done
  echo "sshd of $name does not answer on 127.0.0.1:$port" >&2
  return 1
}

# The host pid of the process that is NSPID inside the node (for pid files).
node_host_pid() {
  local name=$1 nspid=$2 init want s p
  init=$(node_init_pid "$name") || return 1
  want=$(readlink "/proc/$init/ns/pid")
  for s in /proc/[0-9]*/status; do
    p=${s#/proc/}; p=${p%/status}
    [[ $(readlink "/proc/$p/ns/pid" 2>/dev/null) == "$want" ]] || continue
    if [[ $(awk '/^NSpid:/ { print $NF }' "$s" 2>/dev/null) == "$nspid" ]]; then echo "$p"; return 0; fi
  done
  return 1
}

# The node's own dockerd (config: /etc/docker/daemon.json in the node), re-parented to the node's init.
node_start_dockerd() {
  local name=$1 dir i nspid
  dir=$(node_dir "$name")
  node_exec "$name" setsid -f /usr/sbin/dockerd --config-file /etc/docker/daemon.json \
    </dev/null >>"$dir/dockerd.log" 2>&1
  for ((i = 0; i < 300; i++)); do
    if node_exec "$name" /usr/bin/docker version >/dev/null 2>&1; then
      nspid=$(node_exec "$name" cat /run/docker.pid)
      write_pid_file "$dir/dockerd.pid" "$(node_host_pid "$name" "$nspid")"
      return 0
    fi
    sleep 0.2
  done
  echo "dockerd of $name did not answer within 60s:" >&2
  tail -n 20 "$dir/dockerd.log" >&2
  return 1
}

# Fault "docker-down": docker installed, /var/lib/docker present, but no daemon: a stale socket
# (a unix socket file nobody listens on: connect() is refused).
node_make_docker_down() {
  node_exec "$1" bash -c 'mkdir -p /var/lib/docker/containers /var/lib/docker/image/vfs /var/lib/docker/volumes /var/lib/docker/vfs
    timeout -s KILL 0.5 socat UNIX-LISTEN:/run/docker.sock,unlink-close=0 /dev/null || true
    test -S /run/docker.sock'
}

# Everything for one node; run in parallel for all nodes by `up` (its output goes to up.log).
node_create() {
  local name=$1 idx port fault
  idx=$(node_field "$name" 3)
  port=$(node_field "$name" 4)
  fault=$(node_field "$name" 8)
  echo "== upper dir"; node_prepare_upper "$name" "$fault"
  if is_containerd_kind "$(node_field "$name" 2)"; then node_prepare_containerd_upper "$name"; fi
  echo "== netns"; node_create_netns "$name" "$idx"
  echo "== init"; node_start_init "$name"
  echo "== users"; node_setup "$name"
  echo "== sshd on 127.0.0.1:$port"; node_start_ssh "$name" "$port"
  if is_containerd_kind "$(node_field "$name" 2)"; then
    return 0   # no dockerd: the seed starts the cluster containerd (lab.d/seed-containerd.sh)
  fi
  echo "== docker"
  if [[ $fault == docker-down ]]; then node_make_docker_down "$name"; else node_start_dockerd "$name"; fi
}

# Stop every process of a node (by recorded pid only) and remove its leftover cgroups. The node's
# mounts live only in its own mount namespace: they go when its last process does.
node_destroy() {
  local name=$1 dir i d
  dir=$(node_dir "$name")
  kill_pid_file "$dir/socat.pid" TERM || say "could not stop the ssh listener of $name"
  kill_pid_file "$dir/door-relay.pid" TERM || say "could not stop the door relay of $name"
  kill_pid_file "$dir/door-sshd.pid" TERM || say "could not stop the door listener of $name"
  # SIGKILL to the pid namespace's init: the kernel kills every process in the namespace with it.
  kill_pid_file "$dir/init.pid" KILL || say "could not stop the init of $name"
  kill_pid_file "$dir/unshare.pid" TERM || say "could not stop the unshare of $name"
  kill_pid_file "$dir/dockerd.pid" KILL || true
  # Docker's cgroups (cgroupfs driver) outlive killed containers: remove them, deepest first.
  for ((i = 0; i < 30; i++)); do
    local left=0
    for d in /sys/fs/cgroup/*/"$LAB_CGROUP-$name" /sys/fs/cgroup/unified/"$LAB_CGROUP-$name"; do
      [[ -d $d ]] || continue
      find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || left=1
      [[ -d $d ]] && left=1
    done
    ((left)) || return 0
    sleep 0.2
  done
  say "cgroups of $name could not be removed"
  return 1
}
