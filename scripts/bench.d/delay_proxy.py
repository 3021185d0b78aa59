#!/usr/bin/env python3
"""A TCP delay proxy for the bench's latency series: adds a fixed one-way delay to every chunk.

    delay_proxy.py --delay-ms 25 --log FILE [--max-connections N] [--max-buffer BYTES] \\
                   --pair 127.0.9.1:2222=127.0.1.1:22 [--pair ...]

Each --pair is a listener and the address it forwards to; both must be loopback (the bench runs
this inside the fleet's network namespace, so it never reaches anything else). Every chunk read
from either side is written to the other side --delay-ms later, in order: the delay is per chunk,
not per connection, so a side that keeps sending is not slowed by more than the delay, and one
delay each way makes one round trip cost 2 × delay. The kernel completes the TCP handshake itself,
so connect() is not delayed (the same for every client).

Bounded: at most --max-connections at once (more are closed on accept), and at most --max-buffer
bytes waiting per direction (reading from that side stops until the queue drains, so TCP flow
control pushes back on the sender).

Round trips: per connection the proxy remembers the last event among "server data delivered to the
client" and "client data received". Client data arriving when the last event was a delivery of
server data is one turn of the flow (server→client, then client→server): the client had to see
the server's answer before it could go on. The first client data (the SSH banner, sent at once
without waiting) is not a turn; the client's last message after the final server data (channel
close, disconnect) is one. So a tool that waits on N answers in a row shows about N turns, and
extra channel opens, sequential requests or a second exec each add theirs.

Once a connection is over, one JSON line goes to --log: listener, target, acceptedAt (epoch s),
lifetimeMs (accept to the client's EOF, seen on the client's side of the proxy where nothing is
delayed: the client's own view of the connection), roundTrips, bytes and chunks each way, and
with --trace every chunk with its time (to find which exchange a round trip belongs to).
Prints "ready" on stdout once every listener is bound. Stops on SIGTERM or SIGINT.
"""
import argparse
import asyncio
import collections
import ipaddress
import json
import signal
import socket
import sys
import time

READ_SIZE = 65536


def loopback_endpoint(text):
    """'127.0.9.1:2222' -> ('127.0.9.1', 2222); refuses anything that is not loopback."""
    host, _, port = text.rpartition(":")
    if not ipaddress.ip_address(host).is_loopback:
        raise argparse.ArgumentTypeError(f"{text}: not a loopback address")
    return host, int(port)


def parse_pair(text):
    listen, sep, target = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(f"{text}: expected LISTEN=TARGET")
    return loopback_endpoint(listen), loopback_endpoint(target)


class Flow:
    """The state of one proxied connection that both directions update: the turn count, totals and,
    with --trace, every chunk: [ms since accept, "up" (from the client) / "srv" (from the server) /
    "down" (delivered to the client), bytes, 1 if it is a turn]."""

    def __init__(self, listen, target, trace):
        self.listen, self.target = listen, target
        self.accepted = time.time()
        self.started = time.monotonic()
        self.client_eof = None
        self.last = None  # "delivered" (server data reached the client) or "client" (client data arrived)
        self.turns = 0
        self.bytes = {"up": 0, "down": 0}
        self.chunks = {"up": 0, "down": 0}
        self.events = [] if trace else None

    def note(self, kind, size, turn=False):
        if self.events is not None:
            self.events.append([round((time.monotonic() - self.started) * 1000, 1), kind, size, int(turn)])

    def client_data(self, size):
        turn = self.last == "delivered"
        self.turns += turn
        self.last = "client"
        self.bytes["up"] += size
        self.chunks["up"] += 1
        self.note("up", size, turn)

    def server_data(self, size):
        self.note("srv", size)

    def delivered_to_client(self, size):
        self.last = "delivered"
        self.bytes["down"] += size
        self.chunks["down"] += 1
        self.note("down", size)

    def record(self):
        end = self.client_eof if self.client_eof is not None else time.monotonic()
        return {"listen": "%s:%d" % self.listen, "target": "%s:%d" % self.target, "acceptedAt": round(self.accepted, 3),
                "lifetimeMs": round((end - self.started) * 1000, 1), "roundTrips": self.turns,
                "bytesUp": self.bytes["up"], "bytesDown": self.bytes["down"],
                "chunksUp": self.chunks["up"], "chunksDown": self.chunks["down"],
                **({"trace": self.events} if self.events is not None else {})}


