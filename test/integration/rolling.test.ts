// Rolling resets and CI use on the lab: batches with a failure budget, machine-readable reports,
// --retry-failed, shards + report merge, and reboot-and-wait.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import yaml from 'js-yaml';
import { Ajv } from 'ajv';
import { labArgs, runCli } from './cli.js';
import { labInventoryPath, labKnownHosts, labNodes, labSeed, labStatus, REPO_ROOT } from './lab.js';

const out = mkdtempSync(join(tmpdir(), 'nodescrub-rolling-'));
const nodes = labNodes();
const inventoryOrder = nodes.map((n) => n.name);

interface ReportHost {
  name: string;
  status: string;
  failure?: string;
  steps: { id: string; status: string }[];
}
const readReport = (file: string): { version: number; hosts: ReportHost[]; totals: { hosts: number } } =>
  JSON.parse(readFileSync(file, 'utf8'));

describe('rolling resets and CI reports', () => {
  beforeAll(() => labSeed());

  it('--batch 2 --max-fail 1 stops after the batch that exceeds the budget: exit 3, the rest skipped', () => {
    const report = join(out, 'batch.json');
    const junit = join(out, 'batch.xml');
    const run = runCli(['run', ...labArgs('--yes', '--batch', '2', '--max-fail', '1', '--step-timeout', '20', '--report', report, '--junit', junit)]);
    expect(run.exitCode).toBe(3);
    expect(run.stderr).toMatch(/failure budget exceeded: \d+ failed > --max-fail 1; remaining hosts were skipped/);

    // Replay the budget over the inventory order to find where it must have stopped.
    const doc = readReport(report);
    expect(doc.version).toBe(1);
    // The report validates against its documented schema (docs/report.schema.json).
    const validate = new Ajv({ allErrors: true, formats: { 'date-time': true } }).compile(JSON.parse(readFileSync(join(REPO_ROOT, 'docs/report.schema.json'), 'utf8')));
    expect({ valid: validate(doc), errors: validate.errors ?? [] }).toEqual({ valid: true, errors: [] });
    expect(doc.hosts.map((h) => h.name)).toEqual(inventoryOrder);
    let failed = 0;
    let stoppedAfter = -1;
    for (let batch = 0; batch * 2 < nodes.length && stoppedAfter < 0; batch += 1) {
      for (const node of nodes.slice(batch * 2, batch * 2 + 2)) {
        if (!['ok', 'unreachable'].includes(node.expectedStatus)) failed += 1;
      }
      if (failed > 1) stoppedAfter = batch * 2 + 2;
    }
    expect(stoppedAfter).toBeGreaterThan(0);
    doc.hosts.forEach((host, i) => {
      if (i >= stoppedAfter) expect(host.status).toBe('skipped');
      else expect(host.status).not.toBe('skipped');
    });

    // JUnit: valid, one suite per host.
    const xml = readFileSync(junit, 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml);
    expect(parsed.testsuites.testsuite.map((s: { name: string }) => s.name)).toEqual(inventoryOrder);

    // --retry-failed picks exactly the hosts that were not ok.
    const notOk = doc.hosts.filter((h) => h.status !== 'ok').map((h) => h.name);
    const hosts = runCli(['hosts', '-i', labInventoryPath(), '--retry-failed', report, '--json']);
    expect(hosts.exitCode).toBe(0);
    expect(JSON.parse(hosts.stdout).map((h: { name: string }) => h.name)).toEqual(notOk);
  });

  it('two shards cover every host exactly once and their merged report has the single run\'s host set', () => {
    const files = ['1/2', '2/2'].map((shard, i) => {
      const file = join(out, `shard-${i + 1}.json`);
      // The hang node's probe never answers: a short step timeout keeps each shard to seconds.
      runCli(['verify', ...labArgs('--shard', shard, '--report', file, '--step-timeout', '10')]);
      return file;
    });
    const [a, b] = files.map(readReport);
    const names = [...a.hosts, ...b.hosts].map((h) => h.name);
    expect(new Set(names).size).toBe(names.length);
    expect([...names].sort()).toEqual([...inventoryOrder].sort());
    const merged = runCli(['report', 'merge', ...files]);
    const doc = JSON.parse(merged.stdout);
    expect(doc.kind).toBe('nodescrub-report');
    expect(doc.totals.hosts).toBe(inventoryOrder.length);
    expect(doc.hosts.map((h: ReportHost) => h.name).sort()).toEqual([...inventoryOrder].sort());
  });

  it('--reboot waits for a new boot id and a fresh login, then verifies', () => {
    const node = nodes.find((n) => n.kind === 'healthy' && n.user === 'root')!;
    labSeed([node.name]);
    // The lab's nodes cannot reboot; a simulated reboot changes a boot id file a few seconds later.
    const inventory = yaml.load(readFileSync(labInventoryPath(), 'utf8')) as { hosts: Record<string, unknown>[] };
    const entry = inventory.hosts.find((h) => h.name === node.name)!;
    entry.bootIdCommand = 'cat /run/nodescrub-test-boot-id 2>/dev/null || cat /proc/sys/kernel/random/boot_id';
    entry.rebootCommand = '(sleep 3; cat /proc/sys/kernel/random/uuid > /run/nodescrub-test-boot-id) >/dev/null 2>&1 &';
    const file = join(out, 'reboot-inventory.yaml');
    writeFileSync(file, yaml.dump(inventory));
    const run = runCli(['run', '-i', file, '--known-hosts', labKnownHosts(), '--limit', node.name, '--yes', '--reboot', '--reboot-timeout', '60', '--report', join(out, 'reboot.json'), '--log-dir', join(out, 'reboot-logs')]);
    expect(run.exitCode).toBe(0);
    // The reboot's own commands reach the host log like every other command (boot id before, the
    // reboot, then the boot id read on the fresh connection).
    const log = readFileSync(join(out, 'reboot-logs', `${node.name}.log`), 'utf8');
    const rebootCommands = [...log.matchAll(/\[reboot\] \$ (.*)/g)].map((m) => m[1]);
    expect(rebootCommands[0]).toBe(entry.bootIdCommand);
    expect(rebootCommands[1]).toBe(entry.rebootCommand);
    expect(rebootCommands.slice(2)).toContain(entry.bootIdCommand);
    expect(run.stderr).toMatch(new RegExp(`${node.name}: reboot: back after \\d+s with a new boot id`));
    const verifyLines = run.stderr.split('\n').filter((l) => l.startsWith(`${node.name}: verify: verified clean`));
    expect(verifyLines).toHaveLength(2); // after the steps, and again after the reboot
    expect(labStatus([node.name])[0]).toMatchObject({ clean: true, intact: true });
  });
});
