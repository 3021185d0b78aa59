// The iptables-nft sections read the table list the nftables section left: where nft answered and
// listed none of iptables' tables for a family, that family's iptables-nft-save is not started (it
// would print nothing); wherever the list is missing or names such a table, it runs. Stand-in
// commands on PATH record whether they ran.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FACTS } from '../../../src/recipe/probe/probe.js';
import { renderProbeScript } from '../../../src/recipe/probe/script.js';
import { SectionReader } from '../../../src/recipe/probe/section.js';
import { splitSections } from '../../../src/recipe/probe/split.js';

const NONCE = 'nftgate012345678';
const SECTIONS = [...FACTS.nftables.sections, ...FACTS.iptables.sections];

describe('iptables-nft-save only where nft lists a table of it', () => {
  const bin = mkdtempSync(join(tmpdir(), 'nodescrub-nftgate-'));
  afterAll(() => rmSync(bin, { recursive: true, force: true }));
  const tool = (name: string, body: string) => {
    writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  for (const base of ['iptables', 'ip6tables']) {
    for (const backend of ['legacy', 'nft']) {
      tool(`${base}-${backend}-save`, `echo '*filter'; echo ':ran-${base}-${backend} - [0:0]'; echo COMMIT`);
      tool(`${base}-${backend}-restore`, 'exit 0');
    }
  }

  // null: no nftables section ran before (nft missing leaves the same: no list).
  function probe(nft: string | null) {
    const sections = nft === null ? FACTS.iptables.sections : SECTIONS;
    if (nft !== null) tool('nft', nft);
    const run = spawnSync('sh', ['-c', renderProbeScript(NONCE, sections)], { encoding: 'utf8', env: { PATH: `${bin}:/usr/bin:/bin` } });
    const outputs = splitSections(run, NONCE, sections.map((s) => s.id));
    const ran = (id: string) => outputs.get(id)!.stdout.includes(':ran-');
    const iptables = FACTS.iptables.parse(new SectionReader(outputs));
    return { ipv4: ran('iptables-ipv4-nft'), ipv6: ran('iptables-ipv6-nft'), nftables: outputs.get('nftables'), iptables };
  }

  it('skips both when nft lists only tables of its own (kube-proxy, cilium) or none', () => {
    const listed = probe(`printf 'table inet kube-proxy\\ntable ip filter2\\ntable ip6 cilium\\n'`);
    expect(listed).toMatchObject({ ipv4: false, ipv6: false });
    // The nftables section still gives the list, unchanged.
    expect(listed.nftables).toEqual({ status: 0, stdout: 'nft yes\ntable inet kube-proxy\ntable ip filter2\ntable ip6 cilium\n', stderr: '' });
    expect(probe('exit 0')).toMatchObject({ ipv4: false, ipv6: false });
  });

  it("runs a family's save when nft lists one of iptables' tables for it", () => {
    expect(probe(`printf 'table ip nat\\ntable inet x\\n'`)).toMatchObject({ ipv4: true, ipv6: false });
    expect(probe(`printf 'table ip6 mangle\\n'`)).toMatchObject({ ipv4: false, ipv6: true });
    expect(probe(`printf 'table ip raw\\ntable ip6 security\\n'`)).toMatchObject({ ipv4: true, ipv6: true });
  });

  it('runs both without a list (nft missing or failing): no list, no conclusion', () => {
    expect(probe(null)).toMatchObject({ ipv4: true, ipv6: true });
    const failed = probe(`echo 'netlink: Error: cache initialization failed: Operation not permitted' >&2; exit 1`);
    expect(failed).toMatchObject({ ipv4: true, ipv6: true });
    expect(failed.nftables).toEqual({ status: 1, stdout: 'nft yes\n', stderr: 'netlink: Error: cache initialization failed: Operation not permitted\n' });
  });

  it('a skipped save is an empty dump of that backend, not a missing one', () => {
    const { iptables } = probe('exit 0');
    expect(iptables.dumps.filter((d) => d.backend === 'nft').map((d) => ({ family: d.family, error: d.error, tables: d.tables }))).toEqual([
      { family: 'ipv4', error: null, tables: [] },
      { family: 'ipv6', error: null, tables: [] },
    ]);
  });
});
