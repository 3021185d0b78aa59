// The typed facts one probe gathers about a host. Plain JSON data (no Maps, null for unknown) so a
// plan can be logged, reported and replayed from a fixture.

/** About the probe itself. */
export interface ProbeFacts {
  /** Effective uid the probe ran as (0 when root or through sudo). */
  uid: number;
  /** UTC time of the probe, `YYYYMMDDTHHMMSSZ`: names backup files, so a plan is reproducible. */
  timestamp: string;
}

/** Which helper tools the host has, so commands use only what exists (GNU or busybox). */
export interface ToolFacts {
  /** `gnu`: `timeout SECS`; `busybox-t`: old busybox `timeout -t SECS`; `none`: no timeout at all. */
  timeout: 'gnu' | 'busybox-t' | 'none';
  /** GNU rm's `--one-file-system` (busybox rm lacks it). */
  rmOneFileSystem: boolean;
  chattr: boolean;
  lsattr: boolean;
}

export interface SshConnection {
  clientAddress: string;
  clientPort: number;
  serverAddress: string;
  serverPort: number;
}

/** The SSH session the probe ran in, and the interfaces carrying it (never deleted). */
export interface SshFacts {
  /** From `$SSH_CONNECTION`; null when not set (not over SSH, or sudo dropped it). */
  connection: SshConnection | null;
  /** The interface owning the server-side address (`ip -o addr`). */
  addressInterface: string | null;
  /** The `dev` of `ip route get <client address>`. */
  routeInterface: string | null;
}

export interface DockerContainer {
  /** Full 64-hex id. */
  id: string;
  names: string[];
  image: string;
  /** `running`, `exited`, `created`, `paused`, `restarting`, `dead`, … */
  state: string;
  /** Running or restarting: something to stop first (a paused one is frozen and is not). */
  running: boolean;
  /** `Config.Labels` (the image's labels included): evidence of who made it (src/recipe/ownership.ts). */
  labels: Record<string, string>;
  /** Names of the docker volumes it mounts, in mount order (bind and tmpfs mounts are not volumes). */
  volumes: string[];
}

export interface DockerVolume {
  name: string;
  driver: string;
  /** Its labels; null when `docker volume ls` printed a label list that cannot be split unambiguously
   * (docker joins `key=value` pairs with commas and a value may hold commas). */
  labels: Record<string, string> | null;
}

export interface DockerImage {
  /** `sha256:<64 hex>`. */
  id: string;
  /** `repo:tag` references (none for a dangling image). */
  tags: string[];
}

export type DockerFacts =
  | { status: 'absent' }
  | { status: 'unreachable'; error: string }
  | { status: 'ok'; containers: DockerContainer[]; volumes: DockerVolume[]; images: DockerImage[] };

export interface UnitState {
  /** e.g. `kubelet.service`. */
  name: string;
  /** `systemctl is-active` word (`active`, `inactive`, `failed`, `activating`, …; `unknown` if none). */
  active: string;
  /** `systemctl is-enabled` word (`enabled`, `disabled`, `static`, …; `unknown` if none). */
  enabled: string;
}

export interface ProcessInfo {
  pid: number;
  /** `/proc/<pid>/comm`. */
  comm: string;
}

export interface ServiceFacts {
  /** systemctl exists and systemd is the running init. */
  systemd: boolean;
  units: UnitState[];
  /** Live (non-zombie) processes whose comm is one of the watched names. */
  processes: ProcessInfo[];
}

/** One line of /proc/self/mountinfo, escapes decoded. */
export interface Mount {
  id: number;
  parentId: number;
  root: string;
  mountPoint: string;
  fsType: string;
  source: string;
  options: string;
}

export interface MountFacts {
  /** In mountinfo order (roughly mount order), which the unmount ordering relies on. */
  mounts: Mount[];
}

export type PathType = 'absent' | 'directory' | 'file' | 'symlink' | 'other';

export interface DirectoryEntry {
  path: string;
  type: PathType;
  /** `du -skx` in KiB; null when not measured or when du did not finish in time. */
  sizeKiB: number | null;
  /** The immutable attribute on the path itself; null when unknown (no lsattr, unsupported fs). */
  immutable: boolean | null;
  /** `dev:inode` of the path itself (not followed): two paths naming one directory share it. */
  inode: string | null;
  /** A directory with no entry but `lost+found` (an emptied ext4 filesystem is empty); null when
   * not a directory or not readable. */
  empty: boolean | null;
}

