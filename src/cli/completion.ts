// `nodescrub completion bash|zsh` prints a completion script generated from the command tree;
// `nodescrub __complete-hosts -i FILE` (hidden) is what those scripts run to complete --limit names.
import type { Command } from 'commander';
import { checkAnyInventory } from '../inventory/detect.js';
import { renderBashCompletion } from './completion/bash.js';
import { describeCommand } from './completion/spec.js';
import { renderZshCompletion } from './completion/zsh.js';

/** The shells a script can be generated for. */
export const COMPLETION_SHELLS = ['bash', 'zsh'] as const;
/** `bash` or `zsh`: commander checks the choice before completionCommand runs. */
export type CompletionShell = (typeof COMPLETION_SHELLS)[number];

/** Writes the script for `shell`; generated from `program`, so new flags complete without edits here. */
export function completionCommand(shell: CompletionShell, program: Command, stdout: NodeJS.WritableStream): number {
  const spec = describeCommand(program);
  stdout.write(shell === 'bash' ? renderBashCompletion(spec) : renderZshCompletion(spec));
  return 0;
}

/**
 * Group names, then host names, one per line. Silent on every error: a completion callback that
 * printed a message would paste it into the user's command line. An inventory with problems still
 * gives the names it has (a missing env var must not stop completion).
 */
export function completeHostsCommand(inventory: string | undefined, stdout: NodeJS.WritableStream): number {
  if (inventory === undefined) return 0;
  let names: string[];
  try {
    const checked = checkAnyInventory(inventory);
    names = [...Object.keys(checked.inventory.groups), ...checked.inventory.hosts.map((host) => host.name)];
  } catch {
    return 0;
  }
  const unique = [...new Set(names)];
  if (unique.length > 0) stdout.write(`${unique.join('\n')}\n`);
  return 0;
}
