// What a probed path is, shared by the directories and cluster-data facts: its type words and the
// shell that tells whether a directory is empty (builtins only: no process per path).
import { EMPTY_FILESYSTEM_ENTRY } from '../catalogue.js';
import { parseFail } from '../probe/section.js';

export type PathType = 'absent' | 'directory' | 'file' | 'symlink' | 'other';

export const PATH_TYPES: readonly PathType[] = ['absent', 'directory', 'file', 'symlink', 'other'];

/** Sets `$t` to the type word of `$p` (a symlink is a symlink, never followed); builtins only. */
export const PATH_TYPE_PROBE = `if [ -L "$p" ]; then t=symlink; elif [ -d "$p" ]; then t=directory; elif [ -f "$p" ]; then t=file
  elif [ -e "$p" ]; then t=other; else t=absent; fi`;

/** Needs `$p` (path) and `$t` (type word); sets `$e` to yes/no/-. `lost+found` alone counts as empty
 * (an emptied ext4 filesystem keeps it); an unreadable directory is `-` (unknown), never "empty". */
export const EMPTY_PROBE = `e=-
  if [ "$t" = directory ] && [ -r "$p" ] && [ -x "$p" ]; then e=yes
    for f in "$p"/* "$p"/.[!.]* "$p"/..?*; do
      if [ -e "$f" ] || [ -L "$f" ]; then [ "$f" = "$p/${EMPTY_FILESYSTEM_ENTRY}" ] || { e=no; break; }; fi
    done
  fi`;

/** Reads the `yes`/`no`/`-` word EMPTY_PROBE printed. */
export function parseEmpty(section: string, word: string, lineNo: number): boolean | null {
  if (word === 'yes') return true;
  if (word === 'no') return false;
  if (word === '-') return null;
  return parseFail(section, `bad emptiness ${JSON.stringify(word.slice(0, 40))}`, lineNo);
}
