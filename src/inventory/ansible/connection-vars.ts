// Ansible's connection variables → nodescrub's host settings. Secrets, templates and ways of connecting
// nodescrub can't honour are refused by name; variables that are not about connecting are ignored.
import { isAddress } from '../address.js';
import { FINGERPRINT_FORMAT, isFingerprint } from '../fingerprint.js';
import { describeValue, expected, unknownKeyMessage } from '../problems.js';
import { readSetting, type SettingKey, type SettingsLayer } from '../settings.js';
import { findJumpHost } from './jump-args.js';
import type { AnsibleVar } from './model.js';

/** Where a variable lands: a setting the precedence chain carries, or a host-only field. */
export type HostField = SettingKey | 'address' | 'hostKeyFingerprint';

/** What one variable means: nothing to nodescrub, fine as is, a value for a field, or a refusal. */
export type VarReading =
  | { kind: 'ignored' }
  | { kind: 'accepted' }
  | { kind: 'field'; field: HostField; value: unknown }
  | { kind: 'problem'; message: string };

type Convert = (value: unknown) => unknown;
const asText: Convert = (value) => (typeof value === 'number' ? String(value) : value);
const asPort: Convert = (value) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value);
// Ansible's boolean(): yes/no, true/false, on/off, 1/0 in any case.
const asBoolean: Convert = (value) => {
  const text = String(value).toLowerCase();
  if (['yes', 'y', 'true', 't', 'on', '1', '1.0'].includes(text)) return true;
  if (['no', 'n', 'false', 'f', 'off', '0', '0.0'].includes(text)) return false;
  return value;
};

/** Variables that set a field, in the order they are applied: a later one wins (legacy names first). */
const FIELD_VARS: Record<string, [HostField, Convert]> = {
  ansible_ssh_host: ['address', asText],
  ansible_host: ['address', asText],
  ansible_ssh_port: ['port', asPort],
  ansible_port: ['port', asPort],
  ansible_ssh_user: ['user', asText],
  ansible_user: ['user', asText],
  ansible_private_key_file: ['identityFile', asText],
  ansible_ssh_private_key_file: ['identityFile', asText],
  ansible_become: ['become', asBoolean],
  nodescrub_password_env: ['passwordEnv', asText],
  nodescrub_identity_passphrase_env: ['identityPassphraseEnv', asText],
  nodescrub_become_password_env: ['becomePasswordEnv', asText],
  nodescrub_jump_host: ['jumpHost', asText],
  nodescrub_host_key_fingerprint: ['hostKeyFingerprint', asText],
  nodescrub_reboot_command: ['rebootCommand', asText],
  nodescrub_boot_id_command: ['bootIdCommand', asText],
};

/** ssh puts these on its command line in this order and uses the first jump host: applied last wins. */
const SSH_ARGS_VARS = ['ansible_ssh_extra_args', 'ansible_ssh_common_args', 'ansible_ssh_args'];

const SECRET_VARS: Record<string, string> = {
  ansible_password: 'nodescrub_password_env',
  ansible_ssh_pass: 'nodescrub_password_env',
  ansible_ssh_password: 'nodescrub_password_env',
  ansible_become_password: 'nodescrub_become_password_env',
  ansible_become_pass: 'nodescrub_become_password_env',
  ansible_sudo_pass: 'nodescrub_become_password_env',
  ansible_sudo_password: 'nodescrub_become_password_env',
};

const CHOICE_VARS: Record<string, { allowed: string[]; why: string }> = {
  ansible_connection: { allowed: ['ssh', 'smart', 'paramiko', 'paramiko_ssh'], why: 'nodescrub connects over SSH only' },
  ansible_become_method: { allowed: ['sudo'], why: 'nodescrub becomes root with sudo only' },
  ansible_become_user: { allowed: ['root'], why: 'nodescrub becomes root only' },
};

const NODESCRUB_VARS = Object.keys(FIELD_VARS).filter((key) => key.startsWith('nodescrub_'));

/** What a `!vault` value in a vars file reads as: nodescrub never decrypts it. */
export const VAULTED = Symbol('vaulted');

