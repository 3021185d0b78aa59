// Artifacts as one bounded line of text, for result messages ("verification found left: …").
// Pure (recipe types only), so the engine can word its results without depending on any renderer.
import type { Artifact } from '../recipe/types.js';

/** "2 containers (abc, def), 1 mounts (/var/lib/kubelet)" — bounded so a huge leftover stays one line. */
export function describeArtifacts(artifacts: Artifact[]): string {
  const byCategory = new Map<string, string[]>();
  for (const artifact of artifacts) {
    const names = byCategory.get(artifact.category) ?? [];
    names.push(artifact.name);
    byCategory.set(artifact.category, names);
  }
  return [...byCategory]
    .map(([category, names]) => {
      const shown = names.slice(0, 3).join(', ') + (names.length > 3 ? `, +${names.length - 3} more` : '');
      return `${names.length} ${category} (${shown})`;
    })
    .join('; ');
}