class DelayedPipe:
    """One direction of a connection: chunks read now, written `delay` seconds later, in order."""

    def __init__(self, reader, writer, delay, max_buffer, on_read, on_written, on_broken):
        self.reader, self.writer = reader, writer
        self.delay, self.max_buffer = delay, max_buffer
        self.on_read, self.on_written, self.on_broken = on_read, on_written, on_broken
        self.queue = collections.deque()  # (due, chunk); chunk None = EOF
        self.buffered = 0
        self.has_data = asyncio.Event()
        self.has_room = asyncio.Event()

    async def read_side(self):
        try:
            while True:
                # Bound: stop reading while the queue is full; TCP flow control holds the sender.
                while self.buffered >= self.max_buffer:
                    self.has_room.clear()
                    await self.has_room.wait()
                chunk = await self.reader.read(READ_SIZE)
                if not chunk:
                    break
                self.on_read(len(chunk))
                self.put(chunk)
        except (ConnectionError, OSError):
            pass
        finally:
            self.put(None)

    def put(self, chunk):
        self.queue.append((asyncio.get_running_loop().time() + self.delay, chunk))
        self.buffered += len(chunk) if chunk else 0
        self.has_data.set()

    async def write_side(self):
        loop = asyncio.get_running_loop()
        try:
            while True:
                while not self.queue:
                    self.has_data.clear()
                    await self.has_data.wait()
                due, chunk = self.queue[0]
                if due > loop.time():
                    await asyncio.sleep(due - loop.time())
                self.queue.popleft()
                if chunk is None:
                    if self.writer.can_write_eof():
                        self.writer.write_eof()
                    return
                self.writer.write(chunk)
                await self.writer.drain()
                self.buffered -= len(chunk)
                self.has_room.set()
                self.on_written(len(chunk))
        except (ConnectionError, OSError):
            # The receiving side is gone: end the connection, so both read sides see EOF.
            self.buffered = 0
            self.has_room.set()
            self.on_broken()


class Proxy:
    def __init__(self, delay, max_connections, max_buffer, log, trace):
        self.delay, self.max_connections, self.max_buffer = delay, max_connections, max_buffer
        self.log, self.trace = log, trace
        self.active = 0

    def handler(self, listen, target):
        async def handle(client_reader, client_writer):
            if self.active >= self.max_connections:
                client_writer.close()
                print(f"delay_proxy: {self.active} connections open, refused one on {listen}", file=sys.stderr, flush=True)
                return
            self.active += 1
            try:
                await self.relay(listen, target, client_reader, client_writer)
            finally:
                self.active -= 1
        return handle

    async def relay(self, listen, target, client_reader, client_writer):
        flow = Flow(listen, target, self.trace)
        try:
            server_reader, server_writer = await asyncio.open_connection(*target)
        except OSError as e:
            print(f"delay_proxy: cannot reach {target}: {e}", file=sys.stderr, flush=True)
            client_writer.close()
            return
        for w in (client_writer, server_writer):
            w.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def broken():
            for w in (client_writer, server_writer):
                w.close()

        up = DelayedPipe(client_reader, server_writer, self.delay, self.max_buffer, flow.client_data, lambda _size: None, broken)
        down = DelayedPipe(server_reader, client_writer, self.delay, self.max_buffer, flow.server_data, flow.delivered_to_client, broken)

        async def up_reader():
            await up.read_side()
            flow.client_eof = time.monotonic()

        tasks = [asyncio.create_task(t) for t in (up_reader(), up.write_side(), down.read_side(), down.write_side())]
        try:
            await asyncio.gather(*tasks)
        finally:
            for t in tasks:
                t.cancel()
            for w in (client_writer, server_writer):
                w.close()
            self.write_record(flow.record())

    def write_record(self, record):
        self.log.write(json.dumps(record) + "\n")
        self.log.flush()


async def serve(args):
    delay = args.delay_ms / 1000.0
    with open(args.log, "a") as log:
        proxy = Proxy(delay, args.max_connections, args.max_buffer, log, args.trace)
        servers = [await asyncio.start_server(proxy.handler(listen, target), *listen, reuse_address=True)
                   for listen, target in args.pair]
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        print("ready", flush=True)
        await stop.wait()
        for server in servers:
            server.close()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--delay-ms", type=float, default=25.0, help="one-way delay per chunk (default 25)")
    p.add_argument("--pair", type=parse_pair, action="append", required=True, help="LISTEN=TARGET, both loopback host:port")
    p.add_argument("--log", required=True, help="append one JSON line per finished connection here")
    p.add_argument("--max-connections", type=int, default=256)
    p.add_argument("--trace", action="store_true", help="every chunk in the connection's log line (\"trace\", see Flow)")
    p.add_argument("--max-buffer", type=int, default=1 << 20, help="bytes queued per direction before reading stops (default 1 MiB)")
    asyncio.run(serve(p.parse_args()))


if __name__ == "__main__":
    main()
