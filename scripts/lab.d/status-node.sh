#!/usr/bin/env bash
# Runs INSIDE one lab node, as root (scripts/lab status pipes it through `bash -c`): counts what is
# left of every leftover category and checks every keeper, independently of nodescrub. Prints one
# JSON object {leftovers:{…}, keepers:{…}, dockerd:bool}. Read-only.
# Env: LAB_NODE, LAB_K8S_DIRS, LAB_IFACE_RE, LAB_CHAIN_RE, LAB_DECOY_IFACES, LAB_DECOY_CHAINS,
#      LAB_ETH0 (address/prefix), LAB_EXPECT_SUMS (sha256sum lines of users, sudoers, sshd files:
#      "<sha>  <path>" tagged by a leading "users:", "sudoers:" or "sshd:"), LAB_EXPECT_MYDATA.
set -uo pipefail   # no -e: a probe that fails is reported as a count of -1 / a false keeper
DOCKER=/usr/bin/docker
read -r -a K8S_DIRS <<<"$LAB_K8S_DIRS"
read -r -a DECOY_IFACES <<<"$LAB_DECOY_IFACES"
read -r -a DECOY_CHAINS <<<"$LAB_DECOY_CHAINS"
bool() { if "$@" >/dev/null 2>&1; then echo true; else echo false; fi; }

# ---------------------------------------------------------------------------------------- docker
dockerd=false containers=null volumes=null images=null
if timeout 10 $DOCKER version >/dev/null 2>&1; then
  dockerd=true
  containers=$(timeout 10 $DOCKER ps -aq | grep -c .)
  volumes=$(timeout 10 $DOCKER volume ls -q | grep -c .)
  images=$(timeout 10 $DOCKER images -q | sort -u | grep -c .)   # distinct image ids
fi

# ------------------------------------------------------------------------- dedicated filesystems
# One of the 16 directories listed in /etc/fstab is a dedicated filesystem: a cleanup keeps it
# mounted and empties it (lost+found may stay). Its lowest mount and its empty directory are no
# leftovers; anything stacked on it or left in it is.
# (The shell's printf -v decodes and [[ ]] matches: no process per line, status runs after every test.)
dedicated=$(awk '!/^[[:space:]]*(#|$)/ {print $2}' /etc/fstab 2>/dev/null | while read -r f; do
  printf -v f '%b' "${f//\\/\\0}"; [[ $f == / ]] || f=${f%/}; printf '%s\n' "$f"; done)
is_dedicated() { [[ " ${K8S_DIRS[*]} " == *" $1 "* && -n $dedicated && $'\n'$dedicated$'\n' == *$'\n'"$1"$'\n'* ]]; }
is_empty_dir() { [[ -d $1 && -z $(ls -A "$1" 2>/dev/null | grep -vx 'lost+found') ]]; }

