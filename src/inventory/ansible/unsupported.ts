// What Ansible can read and nodescrub won't: dynamic inventory scripts (they would run code) and
// vault-encrypted files or values (they need the vault password). Each gets one message naming the line.
import { statSync } from 'node:fs';
import { extname } from 'node:path';
import type { Problem } from '../problems.js';

/** The command that turns a plugin config or a script into a static inventory nodescrub can read. */
export const EXPORT_HINT = 'ansible-inventory -i SOURCE --list --yaml --export > hosts.yml';

const STATIC_EXTENSIONS = ['.ini', '.yaml', '.yml', '.json'];

/** The first reason the whole file can't be read as a static, unencrypted inventory, if any. */
export function findUnsupportedFile(file: string, text: string): Problem | undefined {
  const script = `dynamic inventory scripts are not supported (nodescrub never runs code from an inventory): save its output with ${EXPORT_HINT.replace('SOURCE', file)}`;
  if (text.startsWith('#!')) return { path: 'line 1', message: `the file starts with "#!": ${script}` };
  if (text.startsWith('$ANSIBLE_VAULT')) {
    return { path: 'line 1', message: 'the file is encrypted with ansible-vault: nodescrub reads no vault; keep secrets out of the inventory (name environment variables with nodescrub_*_env) and store it decrypted' };
  }
  if (isExecutable(file) && !STATIC_EXTENSIONS.includes(extname(file).toLowerCase())) {
    return { path: '', message: `the file is executable, so Ansible would run it as a script: ${script}; if it is a static inventory, chmod -x it` };
  }
  return undefined;
}

/** The `!vault` value js-yaml refused, located by its tag (js-yaml reports where the value ended). */
export function describeVaultTag(text: string): Problem {
  const index = text.split('\n').findIndex((line) => /(^|[\s:[{,-])!vault(\s|$)/.test(line.replace(/#.*$/, '')));
  const key = index === -1 ? undefined : /^\s*(?:-\s+)?([^\s:]+)\s*:/.exec(text.split('\n')[index])?.[1];
  const what = key === undefined ? 'a vaulted value (!vault)' : `${key} is vaulted (!vault)`;
  const message = `${what}: nodescrub reads no vault; secrets stay out of the inventory (name an environment variable with nodescrub_*_env instead)`;
  return { path: index === -1 ? '' : `line ${index + 1}`, message };
}

function isExecutable(file: string): boolean {
  try {
    return (statSync(file).mode & 0o111) !== 0;
  } catch {
    return false;
  }
}
