// The settings a host inherits (defaults < group vars < host): their keys, types and checks.
import { ok, fail, type Result } from '../errors.js';
import { isPort, isUserName, parseHostAddress } from './address.js';
import { describeKind, expected, type Problem, joinPath, unknownKeyMessage } from './problems.js';

/** A jump host as written; a missing user is filled in later (OpenSSH: the local user). */
export interface JumpHostSetting {
  user?: string;
  address: string;
  port: number;
}

/** Inheritable settings after type checks; `null` means "explicitly none" (overrides a default). */
export interface Settings {
  user: string;
  port: number;
  identityFile: string | null;
  identityPassphraseEnv: string | null;
  passwordEnv: string | null;
  become: boolean;
  becomePasswordEnv: string | null;
  jumpHost: JumpHostSetting | null;
  rebootCommand: string;
  bootIdCommand: string;
}

export type SettingKey = keyof Settings;

/** One level of the precedence chain, remembering where each value was written for messages. */
export interface SettingsLayer {
  values: Partial<Settings>;
  paths: Partial<Record<SettingKey, string>>;
}

type Check<T> = (value: unknown) => Result<T>;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const checkEnvName: Check<string | null> = (value) => {
  if (value === null) return ok(value);
  if (typeof value === 'string' && ENV_NAME.test(value)) return ok(value);
  // Never echo it: something that is not a variable name may well be the secret pasted in by mistake.
  const got = typeof value === 'string' ? 'a string that is not one' : describeKind(value);
  const message = `expected the name of an environment variable (like NODESCRUB_SSH_PASSWORD), got ${got} (value not shown: it may be a secret)`;
  return fail(message);
};

const checkCommand: Check<string> = (value) =>
  typeof value === 'string' && value.trim() !== ''
    ? ok(value)
    : fail(expected('a non-empty command', value));

const CHECKS: { [K in SettingKey]: Check<Settings[K]> } = {
  user: (value) =>
    typeof value === 'string' && isUserName(value)
      ? ok(value)
      : fail(expected('a user name (letters, digits, ._-)', value)),
  port: (value) => (isPort(value) ? ok(value) : fail(expected('an integer 1-65535', value))),
  identityFile: (value) => {
    if (value === null) return ok(value);
    if (typeof value !== 'string' || value.trim() === '') return fail(expected('a key file path', value));
    if (/^~[^/]/.test(value)) return fail(expected('a key file path', value, '~user is not supported, use ~/ or a full path'));
    return ok(value);
  },
  identityPassphraseEnv: checkEnvName,
  passwordEnv: checkEnvName,
  become: (value) => (typeof value === 'boolean' ? ok(value) : fail(expected('true or false', value))),
  becomePasswordEnv: checkEnvName,
  jumpHost: (value) => {
    if (value === null) return ok(value);
    if (typeof value !== 'string') return fail(expected('[user@]host[:port]', value));
    const parsed = parseHostAddress(value);
    if (!parsed.ok) return fail(expected('[user@]host[:port]', value, parsed.error));
    const { user, host, port } = parsed.value;
    return ok({ user, address: host, port: port ?? 22 });
  },
  rebootCommand: checkCommand,
  bootIdCommand: checkCommand,
};

/** Keys that describe one machine and so can't be inherited. */
export const HOST_ONLY_KEYS: readonly string[] = ['name', 'address', 'hostKeyFingerprint'];

/** Every inheritable key, in the order messages and docs list them. */
export const SETTING_KEYS = Object.keys(CHECKS) as SettingKey[];

/** True for keys the precedence chain carries (as opposed to host-only or unknown keys). */
export function isSettingKey(key: string): key is SettingKey {
  return Object.hasOwn(CHECKS, key);
}

/** Checks one setting and stores it in the layer, or records why it can't be used. */
export function readSetting(layer: SettingsLayer, key: SettingKey, value: unknown, path: string, problems: Problem[]): void {
  storeSetting(layer, key, value, joinPath(path, key), problems);
}

function storeSetting<K extends SettingKey>(layer: SettingsLayer, key: K, value: unknown, path: string, problems: Problem[]): void {
  const result = CHECKS[key](value);
  if (!result.ok) {
    problems.push({ path, message: result.error });
    return;
  }
  layer.values[key] = result.value;
  layer.paths[key] = path;
}

/** Reads a `defaults:` or `vars:` mapping; host-only keys get a message saying where they belong. */
export function readSettingsMapping(mapping: Record<string, unknown>, path: string, problems: Problem[]): SettingsLayer {
  const layer: SettingsLayer = { values: {}, paths: {} };
  for (const [key, value] of Object.entries(mapping)) {
    if (isSettingKey(key)) readSetting(layer, key, value, path, problems);
    else if (HOST_ONLY_KEYS.includes(key)) problems.push({ path: joinPath(path, key), message: 'allowed only on a host entry under hosts:' });
    else problems.push({ path: joinPath(path, key), message: unknownKeyMessage(key, SETTING_KEYS) });
  }
  return layer;
}
