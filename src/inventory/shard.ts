// --shard K/N: a stable split of the selected hosts for N parallel CI jobs. Host i (in inventory
// order, after --limit) goes to shard (i mod N) + 1: balanced, and identical in every job that
// reads the same inventory.
import { UsageError } from '../errors.js';

export interface Shard {
  index: number;
  count: number;
}

export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!match || count < 1 || index < 1 || index > count) {
    throw new UsageError(`--shard: expected K/N with 1 ≤ K ≤ N, got "${text}"`);
  }
  return { index, count };
}

export function selectShard<T>(items: readonly T[], shard: Shard): T[] {
  return items.filter((_, i) => i % shard.count === shard.index - 1);
}
