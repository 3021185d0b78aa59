// `nodescrub explain [STEP]`: what a step probes, the commands it sends and why — printed from the
// steps' own metadata (the same objects the runner plans with), so it cannot drift.
import { UsageError } from '../../errors.js';
import { builtinSteps } from '../../recipe/index.js';
import type { Step } from '../../recipe/types.js';

export function explainCommand(stepId: string | undefined, stdout: NodeJS.WritableStream, steps: readonly Step[] = builtinSteps): number {
  if (!stepId) {
    stdout.write(`${steps.map((s, i) => `${i + 1}. ${s.id.padEnd(14)} ${s.title}`).join('\n')}\n\nnodescrub explain STEP for details.\n`);
    return 0;
  }
  const step = steps.find((s) => s.id === stepId);
  if (!step) throw new UsageError(`explain: no step "${stepId}" (steps: ${steps.map((s) => s.id).join(', ')})`);
  const position = steps.indexOf(step) + 1;
  stdout.write(
    [
      `${step.id} — ${step.title} (step ${position} of ${steps.length})`,
      '',
      wrap(step.description, 100),
      '',
      'Every run: the facts come from one read-only probe per host; after the steps the same probe runs',
      'again and anything this step should have removed but did not is a failure that names it.',
      'See the exact commands for your hosts with: nodescrub plan -i INVENTORY --detail',
      '',
    ].join('\n'),
  );
  return 0;
}

function wrap(text: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join('\n');
}
