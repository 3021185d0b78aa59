// The guards and pre-apply actions a fleet pass runs around the destructive part, from CLI options.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import type { HostHooks } from '../run/hooks.js';
import { buildBackupHooks } from './backup-hooks.js';
import { parseKubeconfig, type ApiTarget } from './kubeconfig.js';
import { createLiveNodeGuard } from './live-node.js';

export interface GuardSettings {
  /** --kubeconfig: an admin kubeconfig on this machine. */
  kubeconfig?: string;
  /** --live-heartbeat, in ms. */
  liveHeartbeatMs: number;
  /** --backup (with --backup-dir / --backup-fetch). */
  backup?: { dir?: string; fetchDir?: string };
  /** --no-backup: not even the cluster data is archived first. */
  noBackup?: boolean;
}

/** Per API request (tunnel, TLS and answer): a dead API server never holds a host up for long. */
export const LIVE_CHECK_TIMEOUT_MS = 5000;

/** The live-node guard always; the backup hooks unless --no-backup (backup-hooks.ts). Throws UsageError for a bad --kubeconfig. */
export function buildHostHooks(settings: GuardSettings, stepTimeoutMs: number): HostHooks {
  const admin = settings.kubeconfig ? { path: settings.kubeconfig, target: loadAdminKubeconfig(settings.kubeconfig) } : undefined;
  const live = createLiveNodeGuard({
    maxHeartbeatAgeMs: settings.liveHeartbeatMs,
    requestTimeoutMs: LIVE_CHECK_TIMEOUT_MS,
    stepTimeoutMs,
    ...(admin ? { admin } : {}),
  });
  const backup = buildBackupHooks(settings, stepTimeoutMs);
  return { probe: [live.probe, ...backup.probe], guards: [live.guard, ...backup.guards], beforeApply: backup.beforeApply };
}

/** Reads and resolves --kubeconfig once, up front: a broken file is a usage error, not a per-host note. */
export function loadAdminKubeconfig(path: string): ApiTarget {
  const full = resolve(path);
  let text: string;
  try {
    text = readFileSync(full, 'utf8');
  } catch (error) {
    throw new UsageError(`--kubeconfig ${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const parsed = parseKubeconfig(text, full, (file) => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  });
  if (!parsed.ok) throw new UsageError(`--kubeconfig ${path}: ${parsed.error}`);
  return parsed.value;
}
