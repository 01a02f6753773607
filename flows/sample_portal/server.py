"""The HTTP side of the sample portal: a quiet, keep-alive ``ThreadingHTTPServer``.

``make_server`` binds a server to a portal; ``serve_forever`` and ``main`` run one in the
foreground for the CLI (``bulletin sample-portal``). Nothing is logged per request: the
portal's ``requests`` list records each one instead.
"""

from __future__ import annotations

import argparse
import hashlib
import socket
import sys
import threading
import time
import traceback
from collections.abc import Sequence
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, cast

from flows.sample_portal.model import PortalConfig
from flows.sample_portal.routes import HTML, Response, respond

if TYPE_CHECKING:
    from flows.sample_portal.portal import SamplePortal

LIFERAY_HEADER = "Liferay Portal Community Edition 6.2 CE GA6 (Newton / Build 6205)"


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

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def do_POST(self) -> None:
        body = b"Method Not Allowed"
        self._send(Response(405, "text/plain;charset=UTF-8", body), send_body=True)

    def _answer(self, send_body: bool) -> None:
        portal = cast(PortalServer, self.server).portal
        fault = portal.faults.take(self.path)
        if fault is not None:
            time.sleep(fault.delay)
            if fault.status is not None:
                headers = (("Retry-After", str(fault.retry_after)),) if fault.retry_after else ()
                body = f"<html><body>Lỗi {fault.status}</body></html>".encode()
                self._send(Response(fault.status, HTML, body, headers), send_body)
                return
        try:
            response = respond(portal, self.path, self.headers.get("Host"))
        except Exception:
            traceback.print_exc()
            response = Response(500, HTML, b"<html><body>Internal Server Error</body></html>")
        self._send(response, send_body)

    def _send(self, response: Response, send_body: bool) -> None:
        etag = None
        if response.status == 200:  # validators for conditional requests, as Liferay sends
            etag = '"' + hashlib.sha1(response.body).hexdigest()[:20] + '"'
            if self.headers.get("If-None-Match") == etag:
                response = Response(304, response.content_type, b"")
        cast(PortalServer, self.server).portal.record(self.command, self.path, response.status)
        self.send_response(response.status)
        if etag is not None:
            self.send_header("ETag", etag)
        for name, value in response.headers:
            self.send_header(name, value)
        if response.status != 304:
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
        self.send_header("Liferay-Portal", LIFERAY_HEADER)
        self.end_headers()
        if send_body and response.status != 304:
            self.wfile.write(response.body)


def make_server(portal: SamplePortal, host: str = "127.0.0.1", port: int = 0) -> PortalServer:
    """A bound, not yet serving, server for ``portal``."""
    return PortalServer(portal, host, port)


def serve_forever(
    cfg: PortalConfig | None = None, host: str = "127.0.0.1", port: int = 8000
) -> None:
    """Serve a portal in the foreground until Ctrl-C, after printing its base URL."""
    from flows.sample_portal.portal import SamplePortal

    portal = SamplePortal(cfg)
    server = make_server(portal, host, port)
    print(f"Sample portal on {server.base_url} ({portal.count} articles)", flush=True)
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
    return parser


def config_from_args(args: argparse.Namespace) -> PortalConfig:
    return PortalConfig(
        count=args.count, days=args.days, end=args.end, seed=args.seed, per_page=args.per_page
    )


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m flows.sample_portal --port 8000 --count 60``."""
    args = build_parser().parse_args(argv)
    try:
        config = config_from_args(args)
    except ValueError as error:
        print(f"sample-portal: {error}", file=sys.stderr)
        return 2
    serve_forever(config, args.host, args.port)
    return 0
