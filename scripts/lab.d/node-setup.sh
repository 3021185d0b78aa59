#!/usr/bin/env bash
# Runs INSIDE a freshly started lab node, once, as root (scripts/lab up pipes it through `bash -c`).
# Everything here is written through the node's overlay, never to the real host: the login users,
# their keys, sudoers. Prints the sha256 lines of the keeper files (users:, sudoers:, sshd:) that
# `status` later checks.
# Env: LAB_NODE, LAB_AUTHORIZED_KEY (public key line), LAB_PASSWORD (opspw's password).
set -euo pipefail

# OpenSSH refuses even key logins for accounts whose password field starts with "!" (locked) when
# UsePAM is off: "*" means "no password, not locked".
usermod -p '*' root
install -d -m 700 /root/.ssh
printf '%s\n' "$LAB_AUTHORIZED_KEY" >/root/.ssh/authorized_keys
chmod 600 /root/.ssh/authorized_keys
# root's own, short startup files (the host's start pyenv, which stalls non-interactive logins)
printf '%s\n' '# lab node: deliberately minimal' 'PS1="\u@\h:\w\$ "' >/root/.bashrc
printf '%s\n' '[ -f ~/.bashrc ] && . ~/.bashrc' >/root/.profile

for u in ops opspw; do
  id "$u" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash --user-group "$u"
  install -d -m 700 -o "$u" -g "$u" "/home/$u/.ssh"
  printf '%s\n' "$LAB_AUTHORIZED_KEY" >"/home/$u/.ssh/authorized_keys"
  chown "$u:$u" "/home/$u/.ssh/authorized_keys"
  chmod 600 "/home/$u/.ssh/authorized_keys"
done
usermod -p '*' ops                                   # key only; sudo without a password
printf 'opspw:%s\n' "$LAB_PASSWORD" | chpasswd       # key or password login; sudo asks for it
install -m 440 /dev/stdin /etc/sudoers.d/lab-ops <<<'ops ALL=(ALL:ALL) NOPASSWD: ALL'
install -m 440 /dev/stdin /etc/sudoers.d/lab-opspw <<<'opspw ALL=(ALL:ALL) ALL'
visudo -c -q

{
  sha256sum /etc/passwd /etc/shadow /etc/group | sed 's/^/users:/'
  sha256sum /etc/sudoers /etc/sudoers.d/lab-ops /etc/sudoers.d/lab-opspw | sed 's/^/sudoers:/'
  sha256sum /etc/ssh/sshd_config /etc/ssh/ssh_host_ed25519_key /etc/ssh/ssh_host_ed25519_key.pub | sed 's/^/sshd:/'
}
