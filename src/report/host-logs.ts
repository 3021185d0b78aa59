// --log-dir: one log file per host with every command sent, its exit code, stdout and stderr (secrets masked).
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEvent } from '../run/events.js';
import { statusLabel } from './status-label.js';
import { stepLine } from './line-output.js';

export type Mask = (text: string) => string;

/** An observer appending to `<dir>/<host>.log`; synchronous appends keep lines in event order. */
export function createHostLogs(dir: string, mask: Mask): (event: RunEvent) => void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const write = (host: string, text: string) =>
    appendFileSync(join(dir, `${safeFileName(host)}.log`), mask(text), { mode: 0o600 });
  return (event) => {
    const at = new Date().toISOString();
    switch (event.type) {
      case 'host-started':
        write(event.host, `${at} host started\n`);
        return;
      case 'command':
        write(
          event.host,
          // `$` marks what ran in a shell on the host; an API request is named as it was sent.
          (event.request
            ? `${at} [${event.stepId}] request ${event.command}\n${at} [${event.stepId}] ${event.exitCode === 0 ? 'answered' : `failed (${event.exitCode ?? 'no status'})`} in ${event.durationMs}ms\n`
            : `${at} [${event.stepId}] $ ${indent(event.command)}\n${at} [${event.stepId}] exit ${event.exitCode ?? 'signal'} in ${event.durationMs}ms\n`) +
            section('stdout', event.stdout) +
            section('stderr', event.stderr),
        );
        return;
      case 'step-finished':
        write(event.host, `${at} [${event.result.stepId}] ${stepLine(event.result)}\n`);
        return;
      case 'phase-finished':
        write(event.host, `${at} [${event.phase}] ${event.message}\n`);
        return;
      case 'host-note': // guard evidence, backup path and checksum
        write(event.host, `${at} note: ${event.message}\n`);
        return;
      case 'host-finished':
        write(event.host, `${at} host finished: ${statusLabel(event.result)}${event.result.reason ? `: ${event.result.reason}` : ''}\n`);
        return;
      default:
        return;
    }
  };
}

function section(name: string, text: string): string {
  return text.length === 0 ? '' : `--- ${name}\n${text}${text.endsWith('\n') ? '' : '\n'}--- end ${name}\n`;
}

function indent(command: string): string {
  return command.replace(/\n/g, '\n    ');
}

/** Host names are validated by the inventory, but a log path must never escape the directory. */
export function safeFileName(host: string): string {
  return host.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
}
