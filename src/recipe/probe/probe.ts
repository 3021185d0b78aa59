// The probe as a whole: every fact's sections in one script, and the typed Facts parsed back.
import { dockerFact } from '../facts/docker.js';
import { clusterDataFact } from '../facts/cluster-data.js';
import { directoriesFact } from '../facts/directories.js';
import { probeFact, toolsFact } from '../facts/host.js';
import { iptablesFact } from '../facts/iptables.js';
import { linksFact } from '../facts/links.js';
import { mountConfigFact } from '../facts/mount-config.js';
import { mountsFact } from '../facts/mounts.js';
import { servicesFact } from '../facts/services.js';
import { sshFact } from '../facts/ssh.js';
import type { Facts } from '../facts/types.js';
import { ProbeParseError } from '../errors.js';
import { renderProbeScript } from './script.js';
import { SectionReader, type FactDefinition, type ProbeSection } from './section.js';
import { splitSections } from './split.js';

/** Every fact, keyed as in Facts; the order is the order sections run in. */
/** The built-in facts (everything but the user recipe's `custom` probes). */
export type BuiltinFactKey = Exclude<keyof Facts, 'custom'>;

export const FACTS: { [K in BuiltinFactKey]: FactDefinition<Facts[K]> } = {
  probe: probeFact,
  tools: toolsFact,
  ssh: sshFact,
  services: servicesFact,
  docker: dockerFact,
  mounts: mountsFact,
  mountConfig: mountConfigFact,
  directories: directoriesFact,
  clusterData: clusterDataFact,
  interfaces: linksFact,
  iptables: iptablesFact,
};

const SECTIONS = Object.values(FACTS).flatMap((fact: FactDefinition<unknown>) => fact.sections);

/** ONE POSIX sh script gathering ALL facts in one remote exec, sections delimited by nonce markers.
 * `extra` are the probes of user recipe steps (--recipe), run after the built-in ones. */
export function buildProbeScript(nonce: string, extra: readonly ProbeSection[] = []): string {
  return renderProbeScript(nonce, [...SECTIONS, ...extra]);
}

/** Typed facts from the probe's stdout; throws ProbeParseError (one line) on anything not understood. */
export function parseProbeOutput(stdout: string, nonce: string, extra: readonly ProbeSection[] = []): Facts {
  const outputs = splitSections(stdout, nonce, [...SECTIONS, ...extra].map((s) => s.id));
  const read = new SectionReader(outputs);
  const custom = extra.length === 0 ? undefined : Object.fromEntries(extra.map((s) => [s.id, read.get(s.id)]));
  try {
    return {
      ...(custom ? { custom } : {}),
      probe: FACTS.probe.parse(read),
      tools: FACTS.tools.parse(read),
      ssh: FACTS.ssh.parse(read),
      services: FACTS.services.parse(read),
      docker: FACTS.docker.parse(read),
      mounts: FACTS.mounts.parse(read),
      mountConfig: FACTS.mountConfig.parse(read),
      directories: FACTS.directories.parse(read),
      clusterData: FACTS.clusterData.parse(read),
      interfaces: FACTS.interfaces.parse(read),
      iptables: FACTS.iptables.parse(read),
    };
  } catch (error) {
    if (error instanceof ProbeParseError) throw error;
    // A parser bug must still surface as "could not read the host", never as a crash of the run.
    throw new ProbeParseError(`internal parse error: ${(error as Error).message}`, { cause: error });
  }
}
