// Always takes the test lab down, then checks that the root namespace is exactly as global-setup
// found it (`scripts/lab root-state`: interfaces, addresses, routes, iptables, ip6tables, mounts,
// network namespaces).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tsImport } from 'tsx/esm/api';

// jest loads this file natively (no module mapper, no TypeScript for its imports): ./lab.ts comes
// through tsx, so the hooks and the tests share one set of lab helpers.
const loadLab = async () => (await tsImport('./lab.ts', import.meta.url)) as typeof import('./lab.js');

export default async function globalTeardown(): Promise<void> {
  const lab = await loadLab();
  const beforeFile = join(lab.labDir(), 'root-state-before.txt');
  const before = existsSync(beforeFile) ? readFileSync(beforeFile, 'utf8') : null;
  lab.labRunOk(['down']);
  if (before === null) return;
  const after = lab.labRunOk(['root-state']).stdout;
  if (after !== before) {
    throw new Error(`the lab left the root namespace changed:\n--- before up:\n${before}--- after down:\n${after}`);
  }
}
