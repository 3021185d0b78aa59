// The live tree in a real pseudo-terminal (util-linux `script`, which gives the pty 0 columns):
// colours by default, none with --no-color or NO_COLOR=1, and lines wrapped at 80 columns rather
// than one character per line.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const hasScript = spawnSync('sh', ['-c', 'command -v script']).status === 0;
const run = (env: string, flags: string) => {
  const cli = `${JSON.stringify(process.execPath)} --import tsx ${JSON.stringify(resolve('src/cli/main.ts'))}`;
  const command = `${env} ${cli} plan --hosts root@127.0.0.1:1 --connect-timeout 1 --host-key-policy off ${flags}`;
  const result = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', input: '', timeout: 60_000, env: { ...process.env, CI: '', TERM: 'xterm' } });
  return result.stdout;
};
const SGR_COLOR = /\u001b\[(?:3[0-9]|9[0-7])m/;

(hasScript ? test : test.skip)('colours by default; none with --no-color or NO_COLOR; a 0-column pty wraps at 80', () => {
  const plain = (text: string) => text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');
  const coloured = run('', '');
  expect(plain(coloured)).toContain('127.0.0.1: auth-failed');
  expect(coloured).toMatch(SGR_COLOR);
  for (const [env, flags] of [['', '--no-color'], ['NO_COLOR=1', '']]) {
    const out = run(env, flags);
    expect(plain(out)).toContain('127.0.0.1: auth-failed');
    expect({ env, flags, coloured: SGR_COLOR.test(out) }).toEqual({ env, flags, coloured: false });
  }
  // Not one character per line: the host line keeps its words together.
  expect(plain(coloured)).toMatch(/127\.0\.0\.1: auth-failed — no usable credentials/);
}, 120_000);
