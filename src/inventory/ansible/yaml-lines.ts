// js-yaml hands back values, not positions. Ansible YAML messages must name a line, so the document is
// loaded while recording where each mapping's text starts and ends; a key is then found in that span.
import { load, type Schema } from 'js-yaml';

/** A loaded document plus a way back from (mapping, key) to the 1-based line the key is written on. */
export interface LocatedYaml {
  doc: unknown;
  lineOf(mapping: object, key: string): number | undefined;
}

/** Loads like js-yaml's `load` (and throws its YAMLException); the spans cost one WeakMap entry per mapping. */
export function loadLocatedYaml(text: string, filename: string, schema?: Schema): LocatedYaml {
  const spans = new WeakMap<object, { start: number; end: number }>();
  const starts: number[] = [];
  const doc = load(text, {
    filename,
    ...(schema === undefined ? {} : { schema }),
    listener(event, state) {
      if (event === 'open') {
        starts.push(state.position);
        return;
      }
      const start = starts.pop() ?? 0;
      const result: unknown = state.result;
      // An alias closes with the anchored object again: keep the span where it was written.
      if (result !== null && typeof result === 'object' && !spans.has(result)) spans.set(result, { start, end: state.position });
    },
  });
  return {
    doc,
    lineOf(mapping, key) {
      const span = spans.get(mapping);
      return span === undefined ? undefined : findKeyLine(text, span.start, span.end, key);
    },
  };
}

const KEY_LINE = /^(\s*(?:-\s+)*)(?:"((?:[^"\\]|\\.)*)"|'((?:[^']|'')*)'|([^\s#'"][^#]*?))\s*:(?:\s|$)/;

// Block style: the mapping's own keys all start in one column (that of its first key); the key
// wanted is the line in that column that names it. Flow style (`{a: 1}`): the first `{`/`,` key match.
function findKeyLine(text: string, start: number, end: number, key: string): number | undefined {
  const firstLine = countLines(text, start);
  const lines = text.slice(start, end).split('\n');
  let column: number | undefined;
  for (const [index, line] of lines.entries()) {
    const match = KEY_LINE.exec(index === 0 ? ' '.repeat(start - lineStart(text, start)) + line : line);
    if (match === null || line.trim().startsWith('#')) continue;
    column ??= match[1].length;
    const written = match[2] ?? match[3]?.replace(/''/g, "'") ?? match[4];
    if (match[1].length === column && written === key) return firstLine + index;
  }
  const flow = new RegExp(`[{,]\\s*["']?${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']?\\s*:`).exec(text.slice(start, end));
  return flow === null ? undefined : countLines(text, start + flow.index);
}

// 1-based line number of a character offset.
function countLines(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === '\n') line++;
  return line;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}
