// The single place the ssh2 runtime is loaded (CommonJS module, so through its default export).

import ssh2 from 'ssh2';

export const { Client, utils } = ssh2;
export type {
  AnyAuthMethod,
  AuthenticationType,
  Client as SshClient,
  ClientChannel,
  ConnectConfig,
  NextAuthHandler,
  ParsedKey,
  SFTPWrapper,
} from 'ssh2';