# ---------------------------------------------------------------------------------------- mounts
mapfile -t prefixes < <(for d in "${K8S_DIRS[@]}"; do printf '%s\n' "$d" "$(realpath -m "$d")"; done | sort -u)
mounts=0 kept=' '
while read -r _ _ _ _ m _; do
  printf -v m '%b' "${m//\\/\\0}"
  if is_dedicated "$m" && [[ $kept != *" $m "* ]]; then kept+="$m "; continue; fi
  for d in "${prefixes[@]}"; do
    if [[ $m == "$d" || $m == "$d"/* ]]; then mounts=$((mounts + 1)); break; fi
  done
done </proc/self/mountinfo

# ----------------------------------------------------------------------------------- directories
directories=0
for d in "${K8S_DIRS[@]}"; do
  if is_dedicated "$d" && mountpoint -q "$d" && is_empty_dir "$d"; then continue; fi
  [[ -e $d || -L $d ]] && directories=$((directories + 1))
done

# ------------------------------------------------------------------------------------ interfaces
links=$(ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//')
interfaces=$(grep -Ec "$LAB_IFACE_RE" <<<"$links")
decoy_ifaces=true
for i in "${DECOY_IFACES[@]}"; do grep -qxF "$i" <<<"$links" || decoy_ifaces=false; done
eth0=$(bool sh -c "ip -o -4 addr show dev eth0 | grep -qF ' $LAB_ETH0 ' && ip -o link show dev eth0 | grep -q 'state UP'")

# -------------------------------------------------------------------------------------- iptables
# One "family table line" stream from both families' iptables-save, with the table on every line.
save() {
  local v
  for v in 4 6; do
    if [[ $v == 4 ]]; then timeout 10 /usr/sbin/iptables-save; else timeout 10 /usr/sbin/ip6tables-save; fi |
      awk -v v="$v" '/^\*/ { t = substr($0, 2) } /^[:-]/ { print v, t, $0 }'
  done
}
rules=$(save)
# Leftover chains: user chains named cali-… or KUBE-…; leftover rules: rules inside such a chain
# or jumping/going to one from any other chain (built-in chains included).
iptables_chains=$(awk -v re="$LAB_CHAIN_RE" '$3 ~ /^:/ { c = substr($3, 2); if (c ~ re) n++ } END { print n + 0 }' <<<"$rules")
iptables_rules=$(awk -v re="$LAB_CHAIN_RE" '
  $3 == "-A" { hit = ($4 ~ re)
    for (i = 5; i < NF; i++) if (($i == "-j" || $i == "-g") && $(i + 1) ~ re) hit = 1
    if (hit) n++ }
  END { print n + 0 }' <<<"$rules")
has_rule() { grep -qxF -- "$1" <<<"$rules"; }
my_firewall=true
for v in 4 6; do
  has_rule "$v filter -A INPUT -j MY-FIREWALL" || my_firewall=false
  has_rule "$v filter -A MY-FIREWALL -p tcp -m tcp --dport 22 -j ACCEPT" || my_firewall=false
done
policies=true
for v in 4 6; do
  for p in "filter INPUT ACCEPT" "filter FORWARD DROP" "filter OUTPUT ACCEPT" "nat PREROUTING ACCEPT" \
    "nat INPUT ACCEPT" "nat OUTPUT ACCEPT" "nat POSTROUTING ACCEPT" "mangle PREROUTING ACCEPT" \
    "mangle INPUT ACCEPT" "mangle FORWARD ACCEPT" "mangle OUTPUT ACCEPT" "mangle POSTROUTING ACCEPT" \
    "raw PREROUTING ACCEPT" "raw OUTPUT ACCEPT"; do
    read -r t c pol <<<"$p"
    grep -qE "^$v $t :$c $pol \[" <<<"$rules" || policies=false
  done
done
decoy_chains=true
for v in 4 6; do
  for tc in "${DECOY_CHAINS[@]}"; do
    grep -qE "^$v ${tc%%:*} :${tc#*:} - " <<<"$rules" || decoy_chains=false
    grep -qE "^$v ${tc%%:*} -A ${tc#*:} " <<<"$rules" || decoy_chains=false
  done
done

# --------------------------------------------------------------------------------- file keepers
sums_ok() {  # TAG: every "TAG:<sha>  <path>" line of LAB_EXPECT_SUMS still matches
  local lines
  lines=$(grep "^$1:" <<<"$LAB_EXPECT_SUMS" | cut -d: -f2-)
  [[ -n $lines ]] && sha256sum -c --status <<<"$lines"
}
users=$(bool sums_ok users)
sudoers=$(bool sums_ok sudoers)
sshd_config=$(bool sums_ok sshd)
mydata=$(bool sh -c 'cd /var/lib/mydata && [ -n "$LAB_EXPECT_MYDATA" ] && printf "%s\n" "$LAB_EXPECT_MYDATA" | sha256sum -c --status')
hostname=$(bool test "$(cat /etc/hostname 2>/dev/null)" = "$LAB_NODE")
var_lib_docker=$(bool test -d /var/lib/docker -a -n "$(ls -A /var/lib/docker 2>/dev/null)")

jq -nc --argjson containers "$containers" --argjson volumes "$volumes" --argjson images "$images" \
  --argjson mounts "$mounts" --argjson directories "$directories" --argjson interfaces "$interfaces" \
  --argjson iptables_chains "$iptables_chains" --argjson iptables_rules "$iptables_rules" \
  --argjson eth0 "$eth0" --argjson my_firewall "$my_firewall" --argjson policies "$policies" \
  --argjson mydata "$mydata" --argjson hostname "$hostname" --argjson users "$users" \
  --argjson sudoers "$sudoers" --argjson sshd_config "$sshd_config" \
  --argjson var_lib_docker "$var_lib_docker" --argjson decoy_interfaces "$decoy_ifaces" \
  --argjson decoy_chains "$decoy_chains" --argjson dockerd "$dockerd" \
  '{dockerd:$dockerd,
    leftovers:{containers:$containers, volumes:$volumes, images:$images, mounts:$mounts,
      directories:$directories, interfaces:$interfaces, iptables_chains:$iptables_chains,
      iptables_rules:$iptables_rules},
    keepers:{eth0:$eth0, my_firewall:$my_firewall, policies:$policies, mydata:$mydata,
      hostname:$hostname, users:$users, sudoers:$sudoers, sshd_config:$sshd_config,
      var_lib_docker:$var_lib_docker, decoy_interfaces:$decoy_interfaces, decoy_chains:$decoy_chains}}'
