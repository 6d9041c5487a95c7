"""One HTTP GET of a feed with the standard library: conditional, gzip, redirects, limits.

http.client rather than a third-party client: every limit a hostile server tests (redirect
count and schemes, a total deadline against trickling, a size cap before decompression and
after) is a few lines here, and newsreader needs no more of HTTP than this.
"""

from __future__ import annotations

import email.utils
import http.client
import socket
import ssl
import threading
import time
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

from newsreader import __version__

MAX_FEED_BYTES = 10 * 1024 * 1024
"""The largest feed read (after decompression); the rest is cut off and the fetch fails."""
TIMEOUT = 15.0
"""Seconds to wait for a connection or for any bytes at all."""
DEADLINE = 60.0
"""Seconds a response body may take to arrive: a server trickling bytes is cut off."""
MAX_REDIRECTS = 5
USER_AGENT = f"newsreader/{__version__} (+https://example.invalid/newsreader; feed reader)"
_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.5, */*;q=0.1"
)


@dataclass(frozen=True)
class Response:
    """What a fetch got: the body (None when unchanged), validators, and where it ended."""

    url: str  # where the body came from, after redirects
    status: int
    body: bytes | None
    etag: str | None = None
    last_modified: str | None = None
    content_type: str = ""
    moved_to: str | None = None  # set when every redirect on the way was permanent


_Key = tuple[str, str, int | None]  # scheme, host, port
IDLE_CONNECTIONS = 32
"""Open connections kept for reuse, at most (the oldest idle one is closed past this)."""


class Connections:
    """Connections kept open between requests to the same host (HTTP keep-alive).

    Each request still holds its host's place in the per-host limit: reuse saves the
    connection's set-up (a TCP handshake, and TLS on https), not anyone's turn.
    """

    def __init__(self, most: int = IDLE_CONNECTIONS) -> None:
        self.most = most
        self._lock = threading.Lock()
        self._idle: OrderedDict[int, tuple[_Key, http.client.HTTPConnection]] = OrderedDict()

    def take(self, key: _Key) -> http.client.HTTPConnection | None:
        """An idle connection to `key`'s host, if one is kept."""
        with self._lock:
            for number, (held, connection) in self._idle.items():
                if held == key:
                    del self._idle[number]
                    return connection
        return None

    def keep(self, key: _Key, connection: http.client.HTTPConnection) -> None:
        """Keep `connection` (its last response read whole) for the next request there."""
        with self._lock:
            self._idle[id(connection)] = (key, connection)
            while len(self._idle) > self.most:
                _, (_, oldest) = self._idle.popitem(last=False)
                oldest.close()

    def close(self) -> None:
        """Close every connection kept."""
        with self._lock:
            for _, connection in self._idle.values():
                connection.close()
            self._idle.clear()


class FetchFailed(Exception):
    """A fetch failed; `reason` says why in a few words, `retry_after` when the server asked."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


def check_url(url: str) -> str:
    """`url` if it is an http(s) URL with a host; FetchFailed otherwise."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchFailed(f"not an HTTP URL ({parts.scheme or 'no'} scheme refused)")
    if not parts.hostname:
        raise FetchFailed("URL without a host")
    return url


def get(
    url: str,
    etag: str | None = None,
    last_modified: str | None = None,
    max_bytes: int = MAX_FEED_BYTES,
    timeout: float = TIMEOUT,
    deadline: float = DEADLINE,
    connections: Connections | None = None,
) -> Response:
    """GET `url`, following redirects; raise FetchFailed with a reason on any failure.

    With `connections`, a connection left open by an earlier request to the host is used."""
    permanent = True
    current = check_url(url)
    seen: set[str] = set()
    for _hop in range(MAX_REDIRECTS + 1):
        if current in seen:
            raise FetchFailed(f"redirect loop at {current}")
        seen.add(current)
        status, headers, body = _request(
            current, etag, last_modified, max_bytes, timeout, deadline, connections
        )
        if status in (301, 302, 303, 307, 308):
            location = headers.get("location")
            if not location:
                raise FetchFailed(f"HTTP {status} redirect without a Location")
            target = urljoin(current, location.strip())
            try:
                check_url(target)
            except FetchFailed:
                raise FetchFailed(
                    f"redirect to a non-HTTP URL refused ({urlsplit(target).scheme}:)"
                ) from None
            permanent = permanent and status in (301, 308)
            current = target
            continue
        moved = current if permanent and current != url else None
        if status == 304:
            return Response(current, 304, None, etag, last_modified, moved_to=moved)
        if status in (429, 503):
            wait = retry_after(headers.get("retry-after"))
            raise FetchFailed(f"HTTP {status} {_phrase(status)}", wait)
        if status != 200:
            raise FetchFailed(f"HTTP {status} {_phrase(status)}")
        return Response(
            current,
            200,
            body,
            headers.get("etag"),
            headers.get("last-modified"),
            headers.get("content-type", ""),
            moved,
        )
    raise FetchFailed(f"more than {MAX_REDIRECTS} redirects")


def _request(
    url: str,
    etag: str | None,
    last_modified: str | None,
    max_bytes: int,
    timeout: float,
    deadline: float,
    connections: Connections | None = None,
) -> tuple[int, dict[str, str], bytes]:
    """One request: status, headers (lower-case names) and the body, decompressed."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    key: _Key = (parts.scheme.lower(), host, parts.port)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = {"User-Agent": USER_AGENT, "Accept": _ACCEPT, "Accept-Encoding": "gzip"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    kept = connections.take(key) if connections is not None else None
    connection = kept or _connect(key, timeout)
    reusable = False
    try:
        if kept is not None:
            try:
                kept.timeout = timeout
                if kept.sock is not None:
                    kept.sock.settimeout(timeout)
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
            except (http.client.RemoteDisconnected, ConnectionError, http.client.BadStatusLine):
                # The server closed the kept connection meanwhile: once more, on a new one.
                kept.close()
                connection = _connect(key, timeout)
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
        else:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
        found = {name.lower(): value for name, value in response.getheaders()}
        body = b""
        if response.status == 200:
            body = _read_body(response, found, max_bytes, deadline)
        elif response.status == 304:
            response.read()  # nothing, but the connection is then ready for the next request
        # Only after a response read whole: anything else left on the line would be taken
        # for the next response.
        whole = response.isclosed() or response.length == 0
        reusable = response.status in (200, 304) and whole and not response.will_close
        response.close()  # as http.client does itself at a body's end; the socket stays open
        return response.status, found, body
    except FetchFailed:
        raise
    except TimeoutError:
        raise FetchFailed(f"timed out (no answer within {timeout:g} s)") from None
    except socket.gaierror:
        raise FetchFailed(f"host not found ({host})") from None
    except ssl.SSLError as error:
        raise FetchFailed(f"TLS error ({error.reason or error})") from None
    except ConnectionRefusedError:
        raise FetchFailed("connection refused") from None
    except (OSError, http.client.HTTPException) as error:
        raise FetchFailed(f"connection failed ({type(error).__name__}: {error})"[:200]) from None
    finally:
        if reusable and connections is not None:
            connections.keep(key, connection)
        else:
            connection.close()


def _connect(key: _Key, timeout: float) -> http.client.HTTPConnection:
    """A new connection (not yet open) to `key`'s host."""
    scheme, host, port = key
    if scheme == "https":
        return http.client.HTTPSConnection(
            host, port, timeout=timeout, context=ssl.create_default_context()
        )
    return http.client.HTTPConnection(host, port, timeout=timeout)


def _read_body(
    response: http.client.HTTPResponse, headers: dict[str, str], max_bytes: int, deadline: float
) -> bytes:
    """Read the body in pieces, against the deadline and the size cap (decompressed too)."""
    give_up_at = time.monotonic() + deadline
    gzipped = headers.get("content-encoding", "").strip().lower() in ("gzip", "x-gzip")
    inflate = zlib.decompressobj(wbits=47) if gzipped else None
    chunks: list[bytes] = []
    size = 0
    limit = f"cut off: larger than {max_bytes / (1024 * 1024):g} MB, the limit for a feed"
    while True:
        if time.monotonic() > give_up_at:
            raise FetchFailed(f"too slow: body not read within {deadline:g} s, cut off")
        piece = response.read1(65536)
        if not piece:
            break
        if inflate is not None:
            try:
                piece = inflate.decompress(piece, max_bytes + 1 - size)
            except zlib.error as error:
                raise FetchFailed(f"damaged gzip body ({error})") from None
            if inflate.unconsumed_tail:
                raise FetchFailed(limit)
        size += len(piece)
        if size > max_bytes:
            raise FetchFailed(limit)
        chunks.append(piece)
    return b"".join(chunks)


def retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date), if it has one."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(min(int(value), 7 * 86400))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, min((when - datetime.now(UTC)).total_seconds(), 7 * 86400))


def _phrase(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return ""
