// Rolling batches: `--batch 1,5,25%` — each entry is a batch size (count or percent of all hosts);
// the last entry repeats until every host is in a batch (as Ansible's `serial` list does).
import { UsageError } from '../errors.js';

export type BatchSize = { count: number } | { percent: number };

/** Parses `N`, `P%` or a comma list of them. */
export function parseBatchSpec(spec: string): BatchSize[] {
  const parts = spec.split(',').map((part) => part.trim());
  return parts.map((part) => {
    const match = /^(\d+)(%?)$/.exec(part);
    const value = match ? Number(match[1]) : NaN;
    if (!match || value < 1 || (match[2] === '%' && value > 100)) {
      throw new UsageError(`--batch: expected N, P% (1-100) or a comma list of them, got "${spec}"`);
    }
    return match[2] === '%' ? { percent: value } : { count: value };
  });
}

/** Splits items into consecutive batches; a percent rounds up so no batch is empty. */
export function splitIntoBatches<T>(items: readonly T[], sizes: readonly BatchSize[]): T[][] {
  if (sizes.length === 0) return items.length > 0 ? [items.slice()] : [];
  const batches: T[][] = [];
  let index = 0;
  let sizeIndex = 0;
  while (index < items.length) {
    const size = sizes[Math.min(sizeIndex, sizes.length - 1)];
    const count = 'count' in size ? size.count : Math.max(1, Math.ceil((items.length * size.percent) / 100));
    batches.push(items.slice(index, index + count));
    index += count;
    sizeIndex += 1;
  }
  return batches;
}