export interface DirectoryFacts {
  /** One entry per catalogue path, in catalogue order. */
  entries: DirectoryEntry[];
}

/** One line of /etc/fstab (escapes such as `\040` decoded). */
export interface FstabEntry {
  /** 1-based line number in the file. */
  line: number;
  /** What is mounted: `/dev/sdb1`, `UUID=…`, `LABEL=…`, `server:/export`, `tmpfs`. */
  spec: string;
  /** Where, normalised (no trailing or doubled slash); `none`/`swap` stay as written. */
  file: string;
  fsType: string;
  options: string;
}

/** A systemd `.mount` unit file found in one of the unit directories. */
export interface MountUnit {
  /** The unit file, e.g. `/etc/systemd/system/var-lib-etcd.mount`. */
  file: string;
  /** Its `Where=` (the last one, normalised); null when the file has none. */
  where: string | null;
}

/** Where mounts come from at boot: what makes a filesystem "dedicated" to a path. */
export interface MountConfigFacts {
  fstab: FstabEntry[];
  /** 1-based line numbers of fstab lines that could not be read (too few fields, bad escape). */
  fstabIgnored: number[];
  units: MountUnit[];
}

/** One cluster-data path below the 16 (catalogue CLUSTER_DATA), measured like a directory. */
export interface DataPathEntry {
  path: string;
  type: PathType;
  /** `du -skx` in KiB; null when not measured or when du did not finish in time. */
  sizeKiB: number | null;
  /** No entry but `lost+found`; null when not a readable directory. */
  empty: boolean | null;
}

export interface ClusterDataFacts {
  /** The CLUSTER_DATA paths not among the 16 (those are in DirectoryFacts), in catalogue order. */
  entries: DataPathEntry[];
}

export interface NetLink {
  index: number;
  name: string;
  /** What `ip` shows after `@`: the veth peer or lower device (`ifN` when in another namespace). */
  peer: string | null;
  /** The bridge/bond this link is a port of. */
  master: string | null;
  /** `link/<type>` (`ether`, `loopback`, `ipip`, …). */
  linkType: string | null;
  /** `linkinfo.info_kind` (`veth`, `bridge`, `vxlan`, `ipip`, …); only from `ip -d -j`. */
  kind: string | null;
}

export type InterfaceFacts =
  | { available: true; source: 'json' | 'oneline'; links: NetLink[] }
  | { available: false; error: string };

export interface IptablesRule {
  chain: string;
  /** The rule exactly as iptables-save printed it (`-A CHAIN …`): fed back verbatim, never re-tokenised. */
  line: string;
  /** The `-j`/`-g` target, or null for a rule without one. */
  target: string | null;
}

export interface IptablesChain {
  name: string;
  /** Built-in chains' policy (`ACCEPT`, `DROP`); null for user chains (`-`). */
  policy: string | null;
}

export interface IptablesTable {
  name: string;
  chains: IptablesChain[];
  rules: IptablesRule[];
}

export type IptablesFamily = 'ipv4' | 'ipv6';
/** `legacy`/`nft` when the host has both variants, else `default` (plain iptables-save). */
export type IptablesBackend = 'legacy' | 'nft' | 'default';

export interface IptablesDump {
  family: IptablesFamily;
  backend: IptablesBackend;
  /** e.g. `ip6tables-legacy-save`. */
  saveCommand: string;
  /** The matching `*-restore`, or null when the host lacks it. */
  restoreCommand: string | null;
  /** Why the dump could not be read (null when it was). */
  error: string | null;
  tables: IptablesTable[];
  /** Lines naming a chain that cannot be represented (e.g. with whitespace). */
  unrepresentable: string[];
  /** Comment lines that matter (e.g. "Table `filter' is incompatible, use 'nft' tool."). */
  warnings: string[];
}

export interface IptablesFacts {
  dumps: IptablesDump[];
}

export interface Facts {
  /** Output of user recipe probes (--recipe), by step id; absent when there are none. */
  custom?: Record<string, { status: number | 'skipped'; stdout: string; stderr: string }>;
  probe: ProbeFacts;
  tools: ToolFacts;
  ssh: SshFacts;
  docker: DockerFacts;
  services: ServiceFacts;
  mounts: MountFacts;
  mountConfig: MountConfigFacts;
  directories: DirectoryFacts;
  clusterData: ClusterDataFacts;
  interfaces: InterfaceFacts;
  iptables: IptablesFacts;
}
