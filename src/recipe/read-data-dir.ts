// The one shell snippet that reads an RKE2/K3s `data-dir:` (the probe's containerd fact and the live-node guard).

/**
 * sh: with `$c` a config.yaml, sets `$v` to its top-level `data-dir:` (a plain one-line scalar:
 * quotes and a trailing comment stripped), empty when there is none. Shared by the probe and the
 * live-node guard (which looks for `<data-dir>/agent/kubelet.kubeconfig`).
 */
export const READ_DATA_DIR = `v=$(sed -n 's/^data-dir[[:space:]]*:[[:space:]]*//p' "$c" 2>/dev/null | sed -n 1p)
    v=\${v%%[[:space:]]#*}; v=\${v%"\${v##*[![:space:]]}"}
    case $v in \\"*\\") v=\${v#\\"}; v=\${v%\\"} ;; \\'*\\') v=\${v#\\'}; v=\${v%\\'} ;; esac`;
