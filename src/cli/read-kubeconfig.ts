// --kubeconfig FILE: read and resolved here, once, up front — a broken file is a usage error, not a
// per-host note. The live-node guard receives the resolved API target (src/guards/index.ts).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import type { AdminKubeconfig } from '../guards/index.js';
import { parseKubeconfig } from '../guards/kubeconfig.js';

export function readAdminKubeconfig(path: string): AdminKubeconfig {
  const full = resolve(path);
  let text: string;
  try {
    text = readFileSync(full, 'utf8');
  } catch (error) {
    throw new UsageError(`--kubeconfig ${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const parsed = parseKubeconfig(text, full, readIfThere);
  if (!parsed.ok) throw new UsageError(`--kubeconfig ${path}: ${parsed.error}`);
  return { path, target: parsed.value };
}

// Files the kubeconfig points at (certificate-authority: …); a missing one is reported by the parser.
function readIfThere(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
