// ssh/Ansible-style flags (issue 19): -u/-p/--private-key/-J for --hosts, -f as -c, -q, -v counted
// (also before the command), IPv6 hosts in --hosts, inventories and --limit — through the real
// parsers and the real commander program.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalizeFleetOptions } from '../../../src/cli/options.js';
import { buildProgram } from '../../../src/cli/program.js';
import { loadSelection } from '../../../src/cli/select-hosts.js';
import { parseLimitTerms } from '../../../src/inventory/limit-terms.js';
import { createLineOutput } from '../../../src/report/line-output.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nodescrub-flags-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('defaults for --hosts, as ssh spells them', () => {
  test('-u, -p, --private-key and -J fill what a list item leaves out; an item\'s own user@ and :port win', () => {
    const key = join(dir, 'id_ed25519');
    writeFileSync(key, 'not parsed here');
    chmodSync(key, 0o600);
    const { hosts } = loadSelection({ hosts: 'a,ops@b:2200', user: 'admin', port: '2222', privateKey: key, jump: 'jumper@bastion:2022' });
    expect(hosts.map((h) => [h.name, h.user, h.port])).toEqual([['a', 'admin', 2222], ['b', 'ops', 2200]]);
    for (const host of hosts) {
      expect(host.identityFile).toBe(key);
      expect(host.jumpHost).toMatchObject({ address: 'bastion', user: 'jumper', port: 2022 });
    }
  });
  test('with -i they are refused in one line (an inventory has defaults:), and a bad port is named', () => {
    const inventory = join(dir, 'i.yaml');
    writeFileSync(inventory, 'hosts: [a]\n');
    expect(() => loadSelection({ inventory, user: 'x' })).toThrow("-u/--user applies to --hosts only; with -i set it in the inventory's defaults:");
    expect(() => loadSelection({ hosts: 'a', port: '70000' })).toThrow('--port: expected a port 1..65535, got "70000"');
  });
});

describe('IPv6 hosts', () => {
  test('--hosts takes [addr] and user@[addr]:port; the name is the address', () => {
    const { hosts } = loadSelection({ hosts: 'root@[::1]:2222,[fd00::5],node[1-2]' });
    expect(hosts.map((h) => [h.name, h.address, h.port])).toEqual([['::1', '::1', 2222], ['fd00::5', 'fd00::5', 22], ['node1', 'node1', 22], ['node2', 'node2', 22]]);
  });
  test('an inventory may list a host by its IPv6 address, or give one as address:', () => {
    const inventory = join(dir, 'v6.yaml');
    writeFileSync(inventory, 'hosts:\n  - { name: v6node, address: "fd00::7", port: 2201 }\n  - "fd00::8"\n');
    expect(loadSelection({ inventory }).hosts.map((h) => [h.name, h.address])).toEqual([['v6node', 'fd00::7'], ['fd00::8', 'fd00::8']]);
  });
  test('--limit keeps an IPv6 address whole (its colons are not separators) and still splits others on :', () => {
    expect(parseLimitTerms('fd00::5,!fd00::6,web:&db').map((t) => t.written)).toEqual(['fd00::5', '!fd00::6', 'web', '&db']);
    expect(parseLimitTerms('fd00::6:web').map((t) => t.written)).toEqual(['fd00', '6', 'web']); // not an address: Ansible's ':' split
    expect(loadSelection({ hosts: '[fd00::5],[fd00::6],n1', limit: 'fd00::5,n1' }).hosts.map((h) => h.name)).toEqual(['fd00::5', 'n1']);
  });
});

describe('-f, -q, -v', () => {
  test('-f/--forks is --concurrency; -q is quiet; -v counts', () => {
    expect(normalizeFleetOptions({ forks: '7' }).concurrency).toBe(7);
    expect(normalizeFleetOptions({ concurrency: '3' }).concurrency).toBe(3);
    expect(normalizeFleetOptions({ quiet: true }).quiet).toBe(true);
    expect(normalizeFleetOptions({ verbose: 2 }).verbose).toBe(2);
  });

  test('commander: -vv after the command and -v before it add up; -v alone is not an unknown option', async () => {
    const seen: number[] = [];
    const program = buildProgram({ context: { terminal: { stdout: process.stdout, stderr: process.stderr, interactive: false }, signal: new AbortController().signal }, setExitCode: () => undefined });
    program.exitOverride();
    // Stop at the action: read what the plan action would get.
    const plan = program.commands.find((c) => c.name() === 'plan')!;
    plan.action((raw: Record<string, unknown>) => void seen.push((program.opts().verbose as number) + (raw.verbose as number)));
    await program.parseAsync(['node', 'nodescrub', '-v', 'plan', '--hosts', 'a', '-vv']);
    expect(seen).toEqual([3]);
  });

  test('-vv writes each command\'s output lines after its exit line', () => {
    const lines: string[] = [];
    const observe = createLineOutput((line) => lines.push(line), { verbose: 2 });
    observe({ type: 'command', host: 'n1', stepId: 'mounts', command: 'umount x', exitCode: 1, stdout: 'a\nb\n', stderr: 'umount: busy\n', durationMs: 5 });
    expect(lines).toEqual(['n1: mounts: command exited 1 in 5ms', 'n1: mounts: stdout| a', 'n1: mounts: stdout| b', 'n1: mounts: stderr| umount: busy']);
    const once: string[] = [];
    createLineOutput((line) => once.push(line), { verbose: 1 })({ type: 'command', host: 'n1', stepId: 'mounts', command: 'x', exitCode: 0, stdout: 'a\n', stderr: '', durationMs: 5 });
    expect(once).toEqual(['n1: mounts: command exited 0 in 5ms']);
  });
});
