// The categories in the order a human reads a cleanup, with short column headers for tables.
import type { Artifact, Category } from '../recipe/types.js';

export const CATEGORY_COLUMNS: readonly { category: Category; header: string; one: string; many: string }[] = [
  { category: 'services', header: 'svc', one: 'service', many: 'services' },
  { category: 'containers', header: 'ctrs', one: 'container', many: 'containers' },
  { category: 'volumes', header: 'vols', one: 'volume', many: 'volumes' },
  { category: 'images', header: 'imgs', one: 'image', many: 'images' },
  { category: 'mounts', header: 'mounts', one: 'mount', many: 'mounts' },
  { category: 'directories', header: 'dirs', one: 'directory', many: 'directories' },
  { category: 'interfaces', header: 'ifaces', one: 'interface', many: 'interfaces' },
  // iptables chains and rules, nftables tables, IPVS services: the packet-filtering state
  { category: 'iptables', header: 'iptables', one: 'firewall rule, chain or table', many: 'firewall rules, chains and tables' },
];

/** "1 container", "154 firewall rules, chains and tables". */
export function countWords(category: Category, n: number): string {
  const column = CATEGORY_COLUMNS.find((c) => c.category === category);
  return `${n} ${n === 1 ? (column?.one ?? category) : (column?.many ?? category)}`;
}

/** Counts per category of a list of artifacts. */
export function countByCategory(artifacts: readonly Artifact[]): Partial<Record<Category, number>> {
  const counts: Partial<Record<Category, number>> = {};
  for (const artifact of artifacts) counts[artifact.category] = (counts[artifact.category] ?? 0) + 1;
  return counts;
}

/** "7 containers, 2 volumes" — what a step title shows once it is done. */
export function describeCounts(artifacts: readonly Artifact[]): string {
  const counts = countByCategory(artifacts);
  return CATEGORY_COLUMNS.flatMap(({ category }) => (counts[category] ? [countWords(category, counts[category])] : [])).join(', ');
}
