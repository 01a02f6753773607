"""The HTTP side of the sample portal: a quiet, keep-alive ``ThreadingHTTPServer``.

``make_server`` binds a server to a portal; ``serve_forever`` and ``main`` run one in the
foreground for the CLI (``bulletin sample-portal``). Nothing is logged per request: the
portal's ``requests`` list records each one instead, and ``SamplePortal.serving`` counts
the requests being answered at once. The handler also puts the faults of ``faults`` on
the wire: connection resets, truncated and trickled bodies, and the like.
"""

from __future__ import annotations

import argparse
import hashlib
import socket
import struct
import sys
import threading
import time
import traceback
from collections.abc import Sequence
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, cast

from sample_portal import faults
from sample_portal.faults import Fault
from sample_portal.model import PortalConfig
from sample_portal.routes import HTML, Response, respond

if TYPE_CHECKING:
    from sample_portal.portal import SamplePortal

LIFERAY_HEADER = "Liferay Portal Community Edition 6.2 CE GA6 (Newton / Build 6205)"
WRITE_CHUNK = 64 * 1024
RESET_STATUS = 0  # what ``portal.requests`` records for a reset connection


class PortalServer(ThreadingHTTPServer):
    """Serves one ``SamplePortal``; tracks open connections so that closing is prompt."""

    daemon_threads = True

    def __init__(self, portal: SamplePortal, host: str, port: int) -> None:
        if ":" in host:
            self.address_family = socket.AF_INET6
        self.portal = portal
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__((host, port), _Handler)

    @property
    def base_url(self) -> str:
        host, port = str(self.server_address[0]), self.server_address[1]
        if host in ("0.0.0.0", ""):
            host = "127.0.0.1"
        elif host == "::":
            host = "::1"
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """End idle keep-alive connections (after ``shutdown()``)."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # the client went away mid-answer
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Apache-Coyote/1.1"
    timeout = 30
    disable_nagle_algorithm = True  # headers and body are separate writes: no 40 ms stall

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:
        return

    @property
    def portal(self) -> SamplePortal:
        return cast(PortalServer, self.server).portal

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def do_POST(self) -> None:
        body = b"Method Not Allowed"
        with self.portal.serving():
            self._send(Response(405, "text/plain;charset=UTF-8", body), send_body=True)

    def _answer(self, send_body: bool) -> None:
        with self.portal.serving():
            fault = self.portal.faults.take(self.path)
            if fault is None:
                self._send(self._normal_response(), send_body)
                return
            if fault.kind != faults.SLOW:
                time.sleep(fault.delay)
            if fault.status is not None:
                headers = (("Retry-After", str(fault.retry_after)),) if fault.retry_after else ()
                body = f"<html><body>Lỗi {fault.status}</body></html>".encode()
                self._send(Response(fault.status, HTML, body, headers), send_body)
            elif fault.kind is not None:
                self._misbehave(fault, send_body)
            else:
                self._send(self._normal_response(), send_body)

    def _normal_response(self) -> Response:
        try:
            return respond(self.portal, self.path, self.headers.get("Host"))
        except Exception:
            traceback.print_exc()
            return Response(500, HTML, b"<html><body>Internal Server Error</body></html>")

    def _misbehave(self, fault: Fault, send_body: bool) -> None:
        """Deliver the answer the way ``fault.kind`` breaks it (no ETag, no 304)."""
        kind = fault.kind
        if kind == faults.RESET:
            self.portal.record(self.command, self.path, RESET_STATUS)
            self._reset()
        elif kind == faults.TRUNCATE:
            response = self._normal_response()
            self._send_head(response)
            if send_body:
                self._write(response.body[: len(response.body) // 2])
            self.close_connection = True
        elif kind == faults.SLOW:
            response = self._normal_response()
            self._send_head(response)
            if send_body:
                self._write(response.body, faults.SLOW_CHUNK, pause=fault.delay)
        elif kind == faults.WRONG_CHARSET:
            response = self._normal_response()
            response = response._replace(content_type=faults.WRONG_CHARSET_TYPE)
            self._send(response, send_body, validators=False)
        elif kind == faults.REDIRECT_LOOP:
            self._redirect(self._origin() + faults.next_loop_target(self.path), send_body)
        elif kind == faults.OFFSITE:
            self._redirect(faults.OFFSITE_ORIGIN + self.path, send_body)
        elif kind == faults.OTHER_PORT:
            base = cast(PortalServer, self.server).base_url
            host, _, port = base.rpartition(":")
            self._redirect(f"{host}:{int(port) + 1}{self.path}", send_body)
        elif kind == faults.HUGE:
            self._send(Response(200, HTML, faults.huge_page()), send_body, validators=False)
        elif kind == faults.GZIP_BOMB:
            gzipped = (("Content-Encoding", "gzip"),)
            response = Response(200, HTML, faults.gzip_bomb(), gzipped)
            self._send(response, send_body, validators=False)
        elif kind == faults.NOT_HTML:
            response = Response(200, "application/pdf", faults.PDF_BODY)
            self._send(response, send_body, validators=False)
        elif kind == faults.EMPTY:
            self._send(Response(200, HTML, b""), send_body, validators=False)
        elif kind == faults.MAINTENANCE:
            self._send(Response(200, HTML, faults.MAINTENANCE_PAGE), send_body, validators=False)
        elif kind == faults.LOGIN_WALL:
            self._send(Response(200, HTML, faults.LOGIN_PAGE), send_body, validators=False)
        elif kind == faults.DEEP:
            response = self._normal_response()
            response = response._replace(body=faults.nested(response.body))
            self._send(response, send_body, validators=False)
        elif kind == faults.INVALID_BYTES:
            response = self._normal_response()
            response = response._replace(body=faults.with_invalid_bytes(response.body))
            self._send(response, send_body, validators=False)
        elif kind in (faults.CUT_BY_CLOSE, faults.CUT_CHUNKED):
            response = self._normal_response()
            half = response.body[: len(response.body) // 2]
            chunked = kind == faults.CUT_CHUNKED
            extra = (("Transfer-Encoding", "chunked"),) if chunked else ()
            self._send_head(response._replace(headers=response.headers + extra), length=False)
            if send_body:
                self._write(f"{len(half):x}\r\n".encode() + half + b"\r\n" if chunked else half)
            self.close_connection = True
        else:  # Fault.__post_init__ lets no other kind through
            raise AssertionError(f"unhandled fault kind {kind!r}")

    def _origin(self) -> str:
        """``http://`` and the Host header, or "" (a relative URL) without one."""
        host = self.headers.get("Host")
        return f"http://{host}" if host else ""

    def _redirect(self, location: str, send_body: bool) -> None:
        body = f'<html><body><a href="{location}">Moved</a></body></html>'.encode()
        self._send(Response(302, HTML, body, (("Location", location),)), send_body)

    def _reset(self) -> None:
        """Abort the connection with a TCP reset, sending nothing.

        SO_LINGER (on, 0 s) makes ``close`` send RST instead of FIN. The request reader
        (a ``makefile`` of the socket) is closed first, or the socket would stay open.
        Afterwards the handler only closes its files; the server's shutdown of the socket
        fails quietly (OSError), as it does for any client that went away.
        """
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.rfile.close()
        self.connection.close()

    def _send(self, response: Response, send_body: bool, validators: bool = True) -> None:
        """Answer ``response``, with an ETag (and a 304 to a matching If-None-Match) for
        a 200 when ``validators``, as Liferay does."""
        etag = None
        if validators and response.status == 200:
            etag = '"' + hashlib.sha1(response.body).hexdigest()[:20] + '"'
            if self.headers.get("If-None-Match") == etag:
                response = Response(304, response.content_type, b"")
        self._send_head(response, etag)
        if send_body and response.status != 304:
            self._write(response.body)

    def _send_head(self, response: Response, etag: str | None = None, length: bool = True) -> None:
        """Record the request, then send the status line and headers of ``response``
        (its Content-Type and, with ``length``, its full Content-Length, unless it is a
        304)."""
        self.portal.record(self.command, self.path, response.status)
        self.send_response(response.status)
        if etag is not None:
            self.send_header("ETag", etag)
        for name, value in response.headers:
            self.send_header(name, value)
        if response.status != 304:
            self.send_header("Content-Type", response.content_type)
            if length:
                self.send_header("Content-Length", str(len(response.body)))
        self.send_header("Liferay-Portal", LIFERAY_HEADER)
        self.end_headers()

    def _write(self, body: bytes, chunk: int = WRITE_CHUNK, pause: float = 0.0) -> None:
        """Write ``body`` in pieces of ``chunk`` bytes, sleeping ``pause`` s before each."""
        view = memoryview(body)
        for start in range(0, len(view), chunk):
            if pause:
                time.sleep(pause)
            self.wfile.write(view[start : start + chunk])


