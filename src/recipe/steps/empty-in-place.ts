// The command that empties a dedicated filesystem in place: everything in it goes, the mount and its
// mount point stay (so /etc/fstab and the next boot find what they expect), `lost+found` stays
// (an ext4 filesystem's own). Guarded like a removal: a mount left below it refuses.
import { EMPTY_FILESYSTEM_ENTRY } from '../catalogue.js';
import { encodeMountField } from '../facts/mounts.js';
import type { Facts } from '../probe/probe.js';
import { shellQuote } from '../quote.js';

export function emptyInPlaceCommand(path: string, facts: Facts): string {
  const q = shellQuote(path);
  const below = `grep -qF -e ${shellQuote(` ${encodeMountField(path)}/`)} /proc/self/mountinfo`;
  const refuse = `printf '%s\\n' ${shellQuote(`nodescrub: refusing to empty ${path}: a mount remains below it`)} >&2; false`;
  const rm = `rm -rf${facts.tools.rmOneFileSystem ? ' --one-file-system' : ''}`;
  const empty = `find ${q} -mindepth 1 -maxdepth 1 ! -name ${shellQuote(EMPTY_FILESYSTEM_ENTRY)} -exec ${rm} -- {} +`;
  const retry = facts.tools.chattr ? `${empty} || { chattr -R -i ${q} 2>/dev/null; ${empty}; }` : empty;
  return `if ${below}; then ${refuse}; else ${retry}; fi`;
}
