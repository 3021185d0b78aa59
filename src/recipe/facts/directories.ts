// The catalogue's paths: what each is (a symlink is reported as a link, never followed), its size,
// whether it carries the immutable attribute, and its device:inode (to spot two names for one dir,
// e.g. /var/run/calico and /run/calico when /var/run -> /run), and whether it is empty (a dedicated
// filesystem emptied in place stays as an empty directory).
import { CLEANUP_DIRECTORIES } from '../catalogue.js';
import { shellQuote } from '../quote.js';
import { bodyLines, parseFail, type FactDefinition } from '../probe/section.js';
import { EMPTY_PROBE, parseEmpty, PATH_TYPE_PROBE, PATH_TYPES } from './path-shape.js';
import type { PathType } from './path-shape.js';

export interface DirectoryEntry {
  path: string;
  type: PathType;
  /** `du -skx` in KiB; null when not measured or when du did not finish in time. */
  sizeKiB: number | null;
  /** The immutable attribute on the path itself; null when unknown (no lsattr, unsupported fs). */
  immutable: boolean | null;
  /** `dev:inode` of the path itself (not followed): two paths naming one directory share it. */
  inode: string | null;
  /** A directory with no entry but `lost+found` (an emptied ext4 filesystem is empty); null when
   * not a directory or not readable. */
  empty: boolean | null;
}

export interface DirectoryFacts {
  /** One entry per catalogue path, in catalogue order. */
  entries: DirectoryEntry[];
}

function parseEntry(line: string, lineNo: number): DirectoryEntry {
  const expected = CLEANUP_DIRECTORIES[lineNo - 1];
  const fields = line.split(' ');
  const [tag, path, type, size, attrs, inode, empty] = fields;
  if (fields.length !== 7 || tag !== 'dir' || path !== expected) {
    return parseFail('directories', `expected the entry for ${expected}, got ${JSON.stringify(line.slice(0, 80))}`, lineNo);
  }
  if (!(PATH_TYPES as readonly string[]).includes(type)) parseFail('directories', `unknown type ${JSON.stringify(type)}`, lineNo);
  if (!/^(?:\d{1,15}|-)$/.test(size)) parseFail('directories', `bad size ${JSON.stringify(size.slice(0, 40))}`, lineNo);
  if (!/^(?:[A-Za-z-]{2,}|-)$/.test(attrs)) parseFail('directories', `bad attributes ${JSON.stringify(attrs.slice(0, 40))}`, lineNo);
  if (!/^(?:\d+:\d+|-)$/.test(inode)) parseFail('directories', `bad device:inode ${JSON.stringify(inode.slice(0, 40))}`, lineNo);
  return {
    path,
    type: type as PathType,
    sizeKiB: size === '-' ? null : Number(size),
    immutable: attrs === '-' ? null : attrs.includes('i'),
    inode: inode === '-' ? null : inode,
    empty: parseEmpty('directories', empty, lineNo),
  };
}

export const directoriesFact: FactDefinition<DirectoryFacts> = {
  sections: [
    {
      id: 'directories',
      inline: true,
      // One stat, one du and one lsattr over the paths that exist (not three processes per path, issue 20);
      // each result is looked up by its path with builtins. du is bounded as a whole (a huge tree must
      // not stall the probe: past it the sizes are unknown) and stays on one filesystem.
      script: `set --
for p in ${CLEANUP_DIRECTORIES.map(shellQuote).join(' ')}; do ${PATH_TYPE_PROBE}; [ "$t" = absent ] || set -- "$@" "$p"; done
ids=; sizes=; attrs=
if [ $# -gt 0 ]; then
  ids=$(stat -c '%d:%i %n' "$@" 2>/dev/null)
  sizes=$(__ns_t 10 du -skx "$@" 2>/dev/null)
  __ns_has lsattr && attrs=$(lsattr -d "$@" 2>/dev/null)
fi
# The first word of the line of $1 (text) that ends in a blank + $2 (path), or -.
__ns_word_for() { w=-; while IFS= read -r l; do case $l in *" $2" | *"	$2") w=\${l%%[ 	]*}; break ;; esac; done <<__NS_EOF
$1
__NS_EOF
}
for p in ${CLEANUP_DIRECTORIES.map(shellQuote).join(' ')}; do
  ${PATH_TYPE_PROBE}
  s=-; a=-; i=-
  if [ "$t" != absent ]; then __ns_word_for "$ids" "$p"; i=$w; fi
  if [ "$t" = directory ] || [ "$t" = file ]; then
    __ns_word_for "$sizes" "$p"; s=\${w%%[!0-9]*}; [ -n "$s" ] || s=-
    [ -n "$attrs" ] && { __ns_word_for "$attrs" "$p"; a=$w; }
  fi
  ${EMPTY_PROBE}
  printf 'dir %s %s %s %s %s %s\\n' "$p" "$t" "$s" "$a" "\${i:--}" "$e"
done`,
    },
  ],
  parse(read) {
    const output = read.get('directories');
    const lines = bodyLines(output.stdout);
    if (lines.length !== CLEANUP_DIRECTORIES.length) {
      parseFail('directories', `expected ${CLEANUP_DIRECTORIES.length} entries, got ${lines.length}`);
    }
    return { entries: lines.map((line, i) => parseEntry(line, i + 1)) };
  },
};
