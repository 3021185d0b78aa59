// The guards and pre-apply actions a fleet pass runs around the destructive part, from CLI options.
import type { HostHooks } from '../run/hooks.js';
import { buildBackupHooks } from './backup-hooks.js';
import type { ApiTarget } from './kubeconfig.js';
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

/** --kubeconfig, read and resolved by the CLI (src/cli/read-kubeconfig.ts): the path for messages. */
export interface AdminKubeconfig {
  path: string;
  target: ApiTarget;
}

/** Per API request (tunnel, TLS and answer): a dead API server never holds a host up for long. */
export const LIVE_CHECK_TIMEOUT_MS = 5000;

/** The live-node guard always (asking the --kubeconfig API server too when given); the backup hooks
 * unless --no-backup (backup-hooks.ts). */
export function buildHostHooks(settings: GuardSettings, stepTimeoutMs: number, admin?: AdminKubeconfig): HostHooks {
  const live = createLiveNodeGuard({
    maxHeartbeatAgeMs: settings.liveHeartbeatMs,
    requestTimeoutMs: LIVE_CHECK_TIMEOUT_MS,
    stepTimeoutMs,
    ...(admin ? { admin } : {}),
  });
  const backup = buildBackupHooks(settings, stepTimeoutMs);
  return { probe: [live.probe, ...backup.probe], guards: [live.guard, ...backup.guards], beforeApply: backup.beforeApply };
}
