#!/usr/bin/env node
// Entry point: the only place that calls process.exit.
import { CommanderError } from 'commander';
import { describeFatal, EXIT } from './exit-codes.js';
import { isInteractive } from './fleet.js';
import { installInterrupt } from './interrupt.js';
import { buildProgram } from './program.js';

async function main(argv: string[]): Promise<number> {
  let exitCode: number = EXIT.ok;
  const interrupt = installInterrupt(
    (name) => process.stderr.write(`\nnodescrub: ${name}: stopping (running steps are aborted; again to exit now)\n`),
    () => process.exit(EXIT.interrupted),
  );
  const terminal = { stdout: process.stdout, stderr: process.stderr, interactive: isInteractive(process.stderr) };
  const program = buildProgram({ context: { terminal, signal: interrupt.signal }, setExitCode: (code) => (exitCode = code) });
  program.exitOverride();
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    const fatal = describeFatal(error);
    process.stderr.write(`${fatal.message}\n`);
    return fatal.code;
  } finally {
    interrupt.dispose();
  }
}

/** Exit only once stdout has drained: a large --json document on a pipe would otherwise be cut. */
async function exitAfterFlush(code: number): Promise<never> {
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  await new Promise<void>((resolve) => process.stderr.write('', () => resolve()));
  process.exit(code);
}

main(process.argv).then(exitAfterFlush);
