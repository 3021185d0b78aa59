import fc from 'fast-check';
import { formatKnownHostName, hashKnownHostName, lookupHostKeys, parseKnownHosts } from '../../../src/ssh/known-hosts.js';

// A plausible ssh-ed25519 key blob: the wire format is length-prefixed type then key bytes.
function keyBlob(seed: number[]): string {
  const type = Buffer.from('ssh-ed25519');
  const key = Buffer.from(seed.concat(Array(32).fill(0)).slice(0, 32));
  const len = (n: number) => Buffer.from([0, 0, 0, n]);
  return Buffer.concat([len(type.length), type, len(key.length), key]).toString('base64');
}

const hostName = fc.stringMatching(/^[a-z][a-z0-9-]{0,15}(\.[a-z]{2,5})?$/);

describe('known_hosts parsing (property)', () => {
  it('never throws on arbitrary text: entries or notes, nothing else', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 120 }), { maxLength: 20 }), (lines) => {
        const parsed = parseKnownHosts(lines.join('\n'));
        expect(Array.isArray(parsed.entries)).toBe(true);
        expect(Array.isArray(parsed.notes)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('finds a written host again, plain or hashed, and only for its own port', () => {
    fc.assert(
      fc.property(hostName, fc.integer({ min: 1, max: 65535 }), fc.boolean(), fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 32, maxLength: 32 }), (host, port, hashed, seed) => {
        const name = formatKnownHostName(host, port);
        const text = `# comment\n${hashed ? hashKnownHostName(name) : name} ssh-ed25519 ${keyBlob(seed)}\n`;
        const { entries } = parseKnownHosts(text);
        expect(lookupHostKeys(entries, host, port)).toHaveLength(1);
        expect(lookupHostKeys(entries, host, port === 65535 ? 1 : port + 1)).toHaveLength(0);
      }),
      { numRuns: 200 },
    );
  });
});
