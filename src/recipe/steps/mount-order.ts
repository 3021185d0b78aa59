// The order mounts must be unmounted in: every mount before the mount it sits on.
import type { Mount } from '../facts/mounts.js';

/**
 * Post-order over the mount tree (parent ids), siblings in reverse mountinfo order. This covers
 * nesting (/var/lib/kubelet/pods/x before /var/lib/kubelet), stacking (the upper of two mounts on
 * one point first: its parent is the lower one) and shadowing (a later mount over /var/lib/kubelet
 * hides an earlier one below it: the later sibling goes first, revealing the earlier). Plain
 * "deepest path first" gets shadowing wrong.
 */
export function unmountOrder(selected: readonly Mount[], all: readonly Mount[]): Mount[] {
  const wanted = new Set(selected.map((m) => m.id));
  const position = new Map(all.map((m, i) => [m.id, i]));
  const children = new Map<number, Mount[]>();
  const roots: Mount[] = [];
  for (const mount of selected) {
    if (mount.parentId !== mount.id && wanted.has(mount.parentId)) {
      const list = children.get(mount.parentId) ?? [];
      list.push(mount);
      children.set(mount.parentId, list);
    } else {
      roots.push(mount);
    }
  }
  const byReversePosition = (a: Mount, b: Mount) => (position.get(b.id) ?? 0) - (position.get(a.id) ?? 0);
  const order: Mount[] = [];
  const visited = new Set<number>();
  const visit = (mount: Mount): void => {
    if (visited.has(mount.id)) return;
    visited.add(mount.id);
    for (const child of [...(children.get(mount.id) ?? [])].sort(byReversePosition)) visit(child);
    order.push(mount);
  };
  for (const root of [...roots].sort(byReversePosition)) visit(root);
  // Parent ids never loop on a real host; if they did, nothing may be dropped silently.
  for (const mount of [...selected].sort(byReversePosition)) visit(mount);
  return order;
}
