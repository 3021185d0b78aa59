// TCP listeners that break SSH connections on purpose, for test/integration/load.test.ts. Run INSIDE
// the lab fleet's network namespace (`ip netns exec <ns> node faulty-listener.mjs BASE`), where they
// answer on every 127.x.y.z; nothing listens outside it. Plain JS: node runs it without tsx.
//
//   BASE+0  reset:     accepts, then resets at once (RST: SO_LINGER 0 + close)
//   BASE+1  handshake: sends a valid SSH banner, waits for the client's first bytes, then resets
//   BASE+2  garbage:   sends a non-SSH banner (an HTTP error), then closes
//   BASE+3  silent:    accepts and never says a word (no banner): the client's connect timeout must end it
//
// Prints `ready BASE` once all four listen; exits 0 on SIGTERM/SIGINT. Each connection is counted
// and the counts printed on exit (`served {"reset":…}`), so the test can see the faults were hit.
import { createServer } from 'node:net';

const base = Number(process.argv[2] ?? 2201);
const served = { reset: 0, handshake: 0, garbage: 0, silent: 0 };

const behaviours = {
  reset(socket) {
    socket.resetAndDestroy();
  },
  handshake(socket) {
    socket.write('SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n');
    socket.once('data', () => setImmediate(() => socket.resetAndDestroy()));
  },
  garbage(socket) {
    socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
  },
  silent() {
    // Reads and drops what the client sends; closed by the client, or by the idle timeout below.
  },
};

const servers = Object.entries(behaviours).map(([name, behave], i) => {
  const server = createServer((socket) => {
    served[name] += 1;
    socket.on('error', () => undefined);
    socket.setTimeout(120_000, () => socket.destroy());
    socket.resume();
    behave(socket);
  });
  server.on('error', (error) => {
    process.stderr.write(`faulty-listener: ${name} on port ${base + i}: ${error.message}\n`);
    process.exit(1);
  });
  return new Promise((resolve) => server.listen({ host: '0.0.0.0', port: base + i, backlog: 1024 }, () => resolve(server)));
});

const listening = await Promise.all(servers);
process.stdout.write(`ready ${base}\n`);

const stop = () => {
  process.stdout.write(`served ${JSON.stringify(served)}\n`);
  for (const server of listening) server.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
