// systemd's path escaping (`systemd-escape --path`), by which a mount unit's name says where it
// mounts: /var/lib/etcd -> var-lib-etcd, /srv/my-data -> srv-my\x2ddata.
import { normalize } from 'node:path/posix';

/** The unit name prefix for a mount point (without `.mount`). */
export function systemdEscapePath(path: string): string {
  const trimmed = normalize(path).replace(/^\/+|\/+$/g, '');
  if (trimmed === '' || trimmed === '.') return '-';
  let escaped = '';
  new TextEncoder().encode(trimmed).forEach((byte, i) => {
    const char = String.fromCharCode(byte);
    if (char === '/') escaped += '-';
    else if (byte > 0x7f || !/[A-Za-z0-9:_.]/.test(char) || (i === 0 && char === '.')) escaped += `\\x${byte.toString(16).padStart(2, '0')}`;
    else escaped += char;
  });
  return escaped;
}

/** `/var/lib//etcd/` -> `/var/lib/etcd`: how fstab and Where= paths are compared with mount points. */
export function normalizeMountPath(path: string): string {
  if (!path.startsWith('/')) return path;
  const normal = normalize(path);
  return normal.length > 1 ? normal.replace(/\/+$/, '') : normal;
}
