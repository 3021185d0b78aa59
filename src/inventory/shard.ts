// --shard K/N: a stable split of the selected hosts for N parallel CI jobs. Host i (in inventory
// order, after --limit) goes to shard (i mod N) + 1: balanced, and identical in every job that
// reads the same inventory.
/** The K-th (index) of N (count) shards, 1-based (parsed from --shard by src/cli/flag-values.ts). */
export interface Shard {
  index: number;
  count: number;
}

export function selectShard<T>(items: readonly T[], shard: Shard): T[] {
  return items.filter((_, i) => i % shard.count === shard.index - 1);
}
