import { expandHostPattern, hasHostRange } from '../../../src/inventory/ranges.js';

function names(pattern: string): string[] {
  const result = expandHostPattern(pattern);
  if (!result.ok) throw new Error(`unexpected failure: ${result.error}`);
  return result.value;
}

function reason(pattern: string, limit?: number): string {
  const result = expandHostPattern(pattern, limit);
  if (result.ok) throw new Error(`unexpected success: ${result.value.join(',')}`);
  return result.error;
}

describe('expandHostPattern', () => {
  test('a plain name is itself', () => {
    expect(names('etcd1.example.com')).toEqual(['etcd1.example.com']);
    expect(hasHostRange('etcd1')).toBe(false);
    expect(hasHostRange('node[1-2]')).toBe(true);
  });

  test('keeps zero padding when the start has leading zeros', () => {
    const expanded = names('node[01-20].rack3');
    expect(expanded).toHaveLength(20);
    expect(expanded.slice(0, 2)).toEqual(['node01.rack3', 'node02.rack3']);
    expect(expanded[19]).toBe('node20.rack3');
    expect(names('n[008-010]')).toEqual(['n008', 'n009', 'n010']);
    expect(names('n[01-100]').slice(-2)).toEqual(['n99', 'n100']);
  });

  test('no padding without a leading zero', () => {
    expect(names('n[8-11]')).toEqual(['n8', 'n9', 'n10', 'n11']);
    expect(names('n[0-2]')).toEqual(['n0', 'n1', 'n2']);
  });

  test('several ranges make a cartesian product, in order', () => {
    expect(names('r[1-2]-n[a-b]')).toEqual(['r1-na', 'r1-nb', 'r2-na', 'r2-nb']);
  });

  test('letter ranges, comma lists, Ansible colon ranges', () => {
    expect(names('web[a-c]')).toEqual(['weba', 'webb', 'webc']);
    expect(names('web[X-Z]')).toEqual(['webX', 'webY', 'webZ']);
    expect(names('n[1,3,5-7]')).toEqual(['n1', 'n3', 'n5', 'n6', 'n7']);
    expect(names('n[01:03]')).toEqual(['n01', 'n02', 'n03']);
    expect(names('n[1,1-2]')).toEqual(['n1', 'n2']);
  });

  test.each([
    ['node[05-01]', 'range 05-01 goes backwards'],
    ['node[c-a]', 'range c-a goes backwards'],
    ['node[a-3]', 'range a-3 mixes letters and digits'],
    ['node[a-C]', 'range a-C mixes upper and lower case'],
    ['node[01-', '"[" at position 5 is never closed'],
    ['node01]', '"]" at position 7 has no matching "["'],
    ['node[1[2]]', '"[" at position 7 is inside another bracket'],
    ['node[]', 'empty brackets []'],
    ['node[1,,2]', 'empty item in [1,,2]'],
    ['node[ab-cd]', '"ab-cd" is not a number, a letter or a range like 01-20'],
    ['node[1-2-3]', '"1-2-3" is not a number, a letter or a range like 01-20'],
    ['node[1-99999999999999999999]', 'range 1-99999999999999999999 has a number too large'],
  ])('%s is refused: %s', (pattern, expected) => {
    expect(reason(pattern)).toBe(expected);
  });

  test('caps the expansion, per bracket and across the product', () => {
    expect(reason('n[1-100001]')).toBe('expands to more than 100000 names');
    expect(reason('n[1-1000]-[1-1000]')).toBe('expands to more than 100000 names');
    expect(reason('n[1-5]', 4)).toBe('expands to more than 4 names');
    expect(names('n[1-4]')).toHaveLength(4);
  });
});
