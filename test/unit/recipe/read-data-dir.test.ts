// READ_DATA_DIR run by real shells (sh and, where present, busybox sh) on real files: the data-dir
// RKE2/K3s would use — config.yaml, then config.yaml.d/*.yaml in lexical order, the last setting wins.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { READ_DATA_DIR } from '../../../src/recipe/read-data-dir.js';

const hasBusybox = spawnSync('sh', ['-c', 'command -v busybox']).status === 0;
const shells: string[][] = [['sh'], ...(hasBusybox ? [['busybox', 'sh']] : [])];

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'nodescrub-data-dir-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** Writes the files (relative to the config dir) and returns what each shell reads. */
function read(files: Record<string, string>): string[] {
  const dir = join(root, 'etc/rancher/rke2');
  mkdirSync(join(dir, 'config.yaml.d'), { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return shells.map(([cmd, ...args]) => {
    const result = spawnSync(cmd, [...args, '-c', `c=${join(dir, 'config.yaml')}; ${READ_DATA_DIR}\nprintf '%s' "$v"`], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    return result.stdout;
  });
}
const each = (value: string) => shells.map(() => value);

test('config.yaml alone', () => {
  expect(read({ 'config.yaml': 'token: x\ndata-dir: /srv/rke2\n' })).toEqual(each('/srv/rke2'));
});

test('a drop-in overrides config.yaml; the last drop-in that sets it wins, one that does not is ignored', () => {
  expect(
    read({
      'config.yaml': 'data-dir: /srv/a\n',
      'config.yaml.d/10-disk.yaml': 'data-dir: "/data/rke2" # the big disk\n',
      'config.yaml.d/20-labels.yaml': 'node-label:\n  - zone=a\n',
      'config.yaml.d/05-early.yaml': "data-dir: '/srv/early'\n",
    }),
  ).toEqual(each('/data/rke2'));
});

test('a drop-in without config.yaml; only .yaml files count', () => {
  expect(read({ 'config.yaml.d/50-dir.yaml': 'data-dir: /srv/k\n', 'config.yaml.d/60-off.yaml.bak': 'data-dir: /nope\n' })).toEqual(each('/srv/k'));
});

test('nothing set: empty; an indented data-dir (a nested key) is not the top-level one', () => {
  expect(read({ 'config.yaml': 'token: x\nkubelet-arg:\n  data-dir: /x\n' })).toEqual(each(''));
  expect(read({})).toEqual(each(''));
});
