"""A hostile reverse proxy for tests: it stands in front of a real server on 127.0.0.1
and answers a share of the requests with a fault a government portal under load
really shows, instead of the page asked for.

Faults (``KINDS``): 500, 503 and 429 with Retry-After, a reset connection, a stall, a
200 maintenance page, a login wall, a wrong charset header, a redirect loop, and three
ways of cutting a body short (a full Content-Length then a close, no Content-Length and
a close, a chunked stream that stops). Which requests fail is drawn from a seeded
generator, and they get the kinds in turn; ``rate`` can be changed between runs (0: a
clean proxy).

The proxy speaks HTTP/1.1 with ``Connection: close`` on every answer, at the socket
level, so that what a client sees of a cut connection is what a real one shows.
"""

from __future__ import annotations

import http.client
import random
import socket
import socketserver
import struct
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sample_portal.faults import LOGIN_PAGE, MAINTENANCE_PAGE

HTTP_500 = "500"
HTTP_503 = "503"
HTTP_429 = "429"
RESET = "reset"
STALL = "stall"
MAINTENANCE = "maintenance"
LOGIN_WALL = "login-wall"
WRONG_CHARSET = "wrong-charset"
REDIRECT_LOOP = "redirect-loop"
CUT_WITH_LENGTH = "cut-with-length"
CUT_BY_CLOSE = "cut-by-close"
CUT_CHUNKED = "cut-chunked"
KINDS = (
    HTTP_500,
    HTTP_503,
    HTTP_429,
    RESET,
    STALL,
    MAINTENANCE,
    LOGIN_WALL,
    WRONG_CHARSET,
    REDIRECT_LOOP,
    CUT_WITH_LENGTH,
    CUT_BY_CLOSE,
    CUT_CHUNKED,
)
LOOP_PARAM = "proxy-loop"


class FaultProxy:
    """The proxy's settings and what it did; ``serve`` runs it."""

    def __init__(
        self,
        upstream: str,
        *,
        rate: float = 0.3,
        seed: int = 15,
        kinds: tuple[str, ...] = KINDS,
        stall: float = 3.0,
    ) -> None:
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.rate = rate
        self.kinds = kinds
        self.stall = stall
        self.faults: Counter[str] = Counter()  # faults served, by kind
        self.requests = 0
        self._drawn = 0  # faults drawn (a redirect loop's further hops are not)
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._stop = threading.Event()

    def draw(self, path: str) -> str | None:
        """The fault for the next request (None: forward it as it is)."""
        with self._lock:
            self.requests += 1
            if LOOP_PARAM in path:  # once in a redirect loop, always in it
                fault: str | None = REDIRECT_LOOP
            elif self._random.random() < self.rate:
                # In turn, so that every kind is served once a dozen faults are.
                fault = self.kinds[self._drawn % len(self.kinds)]
                self._drawn += 1
            else:
                fault = None
            if fault is not None:
                self.faults[fault] += 1
            return fault

    @contextmanager
    def serve(self) -> Iterator[str]:
        """Run the proxy on a free port of 127.0.0.1; yields its base URL."""
        proxy = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                proxy._handle(self.request)

        server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        thread = threading.Thread(target=server.serve_forever, name="fault-proxy")
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            self._stop.set()  # ends the stalls at once
            server.shutdown()
            server.server_close()
            thread.join()

    def _handle(self, conn: socket.socket) -> None:
        head = _read_head(conn)
        if head is None:
            return
        method, path, headers = head
        fault = self.draw(path)
        if fault == RESET:
            # SO_LINGER with a zero timeout: close() sends a RST, not a FIN.
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return
        if fault == STALL:
            self._stop.wait(self.stall)
            return
        if fault in (HTTP_500, HTTP_503, HTTP_429):
            extra = {"Retry-After": "1"} if fault != HTTP_500 else {}
            reason = {HTTP_500: "Internal Server Error", HTTP_503: "Service Unavailable"}
            _answer(conn, int(fault), reason.get(fault, "Too Many Requests"), b"busy", extra)
            return
        if fault == MAINTENANCE:
            _answer(conn, 200, "OK", MAINTENANCE_PAGE, {"Content-Type": "text/html"})
            return
        if fault == LOGIN_WALL:
            _answer(conn, 200, "OK", LOGIN_PAGE, {"Content-Type": "text/html; charset=utf-8"})
            return
        if fault == REDIRECT_LOOP:
            _answer(conn, 302, "Found", b"", {"Location": _looped(path)})
            return
        status, reason, upstream_headers, body = self._forward(method, path, headers)
        kept = {
            k: v
            for k, v in upstream_headers
            if k.lower() not in ("content-length", "transfer-encoding", "connection")
        }
        if fault == WRONG_CHARSET and "text/html" in kept.get("Content-Type", ""):
            kept["Content-Type"] = "text/html; charset=windows-1258"
        half = body[: len(body) // 2]
        if fault == CUT_WITH_LENGTH and body:
            conn.sendall(_head_bytes(status, reason, kept, len(body)) + half)
        elif fault == CUT_BY_CLOSE and body:
            conn.sendall(_head_bytes(status, reason, kept, None) + half)
        elif fault == CUT_CHUNKED and body:
            kept["Transfer-Encoding"] = "chunked"
            chunk = f"{len(half):x}\r\n".encode() + half + b"\r\n"
            conn.sendall(_head_bytes(status, reason, kept, None) + chunk)
        else:
            conn.sendall(_head_bytes(status, reason, kept, len(body)) + body)

    def _forward(
        self, method: str, path: str, headers: dict[str, str]
    ) -> tuple[int, str, list[tuple[str, str]], bytes]:
        upstream = http.client.HTTPConnection(*self.upstream, timeout=30)
        try:
            sent = {k: v for k, v in headers.items() if k.lower() not in ("accept-encoding",)}
            sent["Accept-Encoding"] = "identity"
            upstream.request(method, path, headers=sent)
            response = upstream.getresponse()
            return response.status, response.reason, response.getheaders(), response.read()
        finally:
            upstream.close()


def _read_head(conn: socket.socket) -> tuple[str, str, dict[str, str]] | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk or len(data) > 65536:
            return None
        data += chunk
    lines = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    method, path, _ = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip()] = value.strip()
    return method, path, headers


def _head_bytes(status: int, reason: str, headers: dict[str, str], length: int | None) -> bytes:
    lines = [f"HTTP/1.1 {status} {reason}", *(f"{k}: {v}" for k, v in headers.items())]
    if length is not None:
        lines.append(f"Content-Length: {length}")
    lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _answer(
    conn: socket.socket, status: int, reason: str, body: bytes, headers: dict[str, str]
) -> None:
    conn.sendall(_head_bytes(status, reason, headers, len(body)) + body)


def _looped(path: str) -> str:
    parts = urlsplit(path)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    query[LOOP_PARAM] = str(int(query.get(LOOP_PARAM, "0")) + 1)
    return urlunsplit(("", "", parts.path, urlencode(query), ""))
