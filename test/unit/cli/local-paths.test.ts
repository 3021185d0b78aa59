// Output and known_hosts paths are checked before the first connection (issue 19): on real files.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkKnownHosts, checkLocalPaths, checkOutputDirectory, checkOutputFile } from '../../../src/cli/local-paths.js';
import { normalizeFleetOptions } from '../../../src/cli/options.js';
import { UsageError } from '../../../src/errors.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nodescrub-paths-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('a file nodescrub writes (--report, --junit)', () => {
  test('a new file in an existing directory, or an existing file, is fine', () => {
    expect(() => checkOutputFile('--report', join(dir, 'r.json'))).not.toThrow();
    writeFileSync(join(dir, 'old.xml'), 'x');
    expect(() => checkOutputFile('--junit', join(dir, 'old.xml'))).not.toThrow();
  });
  test('a missing directory, a directory given as the file, a file given as the directory: one line naming flag and path', () => {
    expect(() => checkOutputFile('--junit', join(dir, 'nodir/x.xml'))).toThrow(new UsageError(`--junit ${join(dir, 'nodir/x.xml')}: directory ${join(dir, 'nodir')} does not exist`));
    expect(() => checkOutputFile('--report', dir)).toThrow(new UsageError(`--report ${dir}: is a directory, a file name is expected`));
    writeFileSync(join(dir, 'plain'), 'x');
    expect(() => checkOutputFile('--report', join(dir, 'plain/r.json'))).toThrow(`${join(dir, 'plain')} is not a directory`);
  });
});

describe('a directory nodescrub writes into (--log-dir, --backup-fetch)', () => {
  test('existing, or missing with an existing parent chain (created like mkdir -p): fine', () => {
    expect(() => checkOutputDirectory('--log-dir', dir)).not.toThrow();
    expect(() => checkOutputDirectory('--log-dir', join(dir, 'a/b/c'))).not.toThrow();
  });
  test('a file where the directory is meant, or below a file: refused', () => {
    writeFileSync(join(dir, 'plain'), 'x');
    expect(() => checkOutputDirectory('--log-dir', join(dir, 'plain'))).toThrow(`--log-dir ${join(dir, 'plain')}: exists and is not a directory`);
    expect(() => checkOutputDirectory('--backup-fetch', join(dir, 'plain/sub'))).toThrow(`${join(dir, 'plain')} is not a directory`);
  });
});

describe('known_hosts', () => {
  test('a directory is refused whatever the policy but off; a missing file only under strict', () => {
    expect(() => checkKnownHosts(dir, 'strict')).toThrow(`--known-hosts ${dir}: is a directory`);
    expect(() => checkKnownHosts(dir, 'accept-new')).toThrow('is a directory');
    expect(() => checkKnownHosts(dir, 'off')).not.toThrow();
    expect(() => checkKnownHosts(join(dir, 'none'), 'strict')).toThrow('does not exist; with --host-key-policy strict every host would be refused');
    expect(() => checkKnownHosts(join(dir, 'none'), 'accept-new')).not.toThrow();
    mkdirSync(join(dir, 'ssh'));
    writeFileSync(join(dir, 'ssh/known_hosts'), '');
    expect(() => checkKnownHosts(join(dir, 'ssh/known_hosts'), 'strict')).not.toThrow();
  });
});

test('checkLocalPaths looks at the report and JUnit only when they will be written (not for plan)', () => {
  const options = normalizeFleetOptions({ report: dir, junit: join(dir, 'nodir/x.xml'), knownHosts: join(dir, 'kh'), hostKeyPolicy: 'accept-new' });
  expect(() => checkLocalPaths(options, 'plan')).not.toThrow();
  expect(() => checkLocalPaths(options, 'run')).toThrow('--report');
  expect(() => checkLocalPaths({ ...options, report: undefined }, 'verify')).toThrow('--junit');
});

describe('the CLI, end to end', () => {
  // A listener standing for the host: it must never see a connection.
  test('run with an unusable --junit, --report or --known-hosts exits 1 with one line and contacts nothing', async () => {
    const { createServer } = await import('node:net');
    const { spawn } = await import('node:child_process');
    const { resolve } = await import('node:path');
    let connections = 0;
    const server = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const port = (server.address() as { port: number }).port;
    writeFileSync(join(dir, 'known_hosts'), '');
    const cli = (...args: string[]) =>
      new Promise<{ code: number | null; stderr: string }>((done) => {
        const child = spawn(process.execPath, ['--import', 'tsx', resolve('src/cli/main.ts'), 'run', '--hosts', `root@127.0.0.1:${port}`, '--yes', ...args], { env: { ...process.env, CI: '1' } });
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('close', (code) => done({ code, stderr }));
      });
    try {
      const cases: Array<[string[], string]> = [
        [['--known-hosts', join(dir, 'known_hosts'), '--junit', join(dir, 'nodir/x.xml')], `--junit ${join(dir, 'nodir/x.xml')}: directory ${join(dir, 'nodir')} does not exist`],
        [['--known-hosts', join(dir, 'known_hosts'), '--report', dir], `--report ${dir}: is a directory, a file name is expected`],
        [['--known-hosts', dir], `--known-hosts ${dir}: is a directory, a known_hosts file is expected`],
      ];
      for (const [args, message] of cases) {
        const result = await cli(...args);
        expect({ code: result.code, lines: result.stderr.trim().split('\n') }).toEqual({ code: 1, lines: [expect.stringContaining(message)] });
      }
      expect(connections).toBe(0);
    } finally {
      server.close();
    }
  }, 60_000);
});
