// A kubeconfig reduced to what one GET needs: server, TLS material and credentials. Parsed locally;
// referenced files are looked up through a callback (read from the host, or from this machine).
import { ok, fail, type Result } from '../errors.js';
import { isIP } from 'node:net';
import { dirname, isAbsolute, join } from 'node:path/posix';
import yaml from 'js-yaml';

export interface ApiTarget {
  /** `https://host:port` exactly as the kubeconfig names it (without a path). */
  server: string;
  host: string;
  port: number;
  /** SNI and the name checked in the server certificate (`tls-server-name`, else the host). */
  serverName: string;
  /** PEM; undefined means the system's CAs. */
  ca?: string;
  cert?: string;
  key?: string;
  token?: string;
  insecureSkipTlsVerify: boolean;
  /** Credentials the kubeconfig names that cannot be used here (exec/auth-provider plugins). */
  unsupportedAuth?: string;
  /** Where each piece came from on the kubeconfig's machine: a file path, or `inline` (`*-data`, `token`). */
  origins?: Partial<Record<'ca' | 'cert' | 'key' | 'token', string>>;
}

export type KubeconfigResult = Result<ApiTarget>;

/** Returns the file's text, or undefined when it could not be read. */
export type ReadReferenced = (path: string) => string | undefined;

type Obj = Record<string, unknown>;

/** Parses `text` (the kubeconfig at `path`) and resolves its current context to an ApiTarget. */
export function parseKubeconfig(text: string, path: string, read: ReadReferenced): KubeconfigResult {
  let doc: unknown;
  try {
    doc = yaml.load(text, { filename: path });
  } catch (error) {
    return fail(`not valid YAML (${firstLine((error as Error).message)})`);
  }
  if (!isObj(doc)) return fail('not a kubeconfig (no mapping at the top)');
  const context = pickContext(doc);
  if (typeof context === 'string') return fail(context);
  const cluster = named(doc.clusters, 'cluster', context.cluster);
  if (!cluster) return fail(context.cluster ? `no cluster "${context.cluster}"` : 'names no cluster');
  const server = str(cluster.server);
  if (!server) return fail('names no API server (cluster.server)');
  const url = parseServer(server);
  if (typeof url === 'string') return fail(url);
  const user = named(doc.users, 'user', context.user) ?? {};
  const base = dirname(path);
  const material: Partial<Record<'ca' | 'cert' | 'key' | 'token', string>> = {};
  const origins: ApiTarget['origins'] = {};
  const problems: string[] = [];
  const take = (field: 'ca' | 'cert' | 'key' | 'token', source: Obj, dataKey: string | undefined, fileKey: string, inlineKey?: string) => {
    const value = loadMaterial(source, dataKey, fileKey, inlineKey, base, read);
    if (value.problem) problems.push(value.problem);
    else if (value.text !== undefined) {
      material[field] = value.text;
      origins[field] = value.path ?? 'inline';
    }
  };
  take('ca', cluster, 'certificate-authority-data', 'certificate-authority');
  take('cert', user, 'client-certificate-data', 'client-certificate');
  take('key', user, 'client-key-data', 'client-key');
  take('token', user, undefined, 'tokenFile', 'token');
  if (problems.length > 0) return fail(problems.join('; '));
  const plugin = isObj(user.exec) ? 'an exec credential plugin' : isObj(user['auth-provider']) ? 'an auth-provider plugin' : undefined;
  const target: ApiTarget = {
    server: url.server,
    host: url.host,
    port: url.port,
    serverName: str(cluster['tls-server-name']) ?? url.host,
    ...material,
    ...(material.token !== undefined ? { token: material.token.trim() } : {}),
    insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
    origins,
    ...(plugin && !material.cert && !material.token ? { unsupportedAuth: plugin } : {}),
  };
  return ok(target);
}

/** The paths a kubeconfig points at (what the host-side reader must fetch), resolved against its directory. */
export function referencedPaths(path: string, text: string): string[] {
  let doc: unknown;
  try {
    doc = yaml.load(text);
  } catch {
    return [];
  }
  if (!isObj(doc)) return [];
  const found = new Set<string>();
  for (const entry of [...list(doc.clusters, 'cluster'), ...list(doc.users, 'user')]) {
    for (const key of ['certificate-authority', 'client-certificate', 'client-key', 'tokenFile']) {
      const value = str(entry[key]);
      if (value) found.add(resolvePath(dirname(path), value));
    }
  }
  return [...found];
}

function pickContext(doc: Obj): { cluster?: string; user?: string } | string {
  const current = str(doc['current-context']);
  const contexts = list(doc.contexts, 'context');
  if (current) {
    const context = named(doc.contexts, 'context', current);
    if (!context) return `current-context "${current}" is not among its contexts`;
    return { cluster: str(context.cluster), user: str(context.user) };
  }
  if (contexts.length === 1) return { cluster: str(contexts[0].cluster), user: str(contexts[0].user) };
  // No context at all: a lone cluster and a lone (or no) user are unambiguous.
  if (contexts.length === 0 && list(doc.clusters, 'cluster').length === 1 && list(doc.users, 'user').length <= 1) return {};
  return contexts.length === 0 ? 'names no API server (no clusters)' : 'has several contexts and no current-context';
}

/** `doc.clusters[name == wanted].cluster`; with no name asked, the only entry. */
function named(entries: unknown, field: string, wanted: string | undefined): Obj | undefined {
  if (!Array.isArray(entries)) return undefined;
  const match = wanted === undefined ? (entries.length === 1 ? entries[0] : undefined) : entries.find((e) => isObj(e) && e.name === wanted);
  return isObj(match) && isObj(match[field]) ? match[field] : undefined;
}

function list(entries: unknown, field: string): Obj[] {
  return Array.isArray(entries) ? entries.flatMap((e) => (isObj(e) && isObj(e[field]) ? [e[field] as Obj] : [])) : [];
}

function loadMaterial(source: Obj, dataKey: string | undefined, fileKey: string, inlineKey: string | undefined, base: string, read: ReadReferenced): { text?: string; path?: string; problem?: string } {
  const inline = inlineKey ? str(source[inlineKey]) : undefined;
  if (inline !== undefined) return { text: inline };
  const data = dataKey ? str(source[dataKey]) : undefined;
  if (data !== undefined) {
    const text = Buffer.from(data, 'base64').toString('utf8');
    return text.trim() === '' ? { problem: `${dataKey} is not base64` } : { text };
  }
  const file = str(source[fileKey]);
  if (file === undefined) return {};
  const path = resolvePath(base, file);
  const text = read(path);
  return text === undefined ? { problem: `${fileKey} ${path} could not be read` } : { text, path };
}

/** A kubeconfig's relative paths are relative to the kubeconfig's own directory (as kubectl does). */
export function resolvePath(base: string, path: string): string {
  return isAbsolute(path) ? path : join(base, path);
}

function parseServer(server: string): { server: string; host: string; port: number } | string {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    return `API server "${server}" is not a URL`;
  }
  if (url.protocol !== 'https:') return `API server "${server}" is not https`;
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = url.port === '' ? 443 : Number(url.port);
  const shown = isIP(host) === 6 ? `[${host}]` : host;
  return { server: `https://${shown}:${port}`, host, port };
}

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function firstLine(text: string): string {
  return text.split('\n')[0].trim();
}
