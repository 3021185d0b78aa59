// The built-in catalogue, in the order it runs: stop what re-creates state, then remove.
import type { Step } from '../types.js';
import { cniStateStep } from './cni-state.js';
import { containerdStep } from './containerd.js';
import { directoriesStep } from './directories.js';
import { dockerStep } from './docker.js';
import { interfacesStep } from './interfaces.js';
import { iptablesStep } from './iptables.js';
import { ipvsStep } from './ipvs.js';
import { mountsStep } from './mounts.js';
import { nftablesStep } from './nftables.js';
import { stopServicesStep } from './stop-services.js';
import { tcBpfStep } from './tc-bpf.js';

/** Reboot is the runner's (it needs to wait for the host), not a step here. */
export const builtinSteps: Step[] = [stopServicesStep, containerdStep, dockerStep, mountsStep, directoriesStep, ipvsStep, tcBpfStep, interfacesStep, cniStateStep, iptablesStep, nftablesStep];
