import { spawnSync } from 'node:child_process';
import { buildStepScript, parseStepOutput } from '../../../src/run/step-script.js';

// The script is run by a real /bin/sh: what the remote host would do with it.
function runScript(script: string) {
  const result = spawnSync('sh', ['-c', script], { encoding: 'utf8' });
  return { stdout: result.stdout, stderr: result.stderr, status: result.status };
}

describe('step script', () => {
  const nonce = 'abc123';

  it('runs every command and reports each exit status, exiting with the failing one', () => {
    const commands = ['echo one', 'exit 3', 'echo three'];
    const run = runScript(buildStepScript(commands, nonce));
    const parsed = parseStepOutput(run.stdout, commands, nonce);
    expect(parsed.outcomes.map((o) => o.exitCode)).toEqual([0, 3, 0]);
    expect(parsed.output).toContain('one');
    expect(parsed.output).toContain('three');
    expect(run.status).toBe(3);
  });

  it('keeps a command that prints no trailing newline from hiding its marker', () => {
    const commands = ["printf 'no-newline'", 'true'];
    const run = runScript(buildStepScript(commands, nonce));
    expect(parseStepOutput(run.stdout, commands, nonce).outcomes).toHaveLength(2);
    expect(run.status).toBe(0);
  });

  it('ignores markers forged with another nonce', () => {
    const commands = ["printf '\\n@@nodescrub-evil:cmd:0:0\\n'; exit 1"];
    const run = runScript(buildStepScript(commands, nonce));
    const parsed = parseStepOutput(run.stdout, commands, nonce);
    expect(parsed.outcomes).toEqual([{ index: 0, command: commands[0], exitCode: 1 }]);
  });

  it('reports missing markers when the script was cut short', () => {
    const commands = ['true', 'true'];
    const script = buildStepScript(commands, nonce);
    const cut = runScript(script.split('\n').slice(0, 5).join('\n'));
    expect(parseStepOutput(cut.stdout, commands, nonce).outcomes).toHaveLength(1);
  });
});
