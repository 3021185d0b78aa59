import { UsageError } from '../../../src/errors.js';
// --limit end to end (flag text → usage error) through the CLI's limitHosts; the engine's own
// selectHosts takes a parsed pattern and returns its problems as data (last block).
import { limitHosts } from '../../../src/cli/select-hosts.js';
import { selectHosts } from '../../../src/inventory/limit.js';
import { parseLimitTerms, type LimitPattern } from '../../../src/inventory/limit-terms.js';
import { loadSnippet, useTempHome } from './helpers.js';

useTempHome();

const inventory = loadSnippet(`
groups:
  rack3: { hosts: ["node[01-05]", worker7] }
  etcd: { hosts: [etcd1, etcd2] }
  spare: { hosts: [] }
hosts:
  - worker7
  - web-a.example.com
  - web-b.example.com
`);

function select(pattern?: string): string[] {
  return limitHosts(inventory, pattern).map((host) => host.name);
}

function usageError(pattern: string): string {
  try {
    limitHosts(inventory, pattern);
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error(`no error for ${pattern}`);
}

const ALL = ['node01', 'node02', 'node03', 'node04', 'node05', 'worker7', 'etcd1', 'etcd2', 'web-a.example.com', 'web-b.example.com'];

describe('selectHosts', () => {
  test('no pattern, all, *: every host in inventory order', () => {
    expect(select()).toEqual(ALL);
    expect(select('all')).toEqual(ALL);
    expect(select('*')).toEqual(ALL);
  });

  test('names and groups, result in inventory order and de-duplicated', () => {
    expect(select('etcd2,node01')).toEqual(['node01', 'etcd2']);
    expect(select('etcd')).toEqual(['etcd1', 'etcd2']);
    expect(select('etcd, etcd1 ,rack3')).toEqual(['node01', 'node02', 'node03', 'node04', 'node05', 'worker7', 'etcd1', 'etcd2']);
  });

  test('globs match host and group names', () => {
    expect(select('web-*')).toEqual(['web-a.example.com', 'web-b.example.com']);
    expect(select('node0?')).toEqual(['node01', 'node02', 'node03', 'node04', 'node05']);
    expect(select('etc*')).toEqual(['etcd1', 'etcd2']);
    expect(select('web-?.example.com')).toEqual(['web-a.example.com', 'web-b.example.com']);
  });

  test('ranges, including ones that reach past the inventory', () => {
    expect(select('node[02-03]')).toEqual(['node02', 'node03']);
    expect(select('node[04-09]')).toEqual(['node04', 'node05']);
    expect(select('node[01,05]')).toEqual(['node01', 'node05']);
    expect(select('node[01:02]')).toEqual(['node01', 'node02']);
    expect(select('web-[a-b]*')).toEqual(['web-a.example.com', 'web-b.example.com']);
  });

  test('excludes, wherever written; only excludes start from all', () => {
    expect(select('rack3,!node0[1-4]')).toEqual(['node05', 'worker7']);
    expect(select('!worker7,rack3')).toEqual(['node01', 'node02', 'node03', 'node04', 'node05']);
    expect(select('!rack3')).toEqual(['etcd1', 'etcd2', 'web-a.example.com', 'web-b.example.com']);
    expect(select('!rack3,!etcd')).toEqual(['web-a.example.com', 'web-b.example.com']);
  });

  test("Ansible's a:b, a:&b, a:!b", () => {
    expect(select('etcd:web-a.example.com')).toEqual(['etcd1', 'etcd2', 'web-a.example.com']);
    expect(select('rack3:&node0*')).toEqual(['node01', 'node02', 'node03', 'node04', 'node05']);
    expect(select('rack3:&worker*:&*7')).toEqual(['worker7']);
    expect(select('rack3:!node0*')).toEqual(['worker7']);
    expect(select('&etcd1,all')).toEqual(['etcd1']);
  });
});

describe('selectHosts errors (UsageError)', () => {
  test.each([
    ['nod1', '--limit: "nod1" matches no host or group'],
    ['web.a*', '--limit: "web.a*" matches no host or group'],
    ['!nod1', '--limit: "!nod1" matches no host or group'],
    ['rack3:&nope', '--limit: "&nope" matches no host or group'],
    ['node[10-20]', '--limit: "node[10-20]" matches no host or group'],
    ['spare', '--limit: "spare" is a group with no hosts'],
    ['node[05-01]', '--limit: "node[05-01]": range 05-01 goes backwards'],
    ['nod1,etcd,xx', '--limit: "nod1" matches no host or group\n--limit: "xx" matches no host or group'],
    ['', '--limit: expected host names, groups or patterns, got ""'],
    [' , ', '--limit: expected host names, groups or patterns, got " , "'],
    ['etcd:&rack3', '--limit: "etcd:&rack3" selects no hosts'],
    ['etcd,!etcd', '--limit: "etcd,!etcd" selects no hosts'],
  ])('%j', (pattern, message) => {
    expect(usageError(pattern)).toBe(message);
  });
});

describe('selectHosts (the engine): problems as data, never a usage error', () => {
  const pattern = (written: string): LimitPattern => {
    const [first, ...rest] = parseLimitTerms(written);
    if (first === undefined) throw new Error(`no terms in ${written}`);
    return { written, terms: [first, ...rest] };
  };

  test('selected hosts, or one message per term that matches nothing, without the flag name', () => {
    expect(selectHosts(inventory)).toEqual({ ok: true, value: inventory.hosts });
    const etcd = selectHosts(inventory, pattern('etcd'));
    expect(etcd.ok && etcd.value.map((host) => host.name)).toEqual(['etcd1', 'etcd2']);
    expect(selectHosts(inventory, pattern('nod1,etcd,xx'))).toEqual({ ok: false, error: ['"nod1" matches no host or group', '"xx" matches no host or group'] });
    expect(selectHosts(inventory, pattern('etcd,!etcd'))).toEqual({ ok: false, error: ['"etcd,!etcd" selects no hosts'] });
  });
});
