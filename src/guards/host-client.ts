// Asking the API server from the host itself, when the SSH tunnel is refused (`AllowTcpForwarding
// no` is common hardening): `curl` with the kubelet's own files, else `kubectl --kubeconfig`,
// bounded by a timeout. Inline credentials (`*-data`, `token`) are decoded from the kubeconfig on
// the host into a private temp dir, so no key or token ever travels in our command line or logs.
import { isIP } from 'node:net';
import { shellQuote } from '../transport/shell-quote.js';
import { ApiUnreachable, type ApiResponse } from './api-client.js';
import type { ApiTarget } from './kubeconfig.js';

/** Which key in the kubeconfig holds each piece inline. */
const INLINE_KEYS = { ca: 'certificate-authority-data', cert: 'client-certificate-data', key: 'client-key-data', token: 'token' } as const;

/** The script: one GET of `path`, its raw answer, then `<marker> exit <client> <status>`. */
export function buildHostRequestScript(marker: string, kubeconfig: string, target: ApiTarget, path: string, timeoutS: number): string {
  const origins = target.origins ?? {};
  const kc = shellQuote(kubeconfig);
  const lines = [
    `M=${shellQuote(marker)}; KC=${kc}`,
    `t=$(mktemp -d 2>/dev/null) || { printf '%s exit none mktemp\\n' "$M"; exit 0; }`,
    `trap 'rm -rf "$t"' EXIT; umask 077`,
    // `key: value` of the kubeconfig (first one, quotes stripped) — only for inline pieces.
    `inline() { sed -n "s/^[[:space:]]*$1:[[:space:]]*//p" "$KC" | head -n 1 | sed -e 's/^"\\(.*\\)"$/\\1/' -e "s/^'\\(.*\\)'$/\\1/"; }`,
  ];
  const args: string[] = ['-sS', '-i', '--max-time', String(timeoutS)];
  for (const piece of ['ca', 'cert', 'key'] as const) {
    const origin = origins[piece];
    if (!origin) continue;
    const file = origin === 'inline' ? `"$t/${piece}"` : shellQuote(origin);
    if (origin === 'inline') lines.push(`inline ${INLINE_KEYS[piece]} | base64 -d > "$t/${piece}" 2>/dev/null`);
    args.push(piece === 'ca' ? '--cacert' : piece === 'cert' ? '--cert' : '--key', file);
  }
  if (origins.token) {
    const token = origins.token === 'inline' ? `$(inline token)` : `$(cat ${shellQuote(origins.token)})`;
    lines.push(`printf 'Authorization: Bearer %s\\n' "${token}" > "$t/auth"`);
    args.push('-H', `@"$t/auth"`);
  }
  if (target.insecureSkipTlsVerify) args.push('-k');
  // tls-server-name: curl checks the certificate against the URL's host, so the URL names it and
  // --connect-to sends the connection to the server's address (as the tunnel does with SNI).
  const bracket = (h: string) => (isIP(h) === 6 ? `[${h}]` : h);
  if (target.serverName !== target.host) {
    args.push('--connect-to', shellQuote(`${bracket(target.serverName)}:${target.port}:${bracket(target.host)}:${target.port}`));
    args.push(shellQuote(`https://${bracket(target.serverName)}:${target.port}${path}`));
  } else {
    args.push(shellQuote(`${target.server}${path}`));
  }
  const kubectl = `--kubeconfig "$KC" --request-timeout=${timeoutS}s get --raw ${shellQuote(path)}`;
  lines.push(
    `if command -v curl >/dev/null 2>&1; then curl ${args.join(' ')}; s=$?; c=curl`,
    `elif command -v kubectl >/dev/null 2>&1; then kubectl ${kubectl}; s=$?; c=kubectl`,
    `elif [ -x /var/lib/rancher/rke2/bin/kubectl ]; then /var/lib/rancher/rke2/bin/kubectl ${kubectl}; s=$?; c=kubectl`,
    `elif command -v k3s >/dev/null 2>&1; then k3s kubectl ${kubectl}; s=$?; c=kubectl`,
    `else s=0; c=none; fi`,
    `printf '\\n%s exit %s %s\\n' "$M" "$c" "$s"`,
  );
  return lines.join('\n');
}

