"""A local HTTP server of feeds on 127.0.0.1 (port chosen by the system), for tests and benchmarks.

Feeds are served with ETag and Last-Modified, answer conditional GETs with 304, and gzip
when asked; any path may instead be given a handler of its own (a hostile server's tricks).
"""

from __future__ import annotations

import gzip
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

Handler = Callable[[BaseHTTPRequestHandler], None]


class FeedServer:
    """Serve `documents` (path → bytes) and `handlers` (path → function) until closed."""

    def __init__(self) -> None:
        self.documents: dict[str, tuple[bytes, str]] = {}
        self.handlers: dict[str, Handler] = {}
        self.requests = 0
        self.connections = 0  # connections accepted: fewer than requests when kept open
        self.not_modified = 0
        self._lock = threading.Lock()
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                with server._lock:
                    server.connections += 1

            def do_GET(self) -> None:
                with server._lock:
                    server.requests += 1
                path = self.path.split("?")[0]
                if path in server.handlers:
                    server.handlers[path](self)
                elif path in server.documents:
                    server._serve(self, path)
                else:
                    self.send_error(404)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.request_queue_size = 256
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        """The server's root URL, e.g. http://127.0.0.1:43121."""
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, path: str) -> str:
        """The full URL of `path`."""
        return self.base + path

    def put(self, path: str, body: bytes, content_type: str = "application/rss+xml") -> str:
        """Serve `body` at `path` (a new version gets a new ETag); return its URL."""
        self.documents[path] = (body, content_type)
        return self.url(path)

    def _serve(self, handler: BaseHTTPRequestHandler, path: str) -> None:
        body, content_type = self.documents[path]
        etag = f'"{hash(body) & 0xFFFFFFFF:x}"'
        modified = "Mon, 30 Nov 2026 10:00:00 GMT"
        if handler.headers.get("If-None-Match") == etag:
            with self._lock:
                self.not_modified += 1
            handler.send_response(304)
            handler.send_header("ETag", etag)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        if "gzip" in handler.headers.get("Accept-Encoding", ""):
            body = gzip.compress(body, compresslevel=1)
            handler.send_response(200)
            handler.send_header("Content-Encoding", "gzip")
        else:
            handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        handler.send_header("ETag", etag)
        handler.send_header("Last-Modified", modified)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def __enter__(self) -> FeedServer:
        self.thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def rss(title: str, items: list[tuple[str, str, str]], link: str = "http://example.com/") -> bytes:
    """An RSS 2.0 document of (guid, title, HTML body) items, for tests and benchmarks."""
    from xml.sax.saxutils import escape

    entries = "".join(
        f"<item><guid>{escape(guid)}</guid><title>{escape(head)}</title>"
        f"<link>{escape(link)}{escape(guid)}</link>"
        f"<pubDate>Mon, 30 Nov 2026 09:00:00 GMT</pubDate>"
        f"<description>{escape(body)}</description></item>"
        for guid, head, body in items
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>{escape(link)}</link>{entries}</channel></rss>"
    ).encode()
