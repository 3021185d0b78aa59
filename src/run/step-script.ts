// One remote exec per step: the step's commands joined into a script that runs each in a subshell
// (so one command's `exit` cannot skip the others) and prints a marked exit status after each.

export interface CommandOutcome {
  index: number;
  command: string;
  exitCode: number;
}

/** Joins commands into one POSIX sh script; the marker carries a per-run nonce so output cannot forge it. */
export function buildStepScript(commands: readonly string[], nonce: string): string {
  const lines = ['nodescrub_rc=0'];
  commands.forEach((command, index) => {
    lines.push(`(\n${command}\n)`);
    lines.push(`r=$?; printf '\\n@@nodescrub-${nonce}:cmd:${index}:%s\\n' "$r"; [ "$r" -eq 0 ] || nodescrub_rc=$r`);
  });
  lines.push('exit $nodescrub_rc');
  return lines.join('\n');
}

/** Reads the per-command statuses back; a command with no marker did not run (or the script was killed). */
export function parseStepOutput(
  stdout: string,
  commands: readonly string[],
  nonce: string,
): { outcomes: CommandOutcome[]; output: string } {
  const marker = new RegExp(`\\n?@@nodescrub-${nonce}:cmd:(\\d+):(\\d+)\\n?`, 'g');
  const outcomes: CommandOutcome[] = [];
  for (const match of stdout.matchAll(marker)) {
    const index = Number(match[1]);
    if (index < commands.length) outcomes.push({ index, command: commands[index], exitCode: Number(match[2]) });
  }
  return { outcomes, output: stdout.replace(marker, '\n').trim() };
}
