// Rolling batches: `--batch 1,5,25%` — each entry is a batch size (count or percent of all hosts);
// the last entry repeats until every host is in a batch (as Ansible's `serial` list does).
/** One batch's size (parsed from --batch by src/cli/flag-values.ts). */
export type BatchSize = { count: number } | { percent: number };

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
