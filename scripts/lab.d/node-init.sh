#!/usr/bin/env bash
# PID 1 of one lab node. Started by `scripts/lab up` as
#   nsenter --net=/run/netns/NS unshare --mount --uts --ipc --pid --fork --kill-child bash node-init.sh NAME DIR
# so it already runs in the node's network namespace and in fresh mount/uts/ipc/pid namespaces.
# It builds the node's root (overlay over the real /), switches into it with pivot_root and then
# stays as the node's init: reaping orphans and never exiting on its own, so `kill -1` or a stray
# `pkill` run inside the node cannot end the node, and nothing inside can reach the real machine's
# processes. Killing this process (SIGKILL from outside) tears the whole node down.
set -euo pipefail
name=$1 dir=$2
R=$dir/root

# Our pid as the *host* sees it: /proc is still the host's here, and a redirect is opened by bash
# itself, so /proc/self is this very process. Recorded with its start time (see common.sh).
stat=$(</proc/self/stat)
read -r hostpid _ <<<"$stat"
stat=${stat##*) }
echo "$hostpid $(awk '{print $20}' <<<"$stat")" >"$dir/init.pid"
exec 9>"$dir/init.ready"   # we say "ready" on this fd once we can no longer see $dir

# Mounts made here stay in this mount namespace (unshare made everything private).
mount -t overlay overlay -o "lowerdir=/,upperdir=$dir/upper,workdir=$dir/work" "$R"
mount -t proc -o nosuid,nodev,noexec proc "$R/proc"          # this pid namespace's processes
mount -t sysfs -o nosuid,nodev,noexec sysfs "$R/sys"         # sysfs of *this* netns: ip, /sys/class/net
mount --rbind /sys/fs/cgroup "$R/sys/fs/cgroup"               # runc (docker) needs the cgroup hierarchies
# A minimal /dev: device nodes, a private devpts (ptys for ssh/sudo), shm.
mount -t tmpfs -o nosuid,mode=755,size=1m devtmp "$R/dev"
for d in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
  IFS=: read -r n ma mi <<<"$d"
  mknod -m 666 "$R/dev/$n" c "$ma" "$mi"
done
mkdir -p "$R/dev/pts" "$R/dev/shm" "$R/dev/mqueue"
mount -t devpts -o newinstance,ptmxmode=0666,mode=620,gid=5 devpts "$R/dev/pts"
ln -s pts/ptmx "$R/dev/ptmx"
mount -t tmpfs -o nosuid,nodev,mode=1777 shm "$R/dev/shm"
ln -s /proc/self/fd "$R/dev/fd"
ln -s /proc/self/fd/0 "$R/dev/stdin"; ln -s /proc/self/fd/1 "$R/dev/stdout"; ln -s /proc/self/fd/2 "$R/dev/stderr"
mount -t tmpfs -o nosuid,nodev,mode=755 run "$R/run"           # hides the host's /run (netns, docker…)
mkdir -p "$R/run/lock" "$R/run/sshd" && chmod 1777 "$R/run/lock"
mount -t tmpfs -o nosuid,nodev,mode=1777 tmp "$R/tmp"
hostname "$name"

# Switch root. The old root is detached so the node sees only its own mounts (findmnt inside the
# node lists what a real host would: /, /proc, /sys, /dev…, and later the seeded kubelet mounts).
cd "$R"
mkdir -p .lab-oldroot
pivot_root . .lab-oldroot
cd /
umount -l /.lab-oldroot
rmdir /.lab-oldroot

echo ready >&9
exec 9>&-
# The init loop. bash reaps every child it is given (orphans re-parented to pid 1 included);
# as pid 1 of a pid namespace it gets no signal from inside it that it does not handle.
exec -a lab-init /bin/bash -c 'while :; do sleep 3600 & wait $! || true; done' </dev/null >/dev/null 2>&1
