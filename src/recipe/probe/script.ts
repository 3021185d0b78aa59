// Assembles every fact's sections into ONE POSIX sh script: one remote exec gathers all facts.
// The script only reads (files under /proc and /sys, `ip`, `docker … ls`, `*tables-save`, `du`);
// every call that could hang on a dead daemon or network mount is bounded by a timeout.
import { markerPrefix, checkNonce } from './split.js';
import type { ProbeSection } from './section.js';

// Helpers every section may use: __ns_has NAME (command exists), __ns_t SECS CMD… (bounded when the
// host has a timeout command; GNU/new busybox `timeout S`, old busybox `timeout -t S`, else unbounded),
// $__ns_clock (`EPOCH YYYYMMDDTHHMMSSZ`, UTC: one `date` for every section that needs the time),
// $__ns_procs (`PID COMM` per process, see forEachProcess).
const PREAMBLE = `# nodescrub probe: read-only; sections are delimited by markers carrying a per-run nonce
LC_ALL=C; export LC_ALL
PATH="$PATH:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"; export PATH
__ns_has() { command -v "$1" >/dev/null 2>&1; }
if timeout 5 true >/dev/null 2>&1; then __ns_timeout=gnu; __ns_t() { timeout "$@"; }
elif timeout -t 5 true >/dev/null 2>&1; then __ns_timeout=busybox-t; __ns_t() { __ns_s=$1; shift; timeout -t "$__ns_s" "$@"; }
else __ns_timeout=none; __ns_t() { shift; "$@"; }; fi
__ns_clock=$(date -u '+%s %Y%m%dT%H%M%SZ')
__ns_procs=$(for d in /proc/[0-9]*; do IFS= read -r c 2>/dev/null <"$d/comm" && printf '%s %s\\n' "\${d#/proc/}" "$c"; done)`;

/**
 * A loop over the processes the preamble listed once for every section (\`$p\` pid, \`$c\` comm),
 * keeping those whose comm matches \`pattern\` (a sh case pattern): one walk of /proc per probe, by
 * the shell's read, however many sections look for processes.
 */
export function forEachProcess(pattern: string, body: string): string {
  return `while read -r p c; do
  case $c in ${pattern}) ;; *) continue ;; esac
${body}
done <<__NS_PROCS
$__ns_procs
__NS_PROCS`;
}

// Runs one section. Its stdout and stderr go straight to the exec's two streams, each framed by the
// same begin/end markers, so the client splits both by section: no command substitution to capture
// stderr, hence no fork per section. An `inline` section runs in this shell (a function call); any
// other in a subshell of its own, where `exit`, `set` and its variables stay. The newline before each
// end marker lets output without a final newline end cleanly; the parser strips it.
function runner(prefix: string): string {
  return `__ns_begin() { printf '%sbegin:%s\\n' '${prefix}' "$1"; printf '%sbegin:%s\\n' '${prefix}' "$1" >&2; }
__ns_end() { printf '\\n%send:%s:%s\\n' '${prefix}' "$1" "$2"; printf '\\n%send:%s:%s\\n' '${prefix}' "$1" "$2" >&2; }
__ns_run() { __ns_begin "$1"; "$2" </dev/null; __ns_rc=$?; __ns_end "$1" "$__ns_rc"; }
__ns_run_apart() { __ns_begin "$1"; ( "$2" ) </dev/null; __ns_rc=$?; __ns_end "$1" "$__ns_rc"; }
__ns_skip() { __ns_begin "$1"; __ns_end "$1" skipped; }`;
}

function functionName(id: string): string {
  return `__ns_s_${id.replace(/-/g, '_')}`;
}

/** The shell for one section: its function, then the call (conditional when it has `runIf`). */
function renderSection(section: ProbeSection): string {
  const name = functionName(section.id);
  const run = `${section.inline ? '__ns_run' : '__ns_run_apart'} ${section.id} ${name}`;
  const call = section.runIf ? `if ${section.runIf}; then ${run}; else __ns_skip ${section.id}; fi` : run;
  const lines = [`${name}() {`, section.script.trim(), '}', ...(section.before ? [section.before] : []), call];
  if (section.after) lines.push(section.after);
  return lines.join('\n');
}

export interface ProbeScriptOptions {
  /**
   * What the client reads itself beside the script (`docker-api`: the docker listings through the
   * Engine API), so the sections concerned leave it to the client (they test `$__ns_offers`).
   */
  offers?: readonly string[];
}

/** ONE script gathering all facts; markers contain `nonce` so remote text cannot forge them. */
export function renderProbeScript(nonce: string, sections: readonly ProbeSection[], options: ProbeScriptOptions = {}): string {
  checkNonce(nonce);
  const offers = options.offers ?? [];
  if (!offers.every((word) => /^[a-z][a-z-]*$/.test(word))) throw new Error(`probe offers must be plain words: ${offers.join(' ')}`);
  return [PREAMBLE, `__ns_offers='${offers.join(' ')}'`, runner(markerPrefix(nonce)), ...sections.map(renderSection)].join('\n') + '\n';
}
