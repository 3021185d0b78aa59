// Which Node object to ask about: the kubelet certificate says it exactly (CN system:node:<name>);
// without one, the names a cluster commonly gives a machine.
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';

const NODE_CN = /^system:node:(.+)$/;

/** The first `-----BEGIN <label>-----` block of a PEM bundle (kubeadm keeps cert and key in one file). */
export function pemBlock(pem: string, label: RegExp): string | undefined {
  const pattern = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;
  for (const match of pem.matchAll(pattern)) if (label.test(match[1])) return `${match[0]}\n`;
  return undefined;
}

/** `<name>` from a client certificate whose CN is `system:node:<name>`; undefined otherwise (RKE1's shared `system:node`). */
export function nodeNameFromCertificate(pem: string): string | undefined {
  const block = pemBlock(pem, /^CERTIFICATE$/);
  if (!block) return undefined;
  let subject: string;
  try {
    subject = new X509Certificate(block).subject;
  } catch {
    return undefined;
  }
  for (const line of subject.split('\n')) {
    if (!line.startsWith('CN=')) continue;
    const match = NODE_CN.exec(line.slice(3));
    if (match) return match[1];
  }
  return undefined;
}

export interface NameHints {
  /** `uname -n` on the host. */
  hostname?: string;
  /** The inventory name. */
  inventoryName: string;
  /** The inventory address (RKE1 often names nodes by address). */
  address: string;
}

/**
 * Names to try in order when no certificate says which node this is: the hostname, its short form,
 * the inventory name, the address when it is a routable IP. First answer other than 404 wins.
 */
export function candidateNodeNames(hints: NameHints): string[] {
  const names: string[] = [];
  const add = (name: string | undefined) => {
    const clean = name?.trim().toLowerCase();
    if (clean && isNodeName(clean) && !names.includes(clean)) names.push(clean);
  };
  add(hints.hostname);
  add(hints.hostname?.split('.')[0]);
  add(hints.inventoryName);
  if (isIP(hints.address) && !/^(127\.|::1$|0\.)/.test(hints.address)) add(hints.address);
  return names;
}

/** A DNS-1123 subdomain (what Kubernetes accepts as a Node name): also keeps the URL path safe. */
export function isNodeName(name: string): boolean {
  return name.length <= 253 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(name);
}
