#!/bin/bash
# The lab's systemctl, installed as /usr/local/bin/systemctl on the containerd node kinds (rke2, k3s)
# only. A lab node has no systemd, so this stand-in keeps a unit's state in files, the way systemd
# shows it to a client:
#   enabled  <=> a symlink /etc/systemd/system/<target>.wants/UNIT exists (what `systemctl enable` makes)
#   active   <=> /run/lab-systemd/UNIT.pid names a live process (the unit's main process);
#   failed   <=> that file names a dead process (the main process died without a stop)
#   inactive <=> no such file (never started, or stopped)
# `stop` kills the MAIN process only, like rke2-server/k3s units with KillMode=process: containerd,
# its shims and the pods survive a stop, exactly the problem nodescrub has to handle.
# Verbs: is-active, is-enabled, is-failed, start (lab internal: needs LAB_MAIN_PID), stop, enable,
# disable (both with --now), daemon-reload, reset-failed, show -p ActiveState,UnitFileState,… [--] UNIT…
# (one block per unit, blank lines between, as systemctl prints them).
set -uo pipefail
STATE=/run/lab-systemd
UNIT_DIRS=(/etc/systemd/system /usr/local/lib/systemd/system /lib/systemd/system /usr/lib/systemd/system)

unit_name() { case $1 in *.service | *.target | *.socket | *.timer) echo "$1" ;; *) echo "$1.service" ;; esac; }
unit_file() { local d; for d in "${UNIT_DIRS[@]}"; do [[ -f $d/$1 ]] && { echo "$d/$1"; return 0; }; done; return 1; }
main_pid() { local p; read -r p _ 2>/dev/null <"$STATE/$1.pid" || return 1; echo "$p"; }
alive() {  # a live, non-zombie process
  local s; s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1; s=${s##*) }; [[ ${s%% *} != Z ]]
}
active_state() {
  local p
  if p=$(main_pid "$1"); then if alive "$p"; then echo active; else echo failed; fi; else echo inactive; fi
}
enabled_links() { compgen -G "/etc/systemd/system/*.wants/$1"; }
enabled_state() {
  if enabled_links "$1" >/dev/null; then echo enabled
  elif unit_file "$1" >/dev/null; then echo disabled
  else return 1; fi
}
wanted_by() {  # the [Install] WantedBy= target of the unit file (default multi-user.target)
  local t; t=$(sed -n 's/^WantedBy=[[:space:]]*\([^[:space:]]*\).*/\1/p' "$1" | head -n1); echo "${t:-multi-user.target}"
}
do_stop() {
  local p
  if p=$(main_pid "$1") && alive "$p"; then
    kill -TERM "$p" 2>/dev/null
    for _ in $(seq 50); do alive "$p" || break; sleep 0.1; done
    alive "$p" && kill -KILL "$p" 2>/dev/null
  fi
  rm -f "$STATE/$1.pid"
}
do_enable() {
  local f t
  f=$(unit_file "$1") || { echo "Failed to enable unit: Unit file $1 does not exist." >&2; return 1; }
  t=$(wanted_by "$f")
  mkdir -p "/etc/systemd/system/$t.wants"
  [[ -L /etc/systemd/system/$t.wants/$1 ]] || { ln -s "$f" "/etc/systemd/system/$t.wants/$1"; echo "Created symlink /etc/systemd/system/$t.wants/$1 → $f." >&2; }
}
do_disable() {
  local l
  unit_file "$1" >/dev/null || { echo "Failed to disable unit: Unit file $1 does not exist." >&2; return 1; }
  while read -r l; do [[ -n $l ]] && rm -f "$l" && echo "Removed \"$l\"." >&2; done < <(enabled_links "$1")
  return 0
}

now=0 quiet=0 verb='' props='' args=()
while (($#)); do
  case $1 in
    --now) now=1 ;;
    -q | --quiet) quiet=1 ;;
    --no-pager | --no-block | --no-ask-password | --system | --no-reload) ;;
    -p | --property) props=$2; shift ;;
    --property=*) props=${1#*=} ;;
    --) shift; for u in "$@"; do args+=("$(unit_name "$u")"); done; break ;;
    -*) echo "systemctl (lab stand-in): unsupported option $1" >&2; exit 1 ;;
    *) if [[ -z $verb ]]; then verb=$1; else args+=("$(unit_name "$1")"); fi ;;
  esac
  shift
done
out() { ((quiet)) || printf '%s\n' "$1"; }
mkdir -p "$STATE"
rc=0
case $verb in
  is-active)
    for u in "${args[@]}"; do s=$(active_state "$u"); out "$s"; [[ $s == active ]] || rc=3; done ;;
  is-failed)
    for u in "${args[@]}"; do s=$(active_state "$u"); out "$s"; [[ $s == failed ]] || rc=1; done ;;
  is-enabled)
    for u in "${args[@]}"; do
      if s=$(enabled_state "$u"); then out "$s"; [[ $s == enabled ]] || rc=1
      else echo "Failed to get unit file state for $u: No such file or directory" >&2; rc=1; fi
    done ;;
  start)
    for u in "${args[@]}"; do
      [[ -n ${LAB_MAIN_PID:-} ]] || { echo "systemctl (lab stand-in): start needs LAB_MAIN_PID (the lab starts units itself)" >&2; exit 1; }
      echo "$LAB_MAIN_PID" >"$STATE/$u.pid"
    done ;;
  stop) for u in "${args[@]}"; do do_stop "$u"; done ;;
  enable) for u in "${args[@]}"; do do_enable "$u" || rc=1; done ;;
  disable) for u in "${args[@]}"; do do_disable "$u" || rc=1; ((now)) && do_stop "$u"; done ;;
  reset-failed) for u in "${args[@]}"; do [[ $(active_state "$u") == failed ]] && rm -f "$STATE/$u.pid"; done ;;
  daemon-reload) ;;
  show)
    first=1
    for u in "${args[@]}"; do
      ((first)) || echo   # a blank line between units, as systemctl prints them
      first=0
      IFS=, read -r -a ps <<<"${props:-ActiveState,UnitFileState}"
      for p in "${ps[@]}"; do
        case $p in
          ActiveState) echo "ActiveState=$(active_state "$u")" ;;
          UnitFileState) echo "UnitFileState=$(enabled_state "$u" || true)" ;;
          MainPID) echo "MainPID=$( [[ $(active_state "$u") == active ]] && main_pid "$u" || echo 0)" ;;
          FragmentPath) echo "FragmentPath=$(unit_file "$u" || true)" ;;
        esac
      done
    done ;;
  *) echo "systemctl (lab stand-in): unsupported verb '${verb}'" >&2; exit 1 ;;
esac
exit $rc
