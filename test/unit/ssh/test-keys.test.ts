// The transport tests' key helper: ssh2's own keygen yields about 1 ed25519 pair in 256 that ssh2
// cannot parse (mscdex/ssh2#1513), which once failed CI in a host key. 2000 draws hit such a pair
// with a probability of 1 - (255/256)^2000 ≈ 99.96 %, so without the helper's filter this fails.
import { describe, expect, it } from '@jest/globals';
import ssh2 from 'ssh2';
import { generateKey } from '../../fixtures/ssh/test-server.js';

describe('generateKey (transport test fixture)', () => {
  it('never returns an ed25519 pair that ssh2 cannot parse', () => {
    let unparsable = 0;
    for (let i = 0; i < 2000; i += 1) {
      const pair = generateKey();
      if (ssh2.utils.parseKey(pair.public) instanceof Error || ssh2.utils.parseKey(pair.private) instanceof Error) unparsable += 1;
    }
    expect(unparsable).toBe(0);
  });
});