def make_server(portal: SamplePortal, host: str = "127.0.0.1", port: int = 0) -> PortalServer:
    """A bound, not yet serving, server for ``portal``."""
    return PortalServer(portal, host, port)


def serve_forever(
    cfg: PortalConfig | None = None, host: str = "127.0.0.1", port: int = 8000
) -> None:
    """Serve a portal in the foreground until Ctrl-C, after printing its base URL."""
    from sample_portal.portal import SamplePortal

    portal = SamplePortal(cfg)
    server = make_server(portal, host, port)
    revision = f", revision {portal.revision}" if portal.revision != 1 else ""
    print(f"Sample portal on {server.base_url} ({portal.count} articles{revision})", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.close_connections()
        server.server_close()


def build_parser(parser: argparse.ArgumentParser | None = None) -> argparse.ArgumentParser:
    """The options of ``sample-portal``; pass a subparser to add them to a larger CLI."""
    parser = parser or argparse.ArgumentParser(
        prog="sample-portal", description="Serve a synthetic Liferay 6.2 district portal."
    )
    defaults = PortalConfig()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    parser.add_argument("--count", type=int, default=defaults.count, help="articles")
    parser.add_argument("--days", type=int, default=defaults.days, help="span of dates")
    parser.add_argument(
        "--end",
        type=date.fromisoformat,
        default=None,
        help="date of the newest article, YYYY-MM-DD (default: today)",
    )
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--per-page", type=int, default=defaults.per_page)
    parser.add_argument(
        "--revision",
        type=int,
        default=defaults.revision,
        help="1: the articles as generated; 2: one edited and one re-dated since",
    )
    return parser


def config_from_args(args: argparse.Namespace) -> PortalConfig:
    return PortalConfig(
        count=args.count,
        days=args.days,
        end=args.end,
        seed=args.seed,
        per_page=args.per_page,
        revision=args.revision,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m sample_portal --port 8000 --count 60``."""
    args = build_parser().parse_args(argv)
    try:
        config = config_from_args(args)
    except ValueError as error:
        print(f"sample-portal: {error}", file=sys.stderr)
        return 2
    serve_forever(config, args.host, args.port)
    return 0
