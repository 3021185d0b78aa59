// What keeps re-creating cluster state: systemd units and bare agent processes. (Their containers
// come from the docker fact.) Only the watched names are probed or printed, so no foreign text
// (arbitrary process names) ever reaches the parser.
import { WATCHED_PROCESSES, WATCHED_UNITS } from '../catalogue.js';
import { shellQuote } from '../quote.js';
import { forEachProcess } from '../probe/script.js';
import { bodyLines, parseFail, parseYesNo, type FactDefinition } from '../probe/section.js';

export interface UnitState {
  /** e.g. `kubelet.service`. */
  name: string;
  /** `systemctl is-active` word (`active`, `inactive`, `failed`, `activating`, …; `unknown` if none). */
  active: string;
  /** `systemctl is-enabled` word (`enabled`, `disabled`, `static`, …; `unknown` if none). */
  enabled: string;
}

export interface ProcessInfo {
  pid: number;
  /** `/proc/<pid>/comm`. */
  comm: string;
}

export interface ServiceFacts {
  /** systemctl exists and systemd is the running init. */
  systemd: boolean;
  units: UnitState[];
  /** Live (non-zombie) processes whose comm is one of the watched names. */
  processes: ProcessInfo[];
}

const units = WATCHED_UNITS.map(shellQuote).join(' ');

/**
 * sh: turns `systemctl show -p ActiveState,UnitFileState -- UNIT…` (one block per unit, in argument
 * order, blank lines between) into `unit NAME ACTIVE ENABLED` lines: one systemctl start for every
 * watched unit instead of an is-active/is-enabled pair each (issue 20). An empty value is `unknown`,
 * what the pair printed for a unit that does not exist.
 */
export const SHOW_TO_UNIT_LINES = `awk -v units=${shellQuote(WATCHED_UNITS.join(' '))} '
  function flush() { if (seen) printf "unit %s %s %s\\n", u[i], (a == "" ? "unknown" : a), (e == "" ? "unknown" : e); i++; a = e = ""; seen = 0 }
  BEGIN { split(units, u, " "); i = 1 }
  /^$/ { flush(); next }
  /^ActiveState=/ { a = substr($0, 13); seen = 1 }
  /^UnitFileState=/ { e = substr($0, 15); seen = 1 }
  END { flush() }'`;
const processes = WATCHED_PROCESSES.map(shellQuote).join('|');

function parseUnits(lines: string[]): UnitState[] {
  return lines.map((line, i) => {
    const match = /^unit (\S+) ([a-z-]+) ([a-z-]+)$/.exec(line);
    if (!match || !(WATCHED_UNITS as readonly string[]).includes(match[1])) {
      return parseFail('services', `unexpected line ${JSON.stringify(line.slice(0, 80))}`, i + 2);
    }
    return { name: match[1], active: match[2], enabled: match[3] };
  });
}

function parseProcesses(lines: string[]): ProcessInfo[] {
  return lines.map((line, i) => {
    const match = /^proc (\d{1,10}) (\S+)$/.exec(line);
    if (!match || !(WATCHED_PROCESSES as readonly string[]).includes(match[2])) {
      return parseFail('processes', `unexpected line ${JSON.stringify(line.slice(0, 80))}`, i + 1);
    }
    return { pid: Number(match[1]), comm: match[2] };
  });
}

export const servicesFact: FactDefinition<ServiceFacts> = {
  sections: [
    {
      id: 'services',
      inline: true,
      // Only when systemd runs: systemctl without it fails slowly or talks to nothing.
      script: `if __ns_has systemctl && [ -d /run/systemd/system ]; then echo 'systemd yes'; else echo 'systemd no'; return 0; fi
out=$(__ns_t 5 systemctl show -p ActiveState,UnitFileState -- ${units} 2>/dev/null | ${SHOW_TO_UNIT_LINES})
# No answer from systemd is not "nothing runs": the probe fails and the host with it (fail closed).
[ -n "$out" ] && printf '%s\\n' "$out" || echo 'show-error'`,
    },
    {
      id: 'processes',
      inline: true,
      // From the preamble's one walk of /proc; zombies (state Z) are skipped.
      script: `${forEachProcess(processes, `  IFS= read -r s 2>/dev/null < "/proc/$p/stat" || continue
  s=\${s##*) }
  [ "\${s%% *}" = Z ] && continue
  printf 'proc %s %s\\n' "$p" "$c"`)}
return 0`,
    },
  ],
  parse(read) {
    const lines = bodyLines(read.get('services').stdout);
    if (lines.length === 0) parseFail('services', 'empty output');
    const systemd = parseYesNo('services', 'systemd', lines[0].replace(/^systemd /, ''));
    if (!lines[0].startsWith('systemd ')) parseFail('services', 'first line is not "systemd yes|no"', 1);
    if (!systemd && lines.length > 1) parseFail('services', 'unit lines without systemd', 2);
    if (lines[1] === 'show-error') parseFail('services', 'systemd runs but `systemctl show` gave no answer within 5 s: cannot tell which cluster units run');
    const units = parseUnits(lines.slice(1));
    if (systemd && units.length !== WATCHED_UNITS.length) parseFail('services', `systemctl show described ${units.length} of ${WATCHED_UNITS.length} units`);
    return {
      systemd,
      units,
      processes: parseProcesses(bodyLines(read.get('processes').stdout)),
    };
  },
};
