// Facts about the probe run itself and the helper tools the host offers (GNU or busybox).
import { bodyLines, parseFail, parseKeyValues, parseYesNo, type FactDefinition } from '../probe/section.js';

/** About the probe itself. */
export interface ProbeFacts {
  /** Effective uid the probe ran as (0 when root or through sudo). */
  uid: number;
  /** UTC time of the probe, `YYYYMMDDTHHMMSSZ`: names backup files, so a plan is reproducible. */
  timestamp: string;
}

/** Which helper tools the host has, so commands use only what exists (GNU or busybox). */
export interface ToolFacts {
  /** `gnu`: `timeout SECS`; `busybox-t`: old busybox `timeout -t SECS`; `none`: no timeout at all. */
  timeout: 'gnu' | 'busybox-t' | 'none';
  /** GNU rm's `--one-file-system` (busybox rm lacks it). */
  rmOneFileSystem: boolean;
  chattr: boolean;
  lsattr: boolean;
}

export const probeFact: FactDefinition<ProbeFacts> = {
  sections: [
    {
      id: 'probe',
      inline: true,
      // The effective uid is the second of Uid:'s fields; the time comes from the preamble's one `date`.
      script: `u=; while read -r k r e rest; do [ "$k" = Uid: ] && { u=$e; break; }; done </proc/self/status 2>/dev/null
printf 'uid %s\\n' "\${u:-$(id -u)}"
printf 'time %s\\n' "\${__ns_clock#* }"`,
    },
  ],
  parse(read) {
    const values = parseKeyValues('probe', bodyLines(read.get('probe').stdout), ['uid', 'time']);
    const uid = values.get('uid') ?? '';
    const time = values.get('time') ?? '';
    if (!/^\d{1,10}$/.test(uid)) parseFail('probe', `uid is not a number: ${JSON.stringify(uid.slice(0, 40))}`);
    if (!/^\d{8}T\d{6}Z$/.test(time)) parseFail('probe', `time is not YYYYMMDDTHHMMSSZ: ${JSON.stringify(time.slice(0, 40))}`);
    return { uid: Number(uid), timestamp: time };
  },
};

export const toolsFact: FactDefinition<ToolFacts> = {
  sections: [
    {
      id: 'tools',
      inline: true,
      // busybox rm prints its usage on stderr and lacks --one-file-system; GNU rm documents it.
      script: `printf 'timeout %s\\n' "$__ns_timeout"
case $(rm --help 2>&1) in *--one-file-system*) echo 'rm-one-file-system yes' ;; *) echo 'rm-one-file-system no' ;; esac
for t in chattr lsattr; do if __ns_has "$t"; then echo "$t yes"; else echo "$t no"; fi; done`,
    },
  ],
  parse(read) {
    const keys = ['timeout', 'rm-one-file-system', 'chattr', 'lsattr'];
    const values = parseKeyValues('tools', bodyLines(read.get('tools').stdout), keys);
    const timeout = values.get('timeout');
    if (timeout !== 'gnu' && timeout !== 'busybox-t' && timeout !== 'none') {
      return parseFail('tools', `unknown timeout style ${JSON.stringify(timeout)}`);
    }
    return {
      timeout,
      rmOneFileSystem: parseYesNo('tools', 'rm-one-file-system', values.get('rm-one-file-system') ?? ''),
      chattr: parseYesNo('tools', 'chattr', values.get('chattr') ?? ''),
      lsattr: parseYesNo('tools', 'lsattr', values.get('lsattr') ?? ''),
    };
  },
};
