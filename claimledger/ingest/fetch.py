"""Fetch one URL with httpx: redirects followed, a timeout, a byte limit while streaming.

Every failure (network, HTTP 4xx/5xx, timeout, a body over the limit, a content type
that is not text) becomes an ``IngestError`` naming the URL. The ``httpx.Client`` is
injectable so tests can use a local server or ``httpx.MockTransport``.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING

from ..errors import DropDocument, IngestError
from .limits import limit_text

if TYPE_CHECKING:  # httpx is imported on first use: most runs fetch nothing
    import httpx

#: Seconds to wait to connect and for each read.
DEFAULT_TIMEOUT = 20.0
_TEXT_TYPES = frozenset({
    "application/xhtml+xml", "application/xml", "application/rss+xml",
    "application/atom+xml", "application/rdf+xml", "application/feed+json",
    "application/json",
})


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("claimledger")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "0"


#: Sent with every request, so site owners can tell who is reading.
USER_AGENT = f"claimledger/{_version()} (+https://github.com/claimledger)"


def is_url(value: str) -> bool:
    """Whether an input names an ``http(s)://`` URL rather than a path."""
    return value[:8].lower().startswith(("http://", "https://"))


@dataclass(frozen=True, slots=True, kw_only=True)
class Fetched:
    """A fetched body: ``url`` is where it came from after redirects."""

    url: str
    content_type: str
    charset: str | None
    body: bytes


def is_text_type(content_type: str) -> bool:
    """Whether a media type (no parameters) is one ingest reads; "" (unknown) is."""
    return (not content_type or content_type.startswith("text/")
            or content_type in _TEXT_TYPES or content_type.endswith(("+xml", "+json")))


def _too_big(url: str, max_bytes: int) -> DropDocument:
    return DropDocument(url, f"response is over the {limit_text(max_bytes)} limit (--max-bytes)")


class Fetcher:
    """Fetches URLs for ingest; use as a context manager or call ``close``.

    Args:
        client: An ``httpx.Client`` to use (not closed here); a new one by default.
        timeout: Seconds to wait to connect and for each read.
    """

    def __init__(self, client: httpx.Client | None = None, *,
                 timeout: float = DEFAULT_TIMEOUT) -> None:
        import httpx

        self._own = client is None
        self.client = client if client is not None else httpx.Client()
        self.timeout = timeout

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Close the client when this fetcher made it."""
        if self._own:
            self.client.close()

    def _headers(self) -> dict[str, str]:
        # A caller's client with its own User-Agent keeps it; httpx's default is replaced.
        given = self.client.headers.get("user-agent", "")
        return {} if given and not given.startswith("python-httpx") else {"User-Agent": USER_AGENT}

    def fetch(self, url: str, *, max_bytes: int) -> Fetched:
        """Fetch ``url``, reading at most ``max_bytes`` of its body.

        Raises:
            IngestError: The request failed, timed out, got an HTTP error status or a
                content type that is not text.
            DropDocument: The body is over ``max_bytes``.
        """
        with _request_errors(url, self.timeout), \
                self.client.stream("GET", url, headers=self._headers(), follow_redirects=True,
                                   timeout=self.timeout) as response:
            return self._read(url, response, max_bytes)

    def _read(self, url: str, response: httpx.Response, max_bytes: int) -> Fetched:
        if response.status_code >= 400:
            raise IngestError(url, f"HTTP {response.status_code} {response.reason_phrase}".strip())
        content_type = response.headers.get("content-type", "")
        media = content_type.split(";")[0].strip().lower()
        if not is_text_type(media):
            raise IngestError(url, f"content type {media} is not text "
                                   "(expected HTML, plain text or a feed)")
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise _too_big(url, max_bytes)
        body = bytearray()
        for chunk in response.iter_bytes():
            body.extend(chunk)
            if len(body) > max_bytes:  # a server may omit or understate Content-Length
                raise _too_big(url, max_bytes)
        return Fetched(url=str(response.url), content_type=media,
                       charset=response.charset_encoding, body=bytes(body))


# -- conditional requests (``claimledger watch``) -----------------------------------------------
@dataclass(frozen=True, slots=True)
class Validators:
    """What a server said identifies its last response (``ETag``, ``Last-Modified``), sent back to
    ask for the body only when it changed."""

    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        """The ``If-None-Match`` / ``If-Modified-Since`` headers these validators give."""
        out = {}
        if self.etag:
            out["If-None-Match"] = self.etag
        if self.last_modified:
            out["If-Modified-Since"] = self.last_modified
        return out


@contextmanager
def _request_errors(url: str, timeout: float) -> Iterator[None]:
    """httpx's failures as ``IngestError`` naming the URL (every fetch here words them so)."""
    import httpx

    try:
        yield
    except httpx.TimeoutException as exc:
        raise IngestError(url, f"timed out after {timeout:g} s") from exc
    except httpx.TooManyRedirects as exc:
        raise IngestError(url, "too many redirects") from exc
    except httpx.ConnectError as exc:
        raise IngestError(url, f"could not connect ({exc})") from exc
    except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
        raise IngestError(url, f"not a valid URL ({exc})") from exc
    except httpx.HTTPError as exc:
        raise IngestError(url, f"request failed ({type(exc).__name__}: {exc})") from exc


class ConditionalFetcher(Fetcher):
    """A :class:`Fetcher` that can ask for a URL only if it changed since the validators given."""

    def fetch_if_changed(self, url: str, validators: Validators, *,
                         max_bytes: int) -> tuple[Fetched | None, Validators]:
        """Fetch ``url`` unless the server answers 304 Not Modified to ``validators``.

        Returns:
            The body (None on 304) and the validators to send next time: the response's, or
            the ones given when it names none.

        Raises:
            IngestError, DropDocument: as :meth:`Fetcher.fetch`.
        """
        headers = {**self._headers(), **validators.headers()}
        with _request_errors(url, self.timeout), self.client.stream(
                "GET", url, headers=headers, follow_redirects=True, timeout=self.timeout) as response:
            fresh = Validators(etag=response.headers.get("etag") or validators.etag,
                               last_modified=response.headers.get("last-modified") or validators.last_modified)
            if response.status_code == 304:
                return None, fresh
            return self._read(url, response, max_bytes), fresh
