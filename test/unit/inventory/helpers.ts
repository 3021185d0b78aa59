// Shared by the inventory tests: an isolated home directory (so the default-key lookup is deterministic),
// and a helper that returns the problem lines for a YAML snippet.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { InventoryError } from '../../../src/errors.js';
import { parseInventoryDocument } from '../../../src/inventory/load.js';
import type { Inventory } from '../../../src/inventory/types.js';

let currentHome = '/nonexistent-home';

/** An empty temp dir used as the home directory (`homeDir` option) by this file's tests. */
export function useTempHome(): () => string {
  beforeAll(() => {
    currentHome = mkdtempSync(join(tmpdir(), 'nodescrub-home-'));
  });
  afterAll(() => {
    rmSync(currentHome, { recursive: true, force: true });
  });
  return () => currentHome;
}

/** Creates `~/.ssh/<name>` in the temp home. */
export function writeHomeKey(home: string, name = 'id_ed25519'): string {
  mkdirSync(join(home, '.ssh'), { recursive: true });
  const path = join(home, '.ssh', name);
  writeFileSync(path, 'key\n');
  return path;
}

/** Loads a YAML snippet as `inv.yaml` (relative paths against baseDir, local user `me`). */
export function loadSnippet(yaml: string, env: NodeJS.ProcessEnv = {}, baseDir = '/nonexistent'): Inventory {
  return parseInventoryDocument(load(yaml), 'inv.yaml', env, { baseDir, localUser: 'me', homeDir: currentHome });
}

/** The problem lines a snippet produces ([] when it loads). */
export function problemsOf(yaml: string, env: NodeJS.ProcessEnv = {}, baseDir = '/nonexistent'): string[] {
  try {
    loadSnippet(yaml, env, baseDir);
    return [];
  } catch (error) {
    if (error instanceof InventoryError) return error.problems;
    throw error;
  }
}
