#!/usr/bin/env bash
# Runs INSIDE an rke2, k3s or kubeadm lab node, as root (scripts/lab status pipes containerd-kind.sh + this
# through `bash -c`): the oracle for the containerd node kinds, independent of nodescrub. Read-only.
# Prints {leftovers:{…}, keepers:{…}, dockerd:false, info:{…}} (info is reported, never judged).
# clean (every leftover 0): no containerd-shim with `-namespace k8s.io`, no process of a k8s.io task, no cluster containerd (the one
# with /run/k3s/containerd), no mount at/under /run/k3s, /run/netns/cni-*, the data dir or
# /var/lib/kubelet, no cni-* netns, the cluster unit neither active nor enabled, /etc/rancher/<kind>,
# /etc/rancher/node and the data dir gone. kubeadm: no k8s.io container or image left in the system
# containerd (k8s_content; that containerd, its `moby` task and image are keepers), CLUSTER_DIRS gone.
# Env: LAB_NODE, LAB_KIND, LAB_ETH0, LAB_EXPECT_SUMS (as status-node.sh).
set -uo pipefail
bool() { if "$@" >/dev/null 2>&1; then echo true; else echo false; fi; }
count() { grep -c . || true; }
alive() { local s; s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1; s=${s##*) }; [[ ${s%% *} != Z ]]; }
unit_file_present() { local d; for d in /etc/systemd/system /usr/local/lib/systemd/system /lib/systemd/system; do [[ -f $d/$1 ]] && return 0; done; return 1; }
unit_enabled() { compgen -G "/etc/systemd/system/*.wants/$1" >/dev/null; }
unit_active() { local p; read -r p _ 2>/dev/null <"$LAB_SYSTEMD_STATE/$1.pid" && alive "$p"; }

# ------------------------------------------------------------------------------------ leftovers
shims=$(shim_pids | count)
cluster_containerd=$(cluster_containerd_pids | count)
# Pod processes: what runs inside the k8s.io tasks (the seed puts each in cgroup <node>/k8s.io-<id>);
# they outlive a shim killed alone, so a cleanup must kill the shims' process trees.
pod_processes=$(grep -l ':/[^:]*/k8s\.io-[0-9a-f]*$' /proc/[0-9]*/cgroup 2>/dev/null | count)
mounts=$(mounts_under "${CLUSTER_MOUNT_ROOTS[@]}" '/run/netns/cni-*' | count)
cni_netns=$(compgen -G '/run/netns/cni-*' | count)
units=0
unit_active "$UNIT" && units=$((units + 1))
unit_enabled "$UNIT" && units=$((units + 1))
k8s_content=$(k8s_content_count)
# Network leftovers (issue 17): the seeded links (plus any lxc<12 hex> endpoint and cni0's foreign
# port podnic7), chains, rules in kept chains by their comment, nft tables, CNI state dirs.
links=$(ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//')
has_link() { grep -qxF -- "$1" <<<"$links"; }
net_links=0
for l in "${NET_LINKS[@]}"; do has_link "$l" && net_links=$((net_links + 1)); done
net_links=$((net_links + $(grep -Ec '^(lxc[0-9a-f]{12}|podnic7)$' <<<"$links" || true)))
saved=$(for t in filter nat mangle raw; do iptables-save -t "$t" 2>/dev/null; done)
has_chain() { grep -qxF -- ":$1" <<<"$(awk '/^:/ {print $1}' <<<"$saved")"; }
net_chains=0
for c in "${NET_CHAINS[@]}"; do has_chain "${c#*:}" && net_chains=$((net_chains + 1)); done
has_comment() { grep -qF -- "--comment \"$1\"" <<<"$saved" || grep -qF -- "--comment $1 " <<<"$saved"; }
net_rules=0
for c in "${NET_RULE_COMMENTS[@]}"; do has_comment "$c" && net_rules=$((net_rules + 1)); done
tables=$(nft list tables 2>/dev/null | sed 's/^table //')
nft_tables=0
for t in "${NFT_GONE[@]}"; do grep -qxF -- "$t" <<<"$tables" && nft_tables=$((nft_tables + 1)); done
cni_state=0
for d in "${CNI_STATE_GONE[@]}"; do [[ -e $d || -L $d ]] && cni_state=$((cni_state + 1)); done
directories=0
for d in "${CLUSTER_DIRS[@]}"; do [[ -e $d || -L $d ]] && directories=$((directories + 1)); done

# -------------------------------------------------------------------------------------- keepers
binaries=true
for b in "${STANDINS[@]}"; do [[ -x $b ]] || binaries=false; done
unit_files=$(bool unit_file_present "$UNIT")
[[ $LAB_KIND == kubeadm ]] && unit_files=$(bool test -f "$UNIT_DIR/$UNIT" -a -f "$UNIT_DIR/$UNIT.d/10-kubeadm.conf")
eth0=$(bool sh -c "ip -o -4 addr show dev eth0 | grep -qF ' $LAB_ETH0 ' && ip -o link show dev eth0 | grep -q 'state UP'")
hostname=$(bool test "$(cat /etc/hostname 2>/dev/null)" = "$LAB_NODE")
sums_ok() { local l; l=$(grep "^$1:" <<<"$LAB_EXPECT_SUMS" | cut -d: -f2-); [[ -n $l ]] && sha256sum -c --status <<<"$l"; }
users=$(bool sums_ok users)
sudoers=$(bool sums_ok sudoers)
sshd_config=$(bool sums_ok sshd)
all_of() {  # TEST ITEM...: true when TEST holds for every item (an empty list holds)
  local t=$1 i; shift
  for i in "$@"; do "$t" "$i" || return 1; done
}
exists() { [[ -e $1 ]]; }
nft_has() { grep -qxF -- "$1" <<<"$tables"; }
net_keepers=$(jq -nc \
  --argjson net_decoy_links "$(bool all_of has_link "${NET_DECOY_LINKS[@]}")" \
  --argjson net_decoy_chains "$(bool all_of has_chain $(printf '%s\n' "${NET_DECOY_CHAINS[@]}" | sed 's/^[a-z]*://'))" \
  --argjson net_decoy_rules "$(bool all_of has_comment "${NET_DECOY_COMMENTS[@]}")" \
  --argjson nft_keep "$(bool all_of nft_has "${NFT_KEEP[@]}")" \
  --argjson cni_state_keep "$(bool all_of exists "${CNI_STATE_KEEP[@]}")" \
  '{net_decoy_links:$net_decoy_links, net_decoy_chains:$net_decoy_chains, net_decoy_rules:$net_decoy_rules,
    nft_keep:$nft_keep, cni_state_keep:$cni_state_keep}')
common=$(jq -nc --argjson binaries "$binaries" --argjson unit_files "$unit_files" --argjson eth0 "$eth0" \
  --argjson hostname "$hostname" --argjson users "$users" --argjson sudoers "$sudoers" --argjson sshd_config "$sshd_config" \
  '{binaries:$binaries, unit_files:$unit_files, eth0:$eth0, hostname:$hostname, users:$users, sudoers:$sudoers, sshd_config:$sshd_config}')
if [[ $LAB_KIND == rke2 ]]; then
  keeper_task() {
    /usr/bin/ctr -a "$KEEPER_SOCK" -n "$KEEPER_NAMESPACE" tasks ls 2>/dev/null | awk -v t="$KEEPER_TASK" '$1 == t && $3 == "RUNNING"' | grep -q .
  }
  kind_keepers=$(jq -nc \
    --argjson system_containerd "$(bool /usr/bin/ctr -a "$KEEPER_SOCK" version)" \
    --argjson keeper_task "$(bool keeper_task)" \
    --argjson containerd_unit "$(bool unit_enabled containerd.service)" \
    --argjson backup_netns "$(bool test -e /run/netns/backup-cni-net)" \
    --argjson keep_bridge "$(bool sh -c 'ip -o link show vethkeep01 | grep -q "master cni0-keep" && ip -n backup-cni-net link show vethkeep02')" \
    --argjson backup_data "$(bool test -s /srv/rke2-backup/etcd-snapshot-lab.db)" \
    --argjson backup_config "$(bool test -s /etc/rancher/rke2-backup/config.yaml)" \
    '{system_containerd:$system_containerd, keeper_task:$keeper_task, containerd_unit:$containerd_unit,
      backup_netns:$backup_netns, keep_bridge:$keep_bridge, backup_data:$backup_data, backup_config:$backup_config}')
elif [[ $LAB_KIND == kubeadm ]]; then
  keeper_task() {
    /usr/bin/ctr -a "$KEEPER_SOCK" -n "$KEEPER_NAMESPACE" tasks ls 2>/dev/null | awk -v t="$KEEPER_TASK" '$1 == t && $3 == "RUNNING"' | grep -q .
  }
  keeper_image() { /usr/bin/ctr -a "$KEEPER_SOCK" -n "$KEEPER_NAMESPACE" images ls -q 2>/dev/null | grep -qxF "$LAB_IMAGE"; }
  kind_keepers=$(jq -nc \
    --argjson system_containerd "$(bool /usr/bin/ctr -a "$KEEPER_SOCK" version)" \
    --argjson keeper_task "$(bool keeper_task)" \
    --argjson keeper_image "$(bool keeper_image)" \
    --argjson keeper_rootfs "$(bool mountpoint -q "$KEEPER_STATE/io.containerd.runtime.v2.task/$KEEPER_NAMESPACE/$KEEPER_TASK/rootfs")" \
    --argjson containerd_unit "$(bool unit_enabled containerd.service)" \
    --argjson containerd_config "$(bool test -s "$KEEPER_CONFIG")" \
    --argjson backup_data "$(bool test -s /srv/kubeadm-backup/etcd-snapshot-lab.db)" \
    --argjson backup_config "$(bool test -s /etc/kubernetes-backup/admin.conf)" \
    '{system_containerd:$system_containerd, keeper_task:$keeper_task, keeper_image:$keeper_image, keeper_rootfs:$keeper_rootfs,
      containerd_unit:$containerd_unit, containerd_config:$containerd_config, backup_data:$backup_data, backup_config:$backup_config}')
else
  kind_keepers=$(jq -nc \
    --argjson notes_unit "$(bool unit_enabled k3s-notes.service)" \
    --argjson notes_tmpfs "$(bool mountpoint -q /run/k3s-notes)" \
    --argjson backup_data "$(bool test -s /srv/k3s-backup/k3s-snapshot-lab.db)" \
    --argjson backup_config "$(bool test -s /etc/rancher/k3s-backup/config.yaml)" \
    '{notes_unit:$notes_unit, notes_tmpfs:$notes_tmpfs, backup_data:$backup_data, backup_config:$backup_config}')
fi

# ----------------------------------------------------------------------- info (never judged)
interfaces=$(ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | grep -Ec '^(cni0|flannel\.1|veth[0-9a-f]{8})$' || true)
unit_state=$( if unit_active "$UNIT"; then echo active; elif [[ -e $LAB_SYSTEMD_STATE/$UNIT.pid ]]; then echo failed; else echo inactive; fi )

jq -nc --argjson shims "$shims" --argjson pod_processes "$pod_processes" --argjson cluster_containerd "$cluster_containerd" --argjson mounts "$mounts" \
  --argjson cni_netns "$cni_netns" --argjson units "$units" --argjson directories "$directories" --argjson k8s_content "$k8s_content" \
  --argjson net_links "$net_links" --argjson net_chains "$net_chains" --argjson net_rules "$net_rules" \
  --argjson nft_tables "$nft_tables" --argjson cni_state "$cni_state" --argjson net "$net_keepers" \
  --argjson common "$common" --argjson kind "$kind_keepers" --argjson interfaces "$interfaces" \
  --arg unit "$UNIT" --arg unit_state "$unit_state" --arg unit_enabled "$(unit_enabled "$UNIT" && echo enabled || echo disabled)" \
  '{dockerd:false,
    leftovers:{shims:$shims, pod_processes:$pod_processes, cluster_containerd:$cluster_containerd, mounts:$mounts, cni_netns:$cni_netns,
      units:$units, directories:$directories, k8s_content:$k8s_content,
      net_links:$net_links, net_chains:$net_chains, net_rules:$net_rules, nft_tables:$nft_tables, cni_state:$cni_state},
    keepers:($common + $kind + $net),
    info:{unit:$unit, active:$unit_state, enabled:$unit_enabled, interfaces:$interfaces}}'
