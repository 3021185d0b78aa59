// Step 3 of 3: questions that span entries (duplicates, clashes, emptiness) or the outside world (env, files).
import { explainUnreadableFile } from './key-file.js';
import type { ResolvedHost } from './normalize.js';
import type { ParsedInventory } from './parse.js';
import { expected, type Problem } from './problems.js';

/** Duplicate names, group/host name clashes and an inventory with no hosts at all. */
export function checkDeclarations(parsed: ParsedInventory, problems: Problem[]): void {
  const declaredAt = new Map<string, string>();
  for (const entry of parsed.hosts) {
    for (const name of entry.names) {
      const first = declaredAt.get(name);
      if (first === undefined) declaredAt.set(name, entry.namePath);
      else problems.push({ path: entry.namePath, message: `duplicate host name "${name}" (first declared at ${first})` });
    }
  }
  for (const group of parsed.groups) {
    const listedAt = new Map<string, string>();
    for (const { name, path } of group.members) {
      const first = listedAt.get(name);
      if (first === undefined) listedAt.set(name, path);
      else problems.push({ path, message: `duplicate host name "${name}" in group ${group.name} (first listed at ${first})` });
      if (!declaredAt.has(name)) declaredAt.set(name, path);
    }
  }
  for (const group of parsed.groups) {
    const host = declaredAt.get(group.name);
    if (host !== undefined) {
      problems.push({ path: group.path, message: expected('a group name that is not also a host name', group.name, `host declared at ${host}`) });
    }
  }
  const rootProblem = problems.some((problem) => problem.path === '');
  if (parsed.declaredItems === 0 && !rootProblem) {
    problems.push({ path: '', message: "expected at least one host (under hosts: or a group's hosts:), got none" });
  }
}

/** Env vars named by *Env settings must be set, explicit key files readable: found now, not mid-run. */
export function checkHostEnvironment(hosts: readonly ResolvedHost[], env: NodeJS.ProcessEnv, problems: Problem[]): void {
  for (const { spec, origins, identityFileAsWritten } of hosts) {
    checkEnvSet(spec.passwordEnv, origins.passwordEnv, env, problems);
    if (spec.identityFile !== undefined) checkEnvSet(spec.identityPassphraseEnv, origins.identityPassphraseEnv, env, problems);
    if (spec.become) checkEnvSet(spec.becomePasswordEnv, origins.becomePasswordEnv, env, problems);
    if (spec.identityFile !== undefined && origins.identityFile !== undefined) {
      const reason = explainUnreadableFile(spec.identityFile);
      if (reason !== undefined) {
        problems.push({ path: origins.identityFile, message: expected('a readable key file', identityFileAsWritten, reason) });
      }
    }
  }
}

// Only the variable's name is ever printed, never its value.
function checkEnvSet(name: string | undefined, path: string | undefined, env: NodeJS.ProcessEnv, problems: Problem[]): void {
  if (name === undefined || path === undefined) return;
  const value = env[name];
  if (value === undefined) problems.push({ path, message: `${name} is not set` });
  else if (value === '') problems.push({ path, message: `${name} is set but empty` });
}
