// What shell completion needs to know, read from the commander program itself so the scripts can't
// drift from the real flags: sub-commands, their options, and how each value completes.
import type { Command, Option } from 'commander';
import { builtinSteps } from '../../recipe/index.js';

/** How a value completes: a file path, a directory, --limit names from the inventory, fixed words, or free text. */
export type ValueKind = 'file' | 'directory' | 'hosts' | 'words' | 'text';

/** A value an option or argument takes. */
export interface ValueSpec {
  kind: ValueKind;
  /** As in the help (`<file>` → `file`). */
  name: string;
  /** For `words`: the accepted values. */
  words: string[];
  variadic: boolean;
}

/** One option as completion sees it: its spellings, its help text, and its value if it takes one. */
export interface OptionSpec {
  /** `-i`, `--inventory`: every spelling. */
  flags: string[];
  description: string;
  /** Absent for flags that take no value. */
  value?: ValueSpec;
}

/** A command and everything below it: what a completion script is generated from. */
export interface CommandSpec {
  name: string;
  description: string;
  options: OptionSpec[];
  commands: CommandSpec[];
  /** The first positional argument (nodescrub's commands take at most one kind). */
  argument?: ValueSpec;
}

const FILE_OPTIONS = ['--inventory', '--known-hosts', '--ssh-config', '--report', '--junit', '--retry-failed', '--recipe', '--kubeconfig', '--private-key'];
// (--backup-dir is a path on the hosts, not here: it completes as text.)
const DIRECTORY_OPTIONS = ['--log-dir', '--backup-fetch'];
const HOSTS_OPTIONS = ['--limit'];
const FILE_ARGUMENTS = ['file', 'files', 'report', 'reports'];

/** The visible command tree (hidden commands such as `__complete-hosts` stay out of completion). */
export function describeCommand(command: Command): CommandSpec {
  const help = command.createHelp();
  const commands = help.visibleCommands(command).map((sub) => (sub.name() === 'help' ? describeHelpCommand(sub, command) : describeCommand(sub)));
  const argument = command.registeredArguments[0];
  const spec: CommandSpec = { name: command.name(), description: command.description(), options: help.visibleOptions(command).map(describeOption), commands };
  if (argument !== undefined) {
    // `explain [step]`: the built-in steps' ids (explain itself names them when one is wrong).
    const words = argument.argChoices ?? (argument.name() === 'step' ? builtinSteps.map((step) => step.id) : undefined);
    const kind: ValueKind = words !== undefined ? 'words' : FILE_ARGUMENTS.includes(argument.name()) ? 'file' : 'text';
    spec.argument = { kind, name: argument.name(), words: words ?? [], variadic: argument.variadic };
  }
  return spec;
}

// `help [command]` completes the names of its sibling commands.
function describeHelpCommand(help: Command, parent: Command): CommandSpec {
  const siblings = parent.createHelp().visibleCommands(parent).map((command) => command.name()).filter((name) => name !== 'help');
  const argument: ValueSpec = { kind: 'words', name: 'command', words: siblings, variadic: false };
  return { name: 'help', description: help.description(), options: [], commands: [], argument };
}

function describeOption(option: Option): OptionSpec {
  const flags = [option.short, option.long].filter((flag): flag is string => flag !== undefined);
  const spec: OptionSpec = { flags, description: option.description };
  if (!option.required && !option.optional) return spec;
  const name = /[<[]([^>\]]+)[>\]]/.exec(option.flags)?.[1] ?? 'value';
  const long = option.long ?? '';
  const kind: ValueKind =
    option.argChoices !== undefined ? 'words'
    : FILE_OPTIONS.includes(long) ? 'file'
    : DIRECTORY_OPTIONS.includes(long) ? 'directory'
    : HOSTS_OPTIONS.includes(long) ? 'hosts'
    : 'text';
  return { ...spec, value: { kind, name, words: option.argChoices ?? [], variadic: option.variadic } };
}

/** Every command below `spec` with its path (`report merge`), the root first with path ''. */
export function listCommandPaths(spec: CommandSpec, path = ''): { path: string; spec: CommandSpec }[] {
  return [{ path, spec }, ...spec.commands.flatMap((sub) => listCommandPaths(sub, path === '' ? sub.name : `${path} ${sub.name}`))];
}

/**
 * Each value-taking flag once, with how its value completes. The bash script looks flags up without
 * the command path, so two commands giving one flag different kinds is a bug caught here (and in tests).
 */
export function collectValueFlags(spec: CommandSpec): Map<string, ValueSpec> {
  const flags = new Map<string, ValueSpec>();
  for (const { path, spec: command } of listCommandPaths(spec)) {
    for (const option of command.options) {
      if (option.value === undefined) continue;
      for (const flag of option.flags) {
        const known = flags.get(flag);
        if (known !== undefined && (known.kind !== option.value.kind || known.words.join() !== option.value.words.join())) {
          throw new Error(`completion: ${flag} completes as ${known.kind} in one command and as ${option.value.kind} in "${path}"`);
        }
        flags.set(flag, option.value);
      }
    }
  }
  return flags;
}
