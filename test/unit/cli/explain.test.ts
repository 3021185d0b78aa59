import { PassThrough } from 'node:stream';
import { explainCommand } from '../../../src/cli/commands/explain.js';
import { builtinSteps } from '../../../src/recipe/index.js';

function capture(run: (out: NodeJS.WritableStream) => void): string {
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk: Buffer) => (text += chunk.toString()));
  run(out);
  return text;
}

describe('explain', () => {
  it('lists every built-in step in order and explains each from its own description', () => {
    const list = capture((out) => explainCommand(undefined, out));
    expect(list.split('\n').filter((l) => /^\d+\. /.test(l)).map((l) => l.split(/\s+/)[1])).toEqual(builtinSteps.map((s) => s.id));
    for (const step of builtinSteps) {
      const text = capture((out) => explainCommand(step.id, out));
      expect(text.replace(/\s+/g, ' ')).toContain(step.description.replace(/\s+/g, ' '));
    }
  });

  it('names the known steps when asked for an unknown one', () => {
    expect(() => explainCommand('nope', new PassThrough())).toThrow(/no step "nope" \(steps: stop-services, containerd, docker/);
  });
});
