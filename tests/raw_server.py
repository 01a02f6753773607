"""A raw HTTP server on 127.0.0.1 for tests that need the wire itself: a handler gives,
per request path, the exact bytes to write (and pauses), so a test can cut a body
short, end a chunked stream early, trickle, or serve a gigabyte lazily.

One thread serves the connections one after another; each answers one request and is
closed. Leaving the ``serve`` block stops the thread and closes every socket.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

Answer = Iterable[bytes | float]  # bytes to write, or seconds to pause
Handler = Callable[[str], Answer]  # the request path -> the answer


@dataclass
class Served:
    """What the server saw: each request's path, and the bytes written for each."""

    base_url: str
    paths: list[str] = field(default_factory=list)
    sent: list[int] = field(default_factory=list)


def head(status: str = "200 OK", *headers: str) -> bytes:
    """A status line and headers, ``Connection: close`` among them, and the blank line."""
    lines = [f"HTTP/1.1 {status}", *headers, "Connection: close", "", ""]
    return "\r\n".join(lines).encode()


@contextmanager
def serve(handler: Handler) -> Iterator[Served]:
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.05)
    stop = threading.Event()
    served = Served(f"http://127.0.0.1:{listener.getsockname()[1]}")

    def answer(conn: socket.socket) -> None:
        request = b""
        while b"\r\n\r\n" not in request:
            data = conn.recv(65536)
            if not data:
                return
            request += data
        path = request.split(b" ", 2)[1].decode()
        served.paths.append(path)
        served.sent.append(0)
        for item in handler(path):
            if stop.is_set():
                return
            if isinstance(item, bytes):
                conn.sendall(item)
                served.sent[-1] += len(item)
            else:
                stop.wait(item)

    def run() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(5)
                try:
                    answer(conn)
                except OSError:  # the client went away (a reset, a broken pipe)
                    pass

    thread = threading.Thread(target=run, name="raw-server")
    thread.start()
    try:
        yield served
    finally:
        stop.set()
        thread.join(timeout=10)
        listener.close()
        assert not thread.is_alive(), "the raw server thread did not stop"
