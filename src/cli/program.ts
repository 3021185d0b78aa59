// Commander wiring only: flags, help with examples, dispatch to commands. Exiting is main.ts's job alone.
import { Argument, Command, Option } from 'commander';
import { COMPLETION_SHELLS, completeHostsCommand, completionCommand, type CompletionShell } from './completion.js';
import { hostsCommand } from './commands/hosts.js';
import { explainCommand } from './commands/explain.js';
import { reportMergeCommand } from './commands/report-merge.js';
import { planCommand, runCommand, verifyCommand, type CommandContext } from './commands/fleet-commands.js';
import { normalizeFleetOptions } from './options.js';
import { OUTPUT_FORMAT_NAMES } from '../report/output-formats.js';

export interface ProgramIo {
  context: CommandContext;
  /** Set by the action that ran: the process exit code. */
  setExitCode(code: number): void;
}

/** The command's options with the program's -v count added to its own. */
function withGlobal(program: Command, raw: Record<string, unknown>): Record<string, unknown> {
  const global = program.opts<{ verbose?: number }>().verbose ?? 0;
  return { ...raw, verbose: (typeof raw.verbose === 'number' ? raw.verbose : 0) + global };
}

/** -v given N times counts N (`-vv`, `-v -v`). */
const increase = (_value: string, previous: number): number => previous + 1;

function addSelection(command: Command): Command {
  return command
    .option('-i, --inventory <file>', 'inventory file (YAML)')
    .option('--hosts <list>', 'comma-separated hosts without an inventory: [user@]host[:port],[user@][::1]:port,…')
    .option('-u, --user <name>', 'with --hosts: login user of every host without user@ (default root)')
    .option('-p, --port <n>', 'with --hosts: SSH port of every host without :port (default 22)')
    .option('--private-key <file>', 'with --hosts: the identity (private key) file (ssh -i; -k stays free: it means "ask for the password" in Ansible)')
    .option('-J, --jump <[user@]host[:port]>', 'with --hosts: the jump host (ssh -J)')
    .option('-l, --limit <pattern>', 'hosts, groups, globs, ranges, comma lists; !name excludes')
    .option('--shard <K/N>', 'work on the K-th of N stable shards of the selected hosts (CI matrix)')
    .option('--ssh-config <file>', 'OpenSSH client config for what the inventory leaves unwritten (default ~/.ssh/config if it exists; none: no config)');
}

function addConnection(command: Command): Command {
  return command
    .option('-c, --concurrency <n>', 'hosts worked on at once', '20')
    .option('-f, --forks <n>', 'the same as --concurrency (Ansible\'s name)')
    .option('--handshakes <n>', 'SSH handshakes at once', '10')
    .option('--connect-timeout <seconds>', 'SSH connect/handshake timeout', '10')
    .option('--step-timeout <seconds>', 'kill a remote step after this long', '120')
    .addOption(new Option('--host-key-policy <policy>', 'host key checking').choices(['strict', 'accept-new', 'off']).default('strict'))
    .option('--known-hosts <file>', 'OpenSSH known_hosts file (default ~/.ssh/known_hosts)')
    .option('--log-dir <dir>', 'write a log per host with every command sent (secrets masked)')
    .option('--recipe <file>', 'YAML file of extra steps (probe, apply per name) placed before/after built-in steps')
    .option('-v, --verbose', 'one line per remote command too; twice (-vv): their output as well', increase, 0)
    .option('-q, --quiet', 'no progress lines or tree while it runs (warnings and the result still come)')
    // listr2's colours (colorette) read --no-color from argv and NO_COLOR from the environment themselves.
    .option('--no-color', 'no colours in the live tree (also NO_COLOR=1)')
    .addOption(new Option('--output <format>', 'text, json (as --json), or ndjson: one JSON event per line on stdout').choices(OUTPUT_FORMAT_NAMES).default('text'));
}

/** The live-node guard's flags (plan and run). */
function addLiveNodeGuard(command: Command): Command {
  return command
    .option('--kubeconfig <file>', 'also ask this (admin) kubeconfig\'s API server, from here, whether each host is a live node')
    .option('--live-heartbeat <seconds>', 'a Ready node heard from within this long counts as live (refused without --force)', '300');
}

/** --backup and friends (run only). */
function addBackup(command: Command): Command {
  return command
    .option('--backup', 'archive /etc/kubernetes, /etc/cni, /opt/rke, /var/lib/etcd, the cluster data and the iptables rules on each host first')
    .option('--no-backup', 'do not archive the cluster data (etcd, etcd snapshots, local-path volumes) first, as run does by default')
    .option('--backup-dir <path>', 'where on the host (implies --backup; default /var/backups/nodescrub/<UTC timestamp>)')
    .option('--backup-fetch <dir>', 'also copy each archive here as <host>-<timestamp>.tar.gz, sha256 checked (implies --backup)');
}

