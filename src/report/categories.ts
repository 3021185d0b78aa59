// The categories in the order a human reads a cleanup, with short column headers for tables.
import type { Artifact, Category } from '../recipe/types.js';

export const CATEGORY_COLUMNS: readonly { category: Category; header: string }[] = [
  { category: 'services', header: 'svc' },
  { category: 'containers', header: 'ctrs' },
  { category: 'volumes', header: 'vols' },
  { category: 'images', header: 'imgs' },
  { category: 'mounts', header: 'mounts' },
  { category: 'directories', header: 'dirs' },
  { category: 'interfaces', header: 'ifaces' },
  { category: 'iptables', header: 'iptables' },
];

/** Counts per category of a list of artifacts. */
export function countByCategory(artifacts: readonly Artifact[]): Partial<Record<Category, number>> {
  const counts: Partial<Record<Category, number>> = {};
  for (const artifact of artifacts) counts[artifact.category] = (counts[artifact.category] ?? 0) + 1;
  return counts;
}

/** "7 containers, 2 volumes" — what a step title shows once it is done. */
export function describeCounts(artifacts: readonly Artifact[]): string {
  const counts = countByCategory(artifacts);
  return CATEGORY_COLUMNS.flatMap(({ category }) => (counts[category] ? [`${counts[category]} ${category}`] : [])).join(', ');
}
