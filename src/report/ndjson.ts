// --output ndjson: one JSON object per engine event on stdout, for dashboards and chat-ops bots.
// Every line has `v` (format version), `ts` and `type`; command output is left out (see --log-dir).
import type { RunEvent } from '../run/events.js';

export const NDJSON_VERSION = 1;

/** The wire form of one event, or undefined for events not published. */
export function toNdjsonRecord(event: RunEvent, now: Date = new Date()): Record<string, unknown> | undefined {
  const base = { v: NDJSON_VERSION, ts: now.toISOString(), type: event.type };
  switch (event.type) {
    case 'command':
      return { ...base, host: event.host, step: event.stepId, exitCode: event.exitCode, durationMs: event.durationMs };
    case 'host-planned':
      return {
        ...base,
        host: event.host,
        refusals: event.plan.refusals,
        failures: event.plan.failures,
        steps: event.plan.steps.map((s) => ({ id: s.stepId, artifacts: s.artifacts, noop: s.noop })),
      };
    case 'step-started':
      return { ...base, host: event.host, step: event.stepId, title: event.title, artifacts: event.artifacts };
    case 'step-finished': {
      const { result } = event;
      return { ...base, host: event.host, step: result.stepId, status: result.status, removed: result.removed, left: result.left, message: result.message, durationMs: result.durationMs };
    }
    case 'host-finished': {
      const { plan: _plan, ...result } = event.result;
      return { ...base, host: event.host, result };
    }
    case 'run-finished':
      return {
        ...base,
        interrupted: event.interrupted,
        hosts: event.results.length,
        ok: event.results.filter((r) => r.status === 'ok').length,
        notOk: event.results.filter((r) => r.status !== 'ok').map((r) => ({ name: r.name, status: r.status, failure: r.failure })),
      };
    default:
      return { ...base, ...event };
  }
}

/** An observer writing one line per event; `mask` removes secrets from anything remote output carried. */
export function createNdjsonOutput(write: (line: string) => void, mask: (text: string) => string): (event: RunEvent) => void {
  return (event) => {
    const record = toNdjsonRecord(event);
    if (record) write(`${mask(JSON.stringify(record))}\n`);
  };
}
