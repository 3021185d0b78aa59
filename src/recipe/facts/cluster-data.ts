// The cluster-data paths below the 16 (etcd under rke2/k3s, snapshots, local-path volumes): what
// each is and its size, bounded like the directories' du. /var/lib/etcd, one of the 16, is measured
// by the directories fact already.
import { CLEANUP_DIRECTORIES, CLUSTER_DATA } from '../catalogue.js';
import { shellQuote } from '../quote.js';
import { bodyLines, parseFail, type FactDefinition } from '../probe/section.js';
import { EMPTY_PROBE, parseEmpty, PATH_TYPES } from './path-shape.js';
import type { PathType } from './path-shape.js';

/** One cluster-data path below the 16 (catalogue CLUSTER_DATA), measured like a directory. */
export interface DataPathEntry {
  path: string;
  type: PathType;
  /** `du -skx` in KiB; null when not measured or when du did not finish in time. */
  sizeKiB: number | null;
  /** No entry but `lost+found`; null when not a readable directory. */
  empty: boolean | null;
}

export interface ClusterDataFacts {
  /** The CLUSTER_DATA paths not among the 16 (those are in DirectoryFacts), in catalogue order. */
  entries: DataPathEntry[];
}

/** The CLUSTER_DATA paths this fact probes, in catalogue order. */
export const PROBED_DATA_PATHS: readonly string[] = CLUSTER_DATA.map((d) => d.path).filter(
  (path) => !(CLEANUP_DIRECTORIES as readonly string[]).includes(path),
);

function parseEntry(line: string, lineNo: number): DataPathEntry {
  const expected = PROBED_DATA_PATHS[lineNo - 1];
  const fields = line.split(' ');
  const [tag, path, type, size, empty] = fields;
  if (fields.length !== 5 || tag !== 'data' || path !== expected) {
    return parseFail('cluster-data', `expected the entry for ${expected}, got ${JSON.stringify(line.slice(0, 80))}`, lineNo);
  }
  if (!(PATH_TYPES as readonly string[]).includes(type)) parseFail('cluster-data', `unknown type ${JSON.stringify(type)}`, lineNo);
  if (!/^(?:\d{1,15}|-)$/.test(size)) parseFail('cluster-data', `bad size ${JSON.stringify(size.slice(0, 40))}`, lineNo);
  return { path, type: type as PathType, sizeKiB: size === '-' ? null : Number(size), empty: parseEmpty('cluster-data', empty, lineNo) };
}

export const clusterDataFact: FactDefinition<ClusterDataFacts> = {
  sections: [
    {
      id: 'cluster-data',
      script: `for p in ${PROBED_DATA_PATHS.map(shellQuote).join(' ')}; do
  if [ -L "$p" ]; then t=symlink; elif [ -d "$p" ]; then t=directory; elif [ -f "$p" ]; then t=file
  elif [ -e "$p" ]; then t=other; else t=absent; fi
  s=-
  if [ "$t" = directory ] || [ "$t" = file ]; then s=$(__ns_t 5 du -skx "$p" 2>/dev/null); s=\${s%%[!0-9]*}; [ -n "$s" ] || s=-; fi
  ${EMPTY_PROBE}
  printf 'data %s %s %s %s\\n' "$p" "$t" "$s" "$e"
done`,
    },
  ],
  parse(read) {
    const lines = bodyLines(read.get('cluster-data').stdout);
    if (lines.length !== PROBED_DATA_PATHS.length) parseFail('cluster-data', `expected ${PROBED_DATA_PATHS.length} entries, got ${lines.length}`);
    return { entries: lines.map((line, i) => parseEntry(line, i + 1)) };
  },
};
