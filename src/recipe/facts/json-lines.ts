// Docker's `--format '{{json .}}'` output: one JSON object per line, fields checked by type.
import { bodyLines, parseFail } from '../probe/section.js';

export type JsonRecord = Record<string, unknown>;

/** Each line must be a JSON object; anything else is a parse error naming the line. */
export function parseJsonLines(section: string, text: string): JsonRecord[] {
  return bodyLines(text).map((line, i) => {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return parseFail(section, `not a JSON line: ${JSON.stringify(line.slice(0, 80))}`, i + 1);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return parseFail(section, 'expected a JSON object', i + 1);
    }
    return value as JsonRecord;
  });
}

/** A required string field. */
export function stringField(section: string, record: JsonRecord, key: string, line: number): string {
  const value = record[key];
  if (typeof value !== 'string') return parseFail(section, `field ${key} missing or not a string`, line);
  return value;
}

/** An optional string field (older docker versions lack some). */
export function optionalStringField(section: string, record: JsonRecord, key: string, line: number): string | null {
  const value = record[key];
  if (value === undefined) return null;
  if (typeof value !== 'string') return parseFail(section, `field ${key} is not a string`, line);
  return value;
}
