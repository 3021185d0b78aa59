// Shell completion, end to end: the scripts come from the real CLI, bash loads and runs them (a
// completion is simulated by setting COMP_WORDS/COMP_CWORD and reading COMPREPLY), zsh parses and
// registers them, and the hidden __complete-hosts callback lists an inventory's names.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { jest } from '@jest/globals';

const CLI = ['--import', 'tsx', resolve('src/cli/main.ts')];
const INI = 'test/fixtures/inventory/ansible/equivalent.ini';
const YAML = 'test/fixtures/inventory/ansible/equivalent.yml';
const NAMES = ['rack3', 'gpu', 'etcd', 'k8s', 'lone.example.com', 'node01.rack3', 'node02.rack3', 'node03.rack3', 'node04.rack3', 'worker7', 'etcda', 'etcdb', 'etcdc'];
const hasZsh = spawnSync('zsh', ['-fc', 'true']).status === 0;

jest.setTimeout(60_000);

function nodescrub(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [...CLI, ...args], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

let dir = '';
let bashScript = '';
let zshScript = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nodescrub-completion-'));
  // The scripts call back `nodescrub` by the name typed: put one on PATH that runs this checkout.
  writeFileSync(join(dir, 'nodescrub'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${CLI.map((arg) => JSON.stringify(arg)).join(' ')} "$@"\n`);
  chmodSync(join(dir, 'nodescrub'), 0o755);
  bashScript = join(dir, 'nodescrub.bash');
  zshScript = join(dir, '_nodescrub');
  writeFileSync(bashScript, nodescrub('completion', 'bash').stdout);
  writeFileSync(zshScript, nodescrub('completion', 'zsh').stdout);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function bash(script: string): string {
  const result = spawnSync('bash', ['-c', script], { encoding: 'utf8', env: { ...process.env, PATH: `${dir}:${process.env.PATH ?? ''}` } });
  expect(result.stderr).toBe('');
  return result.stdout;
}

/** What bash would offer for `words` with the cursor at the end of the last one. */
function complete(...words: string[]): string[] {
  const quoted = words.map((word) => `'${word.replace(/'/g, `'\\''`)}'`).join(' ');
  const script = `source ${bashScript}\nCOMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}\n_nodescrub\nprintf '%s\\n' "\${COMPREPLY[@]}"`;
  return bash(script).split('\n').filter((line) => line !== '');
}