/** What the script printed -> the same answer a tunnelled request gives; throws ApiUnreachable otherwise. */
export function parseHostResponse(stdout: string, stderr: string, marker: string): ApiResponse {
  const at = stdout.lastIndexOf(`\n${marker} exit `);
  const trailer = at < 0 ? undefined : /^(\S+) (\S+)/.exec(stdout.slice(at + marker.length + 7));
  if (!trailer) throw new ApiUnreachable('EHOSTCLIENT', `the host-side request printed no result${firstLine(stderr) ? `: ${firstLine(stderr)}` : ''}`);
  const [, client, status] = trailer;
  const output = stdout.slice(0, at);
  if (client === 'none') throw new ApiUnreachable('ENOCLIENT', status === 'mktemp' ? 'no temp dir on the host' : 'neither curl nor kubectl on the host');
  if (client === 'curl') return status === '0' ? parseHttp(output) : curlFailure(Number(status), stderr);
  return status === '0' ? { status: 200, body: parseJson(output) } : kubectlFailure(stderr);
}

/** `curl -i` output: the last header block (after any 1xx), then the body. */
function parseHttp(text: string): ApiResponse {
  let rest = text;
  let status = 0;
  let date: number | undefined;
  for (;;) {
    const head = /^HTTP\/[\d.]+ (\d{3})[^\n]*\r?\n/.exec(rest);
    if (!head) break;
    status = Number(head[1]);
    const end = rest.search(/\r?\n\r?\n/);
    const headers = end < 0 ? rest : rest.slice(0, end);
    const dateHeader = /^date:\s*(.+?)\r?$/im.exec(headers);
    date = dateHeader ? Date.parse(dateHeader[1]) : undefined;
    rest = end < 0 ? '' : rest.slice(end).replace(/^\r?\n\r?\n/, '');
    if (status >= 200) break;
  }
  if (status === 0) throw new ApiUnreachable('EHOSTCLIENT', 'curl printed no HTTP status line');
  return { status, body: parseJson(rest), ...(date !== undefined && !Number.isNaN(date) ? { serverDate: date } : {}) };
}

const CURL_CODES: Record<number, string> = { 6: 'ENOTFOUND', 7: 'ECONNREFUSED', 28: 'ETIMEDOUT', 52: 'EEMPTY', 56: 'ECONNRESET' };
const CURL_TLS = new Set([35, 51, 53, 54, 58, 59, 60, 64, 66, 77, 80, 82, 83, 90, 91]);

function curlFailure(code: number, stderr: string): never {
  const name = CURL_CODES[code] ?? (CURL_TLS.has(code) ? 'ETLS' : `ECURL${code}`);
  throw new ApiUnreachable(name, `curl on the host exited ${code}${firstLine(stderr) ? `: ${firstLine(stderr)}` : ''}`);
}

/** kubectl reports the API's answer only as text: map the well-known ones back to statuses. */
function kubectlFailure(stderr: string): ApiResponse {
  const line = firstLine(stderr);
  const statusOf: [RegExp, number][] = [[/\(NotFound\)/, 404], [/\(Forbidden\)/, 403], [/\(Unauthorized\)|must be logged in/, 401]];
  for (const [pattern, status] of statusOf) if (pattern.test(stderr)) return { status, body: { message: line } };
  // kubectl words a refused connection "The connection to the server HOST:PORT was refused - …".
  const code = /connection refused|connection to the server \S+ was refused/i.test(stderr) ? 'ECONNREFUSED' : /timeout|deadline exceeded/i.test(stderr) ? 'ETIMEDOUT' : /x509|certificate/i.test(stderr) ? 'ETLS' : 'EKUBECTL';
  throw new ApiUnreachable(code, `kubectl on the host failed${line ? `: ${line}` : ''}`);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0]?.trim().slice(0, 200) ?? '';
}
