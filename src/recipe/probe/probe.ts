// The probe as a whole: every fact's sections in one script, and the typed Facts parsed back.
import { cniStateFact } from '../facts/cni-state.js';
import { containerdFact } from '../facts/containerd.js';
import { dockerFact } from '../facts/docker.js';
import { clusterDataFact } from '../facts/cluster-data.js';
import { directoriesFact } from '../facts/directories.js';
import { probeFact, toolsFact } from '../facts/host.js';
import { iptablesFact } from '../facts/iptables.js';
import { ipvsFact } from '../facts/ipvs.js';
import { interfacesFact } from '../facts/interfaces.js';
import { mountConfigFact } from '../facts/mount-config.js';
import { mountsFact } from '../facts/mounts.js';
import { nftablesFact } from '../facts/nftables.js';
import { servicesFact } from '../facts/services.js';
import { sshFact } from '../facts/ssh.js';
import { tcBpfFact } from '../facts/tc-bpf.js';
import { ProbeParseError } from '../errors.js';
import { renderProbeScript, type ProbeScriptOptions } from './script.js';
import { SectionReader, type FactDefinition, type ProbeSection, type SectionOutput } from './section.js';
import { splitSections, type ProbeStreams } from './split.js';

/** Every built-in fact, keyed as in Facts, written once; the order is the order sections run in. */
export const FACTS = {
  probe: probeFact,
  tools: toolsFact,
  // interfaces before ssh: its `ip -d -j addr` also gives the addresses the ssh fact needs.
  interfaces: interfacesFact,
  ssh: sshFact,
  services: servicesFact,
  docker: dockerFact,
  containerd: containerdFact,
  mounts: mountsFact,
  mountConfig: mountConfigFact,
  directories: directoriesFact,
  clusterData: clusterDataFact,
  cniState: cniStateFact,
  tcBpf: tcBpfFact,
  // nftables before iptables: its table list spares iptables-nft-save where it would print nothing.
  nftables: nftablesFact,
  iptables: iptablesFact,
  ipvs: ipvsFact,
} as const;

/** The built-in facts (everything but the user recipe's `custom` probes). */
export type BuiltinFactKey = keyof typeof FACTS;

/** Output of one user recipe probe (--recipe). */
export interface CustomFact {
  status: number | 'skipped';
  stdout: string;
  stderr: string;
}

/** The typed facts one probe gathers about a host: plain JSON data (no Maps, null for unknown), so a
 * plan can be logged, reported and replayed from a fixture. Each fact's type lives beside its parser. */
export type Facts = { [K in BuiltinFactKey]: (typeof FACTS)[K] extends FactDefinition<infer T> ? T : never } & {
  /** Output of user recipe probes (--recipe), by step id; absent when there are none. */
  custom?: Record<string, CustomFact>;
};

const SECTIONS = Object.values(FACTS).flatMap((fact: FactDefinition<unknown>) => fact.sections);

/** ONE POSIX sh script gathering ALL facts in one remote exec, sections delimited by nonce markers.
 * `extra` are the probes of user recipe steps (--recipe), run after the built-in ones. */
export function buildProbeScript(nonce: string, extra: readonly ProbeSection[] = [], options: ProbeScriptOptions = {}): string {
  return renderProbeScript(nonce, [...SECTIONS, ...extra], options);
}

/** The docker CLI's sections alone: the listings when the Engine API the script was offered could not be opened. */
export const DOCKER_CLI_SECTIONS = dockerFact.sections;

export function buildDockerCliScript(nonce: string): string {
  return renderProbeScript(nonce, DOCKER_CLI_SECTIONS);
}

/** Typed facts from the probe's output; throws ProbeParseError (one line) on anything not understood. */
export function parseProbeOutput(output: ProbeStreams, nonce: string, extra: readonly ProbeSection[] = []): Facts {
  return readFacts(splitProbeOutput(output, nonce, extra), extra);
}

/** Every section's output, by id (a missing or forged marker is a ProbeParseError). */
export function splitProbeOutput(output: ProbeStreams, nonce: string, extra: readonly ProbeSection[] = []): Map<string, SectionOutput> {
  return splitSections(output, nonce, [...SECTIONS, ...extra].map((s) => s.id));
}

/**
 * Typed facts from the sections' outputs — the script's, plus any the client read itself and put in
 * their place (the docker listings from the Engine API, see run/docker-api-probe.ts).
 */
export function readFacts(outputs: ReadonlyMap<string, SectionOutput>, extra: readonly ProbeSection[] = []): Facts {
  const read = new SectionReader(outputs);
  const custom = extra.length === 0 ? undefined : Object.fromEntries(extra.map((s) => [s.id, read.get(s.id)]));
  try {
    const builtin = Object.fromEntries(Object.entries(FACTS).map(([key, fact]: [string, FactDefinition<unknown>]) => [key, fact.parse(read)]));
    return { ...(custom ? { custom } : {}), ...builtin } as Facts;
  } catch (error) {
    if (error instanceof ProbeParseError) throw error;
    // A parser bug must still surface as "could not read the host", never as a crash of the run.
    throw new ProbeParseError(`internal parse error: ${(error as Error).message}`, { cause: error });
  }
}