describe('bash', () => {
  test('the script loads in real bash and registers _nodescrub', () => {
    expect(bash(`source <(nodescrub completion bash); complete -p nodescrub`)).toBe('complete -F _nodescrub nodescrub\n');
  });

  test('sub-commands, nested ones, and help’s argument', () => {
    // Generated from the command tree: commands added later appear too, so only these are pinned.
    expect(complete('nodescrub', '')).toEqual(expect.arrayContaining(['plan', 'run', 'verify', 'hosts', 'report', 'completion', 'help']));
    expect(complete('nodescrub', 'ver')).toEqual(['verify']);
    expect(complete('nodescrub', 'report', '')).toEqual(['merge', 'help']);
    expect(complete('nodescrub', 'help', 'r')).toEqual(expect.arrayContaining(['run', 'report']));
    expect(complete('nodescrub', 'completion', '')).toEqual(['bash', 'zsh']);
    expect(complete('nodescrub', '__')).toEqual([]); // the hidden callback is not offered
  });

  test('the flags of the sub-command being typed, after options that take values', () => {
    const hostsFlags = complete('nodescrub', 'hosts', '--');
    expect(hostsFlags).toEqual(expect.arrayContaining(['--inventory', '--hosts', '--limit', '--json', '--help']));
    expect(hostsFlags).not.toContain('--yes'); // a flag of run, not of hosts
    const runFlags = complete('nodescrub', 'run', '-c', '5', '--re');
    expect(runFlags).toEqual(expect.arrayContaining(['--remove-images', '--reboot', '--reboot-timeout', '--report']));
    expect(runFlags.every((flag) => flag.startsWith('--re'))).toBe(true);
  });

  test('flag values: fixed choices, files for -i, nothing for free text', () => {
    expect(complete('nodescrub', 'plan', '--host-key-policy', '')).toEqual(['strict', 'accept-new', 'off']);
    expect(complete('nodescrub', 'run', '--output', 'n')).toEqual(['ndjson']);
    expect(complete('nodescrub', 'plan', '-i', 'test/fixtures/inventory/ansible/equivalent.')).toEqual([INI, 'test/fixtures/inventory/ansible/equivalent.native.yaml', YAML]);
    expect(complete('nodescrub', 'plan', '--concurrency', '')).toEqual([]);
    // Every flag that names a local file completes paths; --backup-fetch a directory.
    for (const flag of ['--recipe', '--kubeconfig', '--private-key', '--known-hosts', '--ssh-config']) {
      expect({ flag, offered: complete('nodescrub', 'run', flag, 'test/fixtures/inventory/ansible/equivalent.i') }).toEqual({ flag, offered: [INI] });
    }
    expect(complete('nodescrub', 'run', '--backup-fetch', 'test/fixtures/inventory/ans')).toEqual(['test/fixtures/inventory/ansible']);
  });

  test('explain completes the built-in step names', () => {
    expect(complete('nodescrub', 'explain', '')).toEqual(expect.arrayContaining(['stop-services', 'containerd', 'docker', 'mounts', 'directories', 'interfaces', 'iptables', 'nftables']));
    expect(complete('nodescrub', 'explain', 'ip')).toEqual(['ipvs', 'iptables']);
  });

  test('--limit: host and group names from the -i inventory (INI and YAML)', () => {
    expect(complete('nodescrub', 'plan', '-i', INI, '--limit', '')).toEqual(NAMES);
    expect(complete('nodescrub', 'hosts', '--inventory', YAML, '-l', 'et')).toEqual(['etcd', 'etcda', 'etcdb', 'etcdc']);
  });

  test('--limit patterns: the last term completes; bash’s own split at ":" and "=" is respected', () => {
    // `-l rack3:!no` reaches the function as `rack3` `:` `!no`: bash replaces only `!no`.
    expect(complete('nodescrub', 'hosts', '-i', INI, '-l', 'rack3', ':', '!no')).toEqual(['!node01.rack3', '!node02.rack3', '!node03.rack3', '!node04.rack3']);
    expect(complete('nodescrub', 'hosts', '-i', INI, '-l', 'gpu,&w')).toEqual(['gpu,&worker7']);
    expect(complete('nodescrub', 'hosts', '--inventory', '=', INI, '--limit', '=', 'wo')).toEqual(['worker7']);
  });

  test('no inventory or a broken one: nothing offered, nothing printed', () => {
    expect(complete('nodescrub', 'plan', '--limit', '')).toEqual([]);
    expect(complete('nodescrub', 'plan', '-i', '/nonexistent.ini', '--limit', '')).toEqual([]);
  });
});

describe('zsh', () => {
  const zshTest = hasZsh ? test : test.skip;
  if (!hasZsh) console.warn('zsh is not installed: the zsh completion tests are skipped (apt-get install zsh)');

  zshTest('the script parses (zsh -n) [needs zsh]', () => {
    const result = spawnSync('zsh', ['-n', zshScript], { encoding: 'utf8' });
    expect([result.status, result.stderr]).toEqual([0, '']);
  });

  zshTest('sourced after compinit, it registers _nodescrub for nodescrub [needs zsh]', () => {
    const script = `autoload -Uz compinit; compinit -u -D -d ${join(dir, 'zcompdump')}; source ${zshScript}; print -r -- $_comps[nodescrub]`;
    const result = spawnSync('zsh', ['-fc', script], { encoding: 'utf8' });
    expect([result.stdout, result.stderr]).toEqual(['_nodescrub\n', '']);
  });
});

describe('nodescrub __complete-hosts', () => {
  test('group names, then host names, one per line', () => {
    expect(nodescrub('__complete-hosts', '-i', INI)).toEqual({ status: 0, stdout: `${NAMES.join('\n')}\n`, stderr: '' });
  });

  test('silent on errors, and names from an inventory that is only partly right', () => {
    expect(nodescrub('__complete-hosts', '-i', '/nonexistent.ini')).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(nodescrub('__complete-hosts')).toEqual({ status: 0, stdout: '', stderr: '' });
    const partial = join(dir, 'partial.ini');
    writeFileSync(partial, '[web]\nweb1 ansible_become=yes nodescrub_become_password_env=UNSET_PASSWORD_VAR\nweb2 ansible_port=x\n');
    expect(nodescrub('__complete-hosts', '-i', partial)).toEqual({ status: 0, stdout: 'web\nweb1\nweb2\n', stderr: '' });
  });

  test('is hidden from help; completion names its shells', () => {
    expect(nodescrub('--help').stdout).not.toContain('__complete-hosts');
    const wrong = nodescrub('completion', 'fish');
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toContain("command-argument value 'fish' is invalid for argument 'shell'. Allowed choices are bash, zsh.");
  });
});