/** Reads one variable; the message of a problem names the variable but never echoes a secret. */
export function readAnsibleVar(key: string, value: unknown): VarReading {
  const secretHome = SECRET_VARS[key];
  if (secretHome !== undefined && value !== null && value !== '') {
    const env = secretHome.replace(/^nodescrub_/, '').replace(/_(\w)/g, (_, c: string) => c.toUpperCase());
    return problem(key, `secrets are not read from inventory files (value not shown): put it in an environment variable and name that variable with ${secretHome}=VAR (nodescrub's ${env})`);
  }
  if (value === VAULTED) {
    return isConnectionVar(key) ? problem(key, 'is vaulted (!vault): nodescrub reads no vault; write the value itself') : { kind: 'ignored' };
  }
  if (typeof value === 'string' && /\{\{|\{%/.test(value) && isConnectionVar(key)) {
    return problem(key, `${describeValue(value)} is a Jinja template; nodescrub does not evaluate templates: write the value itself`);
  }
  const choice = CHOICE_VARS[key];
  if (choice !== undefined) {
    const text = String(value).replace(/^ansible\.builtin\./, '');
    return choice.allowed.includes(text) ? { kind: 'accepted' } : problem(key, expected(choice.allowed.join(' or '), value, choice.why));
  }
  if (SSH_ARGS_VARS.includes(key)) return readSshArgs(key, value);
  const target = FIELD_VARS[key];
  if (target !== undefined) return checkField(key, target[0], target[1](value));
  if (key.startsWith('nodescrub_')) return problem(key, unknownKeyMessage(key, NODESCRUB_VARS).replace('unknown key', 'unknown nodescrub variable'));
  return { kind: 'ignored' };
}

function isConnectionVar(key: string): boolean {
  return Object.hasOwn(FIELD_VARS, key) || Object.hasOwn(CHOICE_VARS, key) || SSH_ARGS_VARS.includes(key);
}

function problem(key: string, message: string): VarReading {
  return { kind: 'problem', message: `${key}: ${message}` };
}

function readSshArgs(key: string, value: unknown): VarReading {
  if (value === null) return { kind: 'ignored' };
  if (typeof value !== 'string') return problem(key, expected('ssh arguments as a string', value));
  const jump = findJumpHost(value);
  if (jump.kind === 'none') return { kind: 'ignored' };
  if (jump.kind === 'problem') return problem(key, jump.message);
  return checkField(key, 'jumpHost', jump.value);
}

// The same checks as a native inventory's fields, so both formats accept exactly the same values.
function checkField(key: string, field: HostField, value: unknown): VarReading {
  if (field === 'address') {
    return typeof value === 'string' && isAddress(value) ? { kind: 'field', field, value } : problem(key, expected('a DNS name or IP address', value));
  }
  if (field === 'hostKeyFingerprint') {
    return isFingerprint(value) ? { kind: 'field', field, value } : problem(key, expected(FINGERPRINT_FORMAT, value));
  }
  const scratch: SettingsLayer = { values: {}, paths: {} };
  const problems: { path: string; message: string }[] = [];
  readSetting(scratch, field, value, '', problems);
  if (problems.length > 0) return problem(key, field === 'become' ? expected('a boolean (true/false, yes/no, 1/0)', value) : problems[0].message);
  return { kind: 'field', field, value: scratch.values[field] };
}

/** A host's fields from its merged variables; each setting remembers the line that set it. */
export function buildHostFields(vars: ReadonlyMap<string, AnsibleVar>): { address?: string; hostKeyFingerprint?: string; layer: SettingsLayer } {
  const fields: { address?: string; hostKeyFingerprint?: string; layer: SettingsLayer } = { layer: { values: {}, paths: {} } };
  for (const key of [...Object.keys(FIELD_VARS), ...SSH_ARGS_VARS]) {
    const variable = vars.get(key);
    if (variable === undefined) continue;
    const reading = readAnsibleVar(key, variable.value);
    if (reading.kind !== 'field') continue;
    if (reading.field === 'address' || reading.field === 'hostKeyFingerprint') {
      fields[reading.field] = String(reading.value);
    } else {
      Object.assign(fields.layer.values, { [reading.field]: reading.value });
      fields.layer.paths[reading.field] = variable.at;
    }
  }
  return fields;
}
