// Parsing one host item (`- name` or `- { name: ..., port: ... }`) and host-name patterns.
import { isAddress, isHostName } from './address.js';
import { FINGERPRINT_FORMAT, isFingerprint } from './fingerprint.js';
import { expected, isMapping, joinPath, type Problem, unknownKeyMessage } from './problems.js';
import { expandHostPattern, hasHostRange } from './ranges.js';
import { HOST_ONLY_KEYS, isSettingKey, readSetting, SETTING_KEYS, type SettingsLayer } from './settings.js';

/** One item under `hosts:` (a string or a mapping), its patterns already expanded. */
export interface HostEntry {
  path: string;
  /** Where the name was written: `hosts[1]` for a string item, `hosts[1].name` for a mapping. */
  namePath: string;
  names: string[];
  address?: string;
  hostKeyFingerprint?: string;
  layer: SettingsLayer;
}

const HOST_KEYS = [...HOST_ONLY_KEYS, ...SETTING_KEYS];

/** Reads one host item; undefined when it is not even a string or a mapping. */
export function readHostEntry(item: unknown, path: string, problems: Problem[]): HostEntry | undefined {
  if (typeof item === 'string') {
    return { path, namePath: path, names: readHostNames(item, path, problems), layer: { values: {}, paths: {} } };
  }
  if (!isMapping(item)) {
    problems.push({ path, message: expected('a host name or a mapping with name:', item) });
    return undefined;
  }
  const namePath = joinPath(path, 'name');
  const entry: HostEntry = { path, namePath, names: [], layer: { values: {}, paths: {} } };
  for (const [key, value] of Object.entries(item)) {
    const keyPath = joinPath(path, key);
    if (key === 'name') entry.names = readHostNames(value, keyPath, problems);
    else if (key === 'address') entry.address = readChecked(value, keyPath, isAddressText, 'a DNS name or IP address', problems);
    else if (key === 'hostKeyFingerprint') entry.hostKeyFingerprint = readChecked(value, keyPath, isFingerprint, FINGERPRINT_FORMAT, problems);
    else if (isSettingKey(key)) readSetting(entry.layer, key, value, path, problems);
    else problems.push({ path: keyPath, message: unknownKeyMessage(key, HOST_KEYS) });
  }
  if (!Object.hasOwn(item, 'name')) problems.push({ path: namePath, message: expected('a host name', undefined) });
  if (entry.address !== undefined && entry.names.length > 1) {
    problems.push({ path: namePath, message: expected('a single host name when address: is set', item.name) });
  }
  return entry;
}

/** A name or a range pattern (`node[01-20]`), expanded and checked; on a problem, no names. */
export function readHostNames(value: unknown, path: string, problems: Problem[]): string[] {
  if (typeof value !== 'string') {
    problems.push({ path, message: expected('a host name', value) });
    return [];
  }
  if (!hasHostRange(value)) {
    if (isHostName(value)) return [value];
    problems.push({ path, message: expected('a host name (letters, digits, .-_)', value) });
    return [];
  }
  const expansion = expandHostPattern(value);
  if (!expansion.ok) {
    problems.push({ path, message: expected('a host name or range like node[01-20]', value, expansion.error) });
    return [];
  }
  if (expansion.value.every(isHostName)) return expansion.value;
  problems.push({ path, message: expected('host names (letters, digits, .-_)', value) });
  return [];
}

function isAddressText(value: unknown): value is string {
  return typeof value === 'string' && isAddress(value);
}

function readChecked(
  value: unknown,
  path: string,
  check: (value: unknown) => value is string,
  what: string,
  problems: Problem[],
): string | undefined {
  if (check(value)) return value;
  problems.push({ path, message: expected(what, value) });
  return undefined;
}
