// Step 2 of 3: who is in which group, and each host's effective settings (defaults < groups < host).
import { userInfo } from 'node:os';
import { findDefaultKey, resolveKeyPath } from './key-file.js';
import { fillFromSshConfig, type SshConfigSource } from './ssh-config/merge.js';
import type { GroupEntry, ParsedInventory } from './parse.js';
import type { HostEntry } from './parse-host.js';
import type { SettingKey, Settings, SettingsLayer } from './settings.js';
import { DEFAULT_BOOT_ID_COMMAND, DEFAULT_REBOOT_COMMAND, type HostSpec } from './types.js';

/** A host with the provenance rules need to point at the line that set a value. */
export interface ResolvedHost {
  spec: HostSpec;
  /** Where each setting in effect was written; absent means a built-in default. */
  origins: Partial<Record<SettingKey, string>>;
  /** identityFile exactly as written (before `~` and relative-path resolution), for messages. */
  identityFileAsWritten?: string;
}

/** What normalizing needs from outside the document. */
export interface NormalizeContext {
  /** Directory of the inventory file: relative identityFile paths are resolved against it. */
  baseDir: string;
  /** Jump host user when none is written (OpenSSH's ProxyJump does the same). */
  localUser: string;
  /** What `~` means in identityFile, and where the default keys are looked for. */
  homeDir: string;
  /** --ssh-config: fills the connection settings nobody wrote for a host. */
  sshConfig?: SshConfigSource;
}

const BUILT_IN: Settings = {
  user: 'root',
  port: 22,
  identityFile: null,
  identityPassphraseEnv: null,
  passwordEnv: null,
  become: false,
  becomePasswordEnv: null,
  jumpHost: null,
  rebootCommand: DEFAULT_REBOOT_COMMAND,
  bootIdCommand: DEFAULT_BOOT_ID_COMMAND,
};

interface Membership {
  entry?: HostEntry;
  groups: GroupEntry[];
}

/** Hosts in file order (first mention wins), each joined to its groups and given its settings. */
export function resolveHosts(parsed: ParsedInventory, context: NormalizeContext): { hosts: ResolvedHost[]; groups: Record<string, string[]> } {
  const members = collectMembership(parsed);
  // A Map, then fromEntries: a group called `__proto__` stays an own key instead of a prototype.
  const byGroup = new Map<string, string[]>(parsed.groups.map((group) => [group.name, []]));
  for (const [name, membership] of members) for (const group of membership.groups) byGroup.get(group.name)?.push(name);
  const groups = Object.fromEntries(byGroup);
  const defaultKey = findDefaultKey(context.homeDir);
  const hosts = [...members].map(([name, membership]) => resolveHost(name, membership, parsed.defaults, context, defaultKey));
  return { hosts, groups };
}

function collectMembership(parsed: ParsedInventory): Map<string, Membership> {
  const members = new Map<string, Membership>();
  const visit = (name: string): Membership => {
    const known = members.get(name);
    if (known !== undefined) return known;
    const fresh: Membership = { groups: [] };
    members.set(name, fresh);
    return fresh;
  };
  for (const section of parsed.sectionOrder) {
    if (section === 'hosts') {
      for (const entry of parsed.hosts) for (const name of entry.names) visit(name).entry ??= entry;
    } else {
      for (const group of parsed.groups) for (const member of group.members) visit(member.name);
    }
  }
  for (const group of parsed.groups) {
    for (const member of group.members) {
      const membership = visit(member.name);
      if (!membership.groups.includes(group)) membership.groups.push(group);
    }
  }
  return members;
}

function resolveHost(
  name: string,
  membership: Membership,
  defaults: SettingsLayer,
  context: NormalizeContext,
  defaultKey: string | undefined,
): ResolvedHost {
  const layers = [defaults, ...membership.groups.map((group) => group.layer)];
  if (membership.entry !== undefined) layers.push(membership.entry.layer);
  const settings: Settings = { ...BUILT_IN };
  const origins: ResolvedHost['origins'] = {};
  for (const layer of layers) {
    Object.assign(settings, layer.values);
    Object.assign(origins, layer.paths);
  }
  const written = settings.identityFile;
  const identityFile =
    origins.identityFile === undefined ? defaultKey : written === null ? undefined : resolveKeyPath(written, context.baseDir, context.homeDir);
  const { jumpHost } = settings;
  const spec: HostSpec = {
    name,
    address: membership.entry?.address ?? name,
    port: settings.port,
    user: settings.user,
    identityFile,
    identityPassphraseEnv: settings.identityPassphraseEnv ?? undefined,
    passwordEnv: settings.passwordEnv ?? undefined,
    become: settings.become,
    becomePasswordEnv: settings.becomePasswordEnv ?? undefined,
    jumpHost: jumpHost === null ? undefined : { ...jumpHost, user: jumpHost.user ?? context.localUser },
    hostKeyFingerprint: membership.entry?.hostKeyFingerprint,
    rebootCommand: settings.rebootCommand,
    bootIdCommand: settings.bootIdCommand,
    groups: membership.groups.map((group) => group.name),
  };
  const filled = context.sshConfig ? fillFromSshConfig(spec, writtenSettings(membership, origins), context.sshConfig, context.homeDir) : spec;
  return { spec: dropUndefined(filled), origins, identityFileAsWritten: written ?? undefined };
}

function writtenSettings(membership: Membership, origins: ResolvedHost['origins']) {
  return {
    address: membership.entry?.address !== undefined,
    port: origins.port !== undefined,
    user: origins.user !== undefined,
    identityFile: origins.identityFile !== undefined,
    jumpHost: origins.jumpHost !== undefined,
  };
}

// Optional fields are absent rather than `undefined`, so specs compare and serialise cleanly.
function dropUndefined(spec: HostSpec): HostSpec {
  return Object.fromEntries(Object.entries(spec).filter(([, value]) => value !== undefined)) as unknown as HostSpec;
}

/** The local login name, as OpenSSH would use it; containers without a passwd entry fall back to env. */
export function localUserName(env: NodeJS.ProcessEnv): string {
  try {
    return userInfo().username;
  } catch {
    return env.USER ?? env.LOGNAME ?? 'root';
  }
}
