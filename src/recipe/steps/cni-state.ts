// The state newer CNIs keep outside the reference's 16 paths: Cilium's /run/cilium and Weave Net's
// /var/lib/weave (guarded like every directory removal), then Cilium's pinned BPF maps — after the
// interfaces step, so the programs on cilium_* and lxc* links that held them are gone with their links.
import { CNI_STATE_PATHS } from '../catalogue.js';
import { describeUnsafe, shellQuote, unsafeNameReason } from '../quote.js';
import type { Artifact, Step } from '../types.js';
import { makePlan, refusePlan } from './common.js';
import { removeCommand, typedEntry } from './directories.js';

const head = { id: 'cni-state', title: 'Remove Cilium and Weave Net state and Cilium\'s BPF pins' };

export const cniStateStep: Step = {
  ...head,
  description:
    `Removes ${CNI_STATE_PATHS.map((c) => `${c.path} (${c.source})`).join(', ')} like the directories step ` +
    '(guarded by a mountinfo check, symlinks as links), and Cilium\'s pinned BPF objects: /sys/fs/bpf/tc/globals/cilium_* ' +
    'and /sys/fs/bpf/cilium (unpinned; the kernel frees a map once no program holds it). Other pins stay.',
  plan(facts) {
    const artifacts: Artifact[] = [];
    const commands: string[] = [];
    for (const { path, type } of facts.cniState.paths) {
      const why = unsafeNameReason(path);
      if (why) return refusePlan(head, describeUnsafe('path', path, why));
      const source = CNI_STATE_PATHS.find((c) => c.path === path)?.source ?? 'CNI';
      artifacts.push({ category: 'directories', name: path, detail: `${type}, ${source} state` });
      commands.push(removeCommand(typedEntry(path, type), facts));
    }
    for (const pin of facts.cniState.pins) {
      artifacts.push({ category: 'directories', name: pin, detail: 'Cilium BPF pin' });
      commands.push(`rm -rf ${shellQuote(pin)}`);
    }
    return makePlan(head, { artifacts, commands }, 'already clean: no Cilium or Weave Net state, no Cilium BPF pin');
  },
};
