// The cluster-data paths below the 16 (etcd under rke2/k3s, snapshots, local-path volumes): what
// each is and its size, bounded like the directories' du. /var/lib/etcd, one of the 16, is measured
// by the directories fact already.
import { CLEANUP_DIRECTORIES, CLUSTER_DATA, CONTAINERD_DISTRIBUTIONS } from '../catalogue.js';
import { READ_DATA_DIR } from '../read-data-dir.js';
import { shellQuote } from '../quote.js';
import { bodyLines, parseFail, type FactDefinition } from '../probe/section.js';
import { EMPTY_PROBE, parseEmpty, PATH_TYPE_PROBE, PATH_TYPES } from './path-shape.js';
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

/** Cluster data below a custom RKE2/K3s data dir (`data-dir:`), which the fixed list cannot name. */
export interface CustomDataPathEntry extends DataPathEntry {
  /** What it is ("etcd member data (k3s, data-dir)"). */
  what: string;
}

export interface ClusterDataFacts {
  /** The CLUSTER_DATA paths not among the 16 (those are in DirectoryFacts), in catalogue order. */
  entries: DataPathEntry[];
  /** Below a custom data dir: <data-dir>/server/db and (K3s) <data-dir>/storage; absent when none. */
  custom?: CustomDataPathEntry[];
}

/** What lies below a data dir, by the distribution's own layout (as CLUSTER_DATA has it below the defaults). */
const DATA_DIR_CONTENT: Record<string, { sub: string; what: string }[]> = {
  rke2: [{ sub: 'server/db', what: 'etcd member data (RKE2, data-dir)' }],
  k3s: [
    { sub: 'server/db', what: 'datastore (K3s: etcd or sqlite; data-dir)' },
    { sub: 'storage', what: 'local-path volumes (K3s, data-dir)' },
  ],
};

/** Type, bounded `du` size and emptiness of `$p` into `$t`, `$s`, `$e`. */
const MEASURE = `${PATH_TYPE_PROBE}
  s=-
  if [ "$t" = directory ] || [ "$t" = file ]; then s=$(__ns_t 5 du -skx "$p" 2>/dev/null); s=\${s%%[!0-9]*}; [ -n "$s" ] || s=-; fi
  ${EMPTY_PROBE}`;

/** The CLUSTER_DATA paths this fact probes, in catalogue order. */
export const PROBED_DATA_PATHS: readonly string[] = CLUSTER_DATA.map((d) => d.path).filter(
  (path) => !(CLEANUP_DIRECTORIES as readonly string[]).includes(path),
);


// Per distribution whose config names a data-dir: each content path, its index in DATA_DIR_CONTENT, the path last.
const CUSTOM_SCRIPT = CONTAINERD_DISTRIBUTIONS.map(
  ({ name, config }) => `c=${shellQuote(config)}; ${READ_DATA_DIR}
if [ -n "$v" ]; then i=0; for sub in ${DATA_DIR_CONTENT[name].map((d) => shellQuote(d.sub)).join(' ')}; do p=$v/$sub
  ${MEASURE}
  printf 'custom %s %s %s %s %s %s\\n' ${name} "$i" "$t" "$s" "$e" "$p"; i=$((i + 1)); done
fi`,
).join('\n');

function parseCustom(line: string, lineNo: number): CustomDataPathEntry {
  const match = /^custom (rke2|k3s) (\d) ([a-z]+) (\d{1,15}|-) (yes|no|-) (\/.*)$/.exec(line);
  const what = match ? DATA_DIR_CONTENT[match[1]][Number(match[2])]?.what : undefined;
  if (!match || what === undefined || !(PATH_TYPES as readonly string[]).includes(match[3])) {
    return parseFail('cluster-data', `bad custom data line ${JSON.stringify(line.slice(0, 80))}`, lineNo);
  }
  return { path: match[6], type: match[3] as PathType, sizeKiB: match[4] === '-' ? null : Number(match[4]), empty: parseEmpty('cluster-data', match[5], lineNo), what };
}

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
      inline: true,
      script: `for p in ${PROBED_DATA_PATHS.map(shellQuote).join(' ')}; do
  ${MEASURE}
  printf 'data %s %s %s %s\\n' "$p" "$t" "$s" "$e"
done
${CUSTOM_SCRIPT}`,
    },
  ],
  parse(read) {
    const all = bodyLines(read.get('cluster-data').stdout);
    const lines = all.filter((line) => !line.startsWith('custom '));
    if (lines.length !== PROBED_DATA_PATHS.length) parseFail('cluster-data', `expected ${PROBED_DATA_PATHS.length} entries, got ${lines.length}`);
    const custom = all.flatMap((line, i) => (line.startsWith('custom ') ? [parseCustom(line, i + 1)] : []));
    return { entries: lines.map((line, i) => parseEntry(line, i + 1)), ...(custom.length > 0 ? { custom } : {}) };
  },
};
