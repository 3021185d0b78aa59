// The unit of the probe: one small read-only shell snippet and the typed parse of what it printed.
import { ProbeParseError } from '../errors.js';

/** One section of the probe script. Its stdout is the data; stderr and exit status come back apart. */
export interface ProbeSection {
  /** `[a-z0-9-]+`, unique; also names the section in parse errors. */
  id: string;
  /** Body of a POSIX sh function, run with stdin from /dev/null (in a subshell unless `inline`). */
  script: string;
  /**
   * Runs in the probe's own shell, saving the fork of a subshell (one per section adds up across a
   * fleet). Its script then ends with `return`, never `exit`, changes no shell option, directory or
   * trap, and sets every variable it reads (test/unit/recipe/probe-inline.test.ts checks the built-in ones).
   */
  inline?: boolean;
  /** A sh statement run in the main shell first (sets what this section and later ones read). */
  before?: string;
  /** A sh condition tested in the main shell: when false the section is reported as skipped. */
  runIf?: string;
  /** A sh statement run in the main shell afterwards (`$__ns_rc` holds the section's status). */
  after?: string;
  /** Its output may hold credentials (a kubelet's client key): parsed, never logged (see redactSections). */
  secret?: boolean;
}

export interface SectionOutput {
  status: number | 'skipped';
  stdout: string;
  stderr: string;
}

/** A fact: the sections it needs and the pure function turning their output into typed data. */
export interface FactDefinition<T> {
  sections: ProbeSection[];
  parse(read: SectionReader): T;
}

/** Hands a fact parser the sections it asks for; a missing one means a truncated or foreign output. */
export class SectionReader {
  constructor(private readonly outputs: ReadonlyMap<string, SectionOutput>) {}

  get(id: string): SectionOutput {
    const output = this.outputs.get(id);
    if (!output) throw new ProbeParseError(`section ${id} is missing from the probe output`);
    return output;
  }
}

/** Raises the one-line parse error every parser uses: `section: line N: what`. */
export function parseFail(section: string, message: string, line?: number): never {
  throw new ProbeParseError(line === undefined ? `${section}: ${message}` : `${section}: line ${line}: ${message}`);
}

/** The lines of a section body (a final newline does not make an extra empty line). */
export function bodyLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Parses `key value` header lines into a map, refusing unknown keys and duplicates. */
export function parseKeyValues(section: string, lines: string[], keys: readonly string[]): Map<string, string> {
  const values = new Map<string, string>();
  lines.forEach((line, i) => {
    const match = /^([a-z0-9-]+) (.*)$/.exec(line);
    if (!match || !keys.includes(match[1])) parseFail(section, `unexpected line ${JSON.stringify(line.slice(0, 80))}`, i + 1);
    if (values.has(match[1])) parseFail(section, `duplicate ${match[1]}`, i + 1);
    values.set(match[1], match[2]);
  });
  for (const key of keys) if (!values.has(key)) parseFail(section, `missing ${key}`);
  return values;
}

/** Reads a `yes`/`no` value. */
export function parseYesNo(section: string, key: string, value: string): boolean {
  if (value === 'yes') return true;
  if (value === 'no') return false;
  return parseFail(section, `${key} must be yes or no, got ${JSON.stringify(value.slice(0, 40))}`);
}

/** Exit status of `timeout` when it had to stop the command (the probe's `__ns_t`). */
export const TIMED_OUT = 124;

/** How a probe command stopped by its timeout is reported: as a timeout, never as "exit status 124". */
export function noAnswer(command: string, seconds: number): string {
  return `${command} gave no answer within ${seconds} s`;
}

/** The first meaningful line of stderr (or stdout), for a failure reason. */
export function firstErrorLine(output: SectionOutput): string {
  const line = `${output.stderr}\n${output.stdout}`.split('\n').map((l) => l.trim()).find((l) => l.length > 0);
  return line ?? `exit status ${String(output.status)}`;
}
