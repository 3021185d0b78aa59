// The one shell snippet that reads an RKE2/K3s `data-dir:` (the probe's containerd and cluster-data
// facts and the live-node guard).

/**
 * sh: with `$c` a config.yaml path, sets `$v` to the `data-dir:` in effect, empty when none is set.
 * RKE2 and K3s read config.yaml, then config.yaml.d/*.yaml in lexical order, a later file's scalar
 * replacing an earlier one's: so the last file that sets it wins. Each value is a plain one-line
 * top-level scalar (quotes and a trailing comment stripped). Neither file needs to exist.
 */
export const READ_DATA_DIR = `v=; for f in "$c" "$c".d/*.yaml; do [ -f "$f" ] || continue
    w=$(sed -n 's/^data-dir[[:space:]]*:[[:space:]]*//p' "$f" 2>/dev/null | sed -n 1p)
    w=\${w%%[[:space:]]#*}; w=\${w%"\${w##*[![:space:]]}"}
    case $w in \\"*\\") w=\${w#\\"}; w=\${w%\\"} ;; \\'*\\') w=\${w#\\'}; w=\${w%\\'} ;; esac
    [ -n "$w" ] && v=$w; done`;
