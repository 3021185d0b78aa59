// An exit status that ssh2 emits before runOnChannel listens (fast command, one TCP read) is not lost.

import { Duplex, PassThrough } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { runOnChannel } from '../../../src/ssh/exec.js';
import type { SshClient } from '../../../src/ssh/ssh2.js';

/** Mimics ssh2 1.17's client channel: 'close' carries the exit status and waits for the output's end. */
class FakeChannel extends Duplex {
  readonly stderr = new PassThrough();
  constructor() {
    super({ autoDestroy: false, emitClose: false });
  }
  override _read(): void {}
  override _write(_chunk: unknown, _encoding: BufferEncoding, callback: () => void): void {
    callback();
  }
  signal(): void {}
  close(): void {}
}

/** exec() whose confirmation, output, exit status, EOF and close all arrive in one go. */
function clientThatExitsAtOnce(exit: { code?: number; signal?: string }): SshClient {
  return {
    exec(_command: string, callback: (error: Error | undefined, channel: FakeChannel) => void) {
      const channel = new FakeChannel();
      callback(undefined, channel);
      if (exit.code !== undefined) channel.emit('exit', exit.code);
      else channel.emit('exit', null, exit.signal, false, '');
      channel.push('out\n');
      channel.push(null);
      channel.stderr.end();
      channel.once('end', () => (exit.code !== undefined ? channel.emit('close', exit.code) : channel.emit('close', null, exit.signal, false, '')));
      return true;
    },
  } as unknown as SshClient;
}

describe('runOnChannel', () => {
  it('keeps an exit status emitted before it could listen (taken from close)', async () => {
    const result = await runOnChannel(clientThatExitsAtOnce({ code: 3 }), 'true');
    expect(result).toMatchObject({ exitCode: 3, stdout: 'out\n', timedOut: false, aborted: false });
  });

  it('keeps an exit signal emitted before it could listen', async () => {
    const result = await runOnChannel(clientThatExitsAtOnce({ signal: 'SIGTERM' }), 'true');
    expect(result).toMatchObject({ exitCode: null, exitSignal: 'SIGTERM', stdout: 'out\n' });
  });
});
