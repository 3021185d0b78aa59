// The services fact reads every watched unit with ONE `systemctl show`; its awk turns the blocks
// back into the `unit NAME ACTIVE ENABLED` lines the parser takes — run here by real sh and awk on
// output in systemctl's own shape.
import { spawnSync } from 'node:child_process';
import { WATCHED_UNITS } from '../../../src/recipe/catalogue.js';
import { SHOW_TO_UNIT_LINES } from '../../../src/recipe/facts/services.js';

const convert = (show: string) => spawnSync('sh', ['-c', `printf '%s' "$SHOW" | ${SHOW_TO_UNIT_LINES}`], { encoding: 'utf8', env: { ...process.env, SHOW: show } }).stdout;

test('one block per unit in argument order, blank lines between; an empty value is unknown', () => {
  const blocks = WATCHED_UNITS.map((unit, i) =>
    i === 0 ? 'ActiveState=failed\nUnitFileState=enabled' // kubelet: crashed, enabled
    : i === 2 ? 'UnitFileState=disabled\nActiveState=active' // properties in another order
    : 'ActiveState=inactive\nUnitFileState=', // not installed
  );
  const lines = convert(`${blocks.join('\n\n')}\n`).trim().split('\n');
  expect(lines).toHaveLength(WATCHED_UNITS.length);
  expect(lines[0]).toBe(`unit ${WATCHED_UNITS[0]} failed enabled`);
  expect(lines[2]).toBe(`unit ${WATCHED_UNITS[2]} active disabled`);
  expect(lines[1]).toBe(`unit ${WATCHED_UNITS[1]} inactive unknown`);
});

test('no output at all (systemctl failed or timed out): no unit lines', () => {
  expect(convert('')).toBe('');
});