export function buildProgram(io: ProgramIo): Command {
  const program = new Command('nodescrub')
    .description('Clean failed Kubernetes/Rancher nodes across a fleet over SSH: discover, plan, scrub, verify.')
    .version('0.1.0', '-V, --version')
    // -v before the command (`nodescrub -v run …`) counts like -v after it, as in ssh and ansible.
    .option('-v, --verbose', 'more output: one line per remote command; twice (-vv): their output too', increase, 0)
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', '\nExample:\n  nodescrub plan -i inventory.yaml --limit rack3\n  nodescrub run -i inventory.yaml --limit rack3 --yes');

  addLiveNodeGuard(addConnection(addSelection(program.command('plan'))))
    .description('show what run would remove on each host (read-only)')
    .option('--json', 'one JSON document on stdout')
    .option('--detail', 'every artifact and command per host')
    .option('--remove-images', 'plan image removal too')
    .option('--force', 'plan as if guards were overridden')
    .option('--all-containers', "plan removing every container and volume, the cluster's or not")
    .option('--keep-other-containers', "plan cleaning the cluster's containers and leaving the others")
    .addHelpText('after', '\nExample:\n  nodescrub plan -i inventory.yaml --limit "node[01-05]" --detail')
    .action(async (raw) => io.setExitCode(await planCommand(normalizeFleetOptions(withGlobal(program, raw)), io.context)));

  addBackup(addLiveNodeGuard(addConnection(addSelection(program.command('run')))))
    .description('clean the selected hosts: discover, stop, remove, verify')
    .option('-y, --yes', 'do not ask for confirmation (required without a TTY)')
    .option('--remove-images', 'also remove all docker images (optional in the reference procedure)')
    .option('--force', 'override guards (live node, network filesystems under kubelet/rancher)')
    .option('--all-containers', "remove every container and volume, also those that are not the cluster's (the reference procedure)")
    .option('--keep-other-containers', "clean the cluster's containers and volumes, leave the others (instead of refusing the host)")
    .option('--json', 'the run result as one JSON document on stdout')
    .option('--batch <sizes>', 'rolling batches: N, P% or a list like 1,5,25% (the last repeats)')
    .option('--max-fail <n>', 'stop starting batches once more than N (or P%) hosts failed')
    .option('--max-unreachable <n>', 'stop starting batches once more than N (or P%) hosts are unreachable')
    .option('--pause <seconds>', 'wait between batches')
    .option('--pause-on-fail', 'after a batch with failures, ask on the TTY whether to go on')
    .option('--reboot', 'reboot each host after its cleanup, wait for it, verify again')
    .option('--reboot-timeout <seconds>', 'how long to wait for a host to come back', '600')
    .option('--report <file>', 'write the full result as versioned JSON (updated as hosts finish)')
    .option('--junit <file>', 'write a JUnit XML file: a testsuite per host, a testcase per step')
    .option('--retry-failed <report>', 'only the hosts that were not ok in that report')
    .addHelpText('after', '\nExample:\n  nodescrub run -i inventory.yaml --limit rack3 -c 10 --log-dir logs/ --yes')
    .action(async (raw) => io.setExitCode(await runCommand(normalizeFleetOptions(withGlobal(program, raw)), io.context)));

  addConnection(addSelection(program.command('verify')))
    .description('check that each host is clean (read-only); exit 0 only if all are')
    .option('--json', 'the result as one JSON document on stdout')
    .option('--remove-images', 'count images as leftovers too')
    .option('--all-containers', "count every container and volume as a leftover, the cluster's or not")
    .option('--report <file>', 'write the result as versioned JSON')
    .option('--junit <file>', 'write a JUnit XML file')
    .addHelpText('after', '\nExample:\n  nodescrub verify -i inventory.yaml --limit rack3 --json > verify.json')
    .action(async (raw) => io.setExitCode(await verifyCommand(normalizeFleetOptions(withGlobal(program, raw)), io.context)));

  addSelection(program.command('hosts'))
    .description('list the selected hosts with their effective settings (never secrets)')
    .option('--json', 'as JSON')
    .option('--retry-failed <report>', 'only the hosts that were not ok in that report')
    .addHelpText('after', '\nExample:\n  nodescrub hosts -i inventory.yaml --limit "rack3,!node07.rack3.example.com"')
    .action((raw) => io.setExitCode(hostsCommand(raw, io.context.terminal.stdout)));

  program
    .command('explain')
    .description('what a cleanup step probes, the commands it sends and why')
    .argument('[step]', 'step id (omit for the list)')
    .addHelpText('after', '\nExample:\n  nodescrub explain iptables')
    .action((step: string | undefined) => io.setExitCode(explainCommand(step, io.context.terminal.stdout)));

  program
    .command('report')
    .description('work with JSON reports')
    .command('merge')
    .description('combine shard reports into one on stdout (totals recomputed)')
    .argument('<reports...>', 'JSON reports written with --report')
    .addHelpText('after', '\nExample:\n  nodescrub report merge shard-*.json > all.json')
    .action((files: string[]) => io.setExitCode(reportMergeCommand(files, io.context.terminal.stdout)));

  // Shell completion: the script, and the hidden callback it runs for --limit host and group names.
  program
    .command('completion')
    .description('print a bash or zsh completion script (--limit completes names from the -i inventory)')
    .addArgument(new Argument('<shell>', 'bash or zsh').choices(COMPLETION_SHELLS))
    .addHelpText('after', '\nExample:\n  source <(nodescrub completion bash)    # in ~/.bashrc\n  nodescrub completion zsh > "${fpath[1]}/_nodescrub"')
    .action((shell: CompletionShell) => io.setExitCode(completionCommand(shell, program, io.context.terminal.stdout)));
  program
    .command('__complete-hosts', { hidden: true })
    .option('-i, --inventory <file>')
    .action((raw: { inventory?: string }) => io.setExitCode(completeHostsCommand(raw.inventory, io.context.terminal.stdout)));

  return program;
}
