"""What keeps the web app safe with untrusted report text and a writable ledger.

* Every response carries a strict Content-Security-Policy (scripts and styles from this
  server only, no inline script), ``nosniff`` and ``no-referrer``.
* Request bodies are capped (:data:`MAX_BODY`), whether or not they declare their length.
* An optional Host allow-list stops DNS rebinding: a page on another domain that resolves
  to 127.0.0.1 still sends its own name as Host.
* Writes (review POSTs) need: writes enabled, no cross-site ``Origin``/``Sec-Fetch-Site``,
  a JSON body (a plain HTML form elsewhere cannot send one without a CORS preflight, which
  this server never answers), and the bearer token when one is configured.
"""
from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from fastapi import HTTPException, Request
from starlette.responses import JSONResponse

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Largest request body accepted (bytes).
MAX_BODY = 64 * 1024
#: Scripts come from this server only, never inline. plotly.js inserts its own stylesheet
#: (<style> elements) when it draws, and charts fall apart without it, hence 'unsafe-inline'
#: for styles only: a style cannot run code, and report text is escaped everywhere anyway.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
HEADERS = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
#: Host names a loopback server answers to.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True, slots=True)
class WritePolicy:
    """Who may write reviews: ``allow_writes`` and, when set, the bearer ``token``."""

    allow_writes: bool = True
    token: str | None = None


def is_loopback(host: str) -> bool:
    """Whether a bind address only accepts connections from this machine."""
    return host in LOOPBACK_HOSTS or host.startswith("127.")


class GuardMiddleware:
    """Adds the security headers, caps request bodies and checks the Host header (pure ASGI)."""

    def __init__(self, app: ASGIApp, *, max_body: int = MAX_BODY,
                 allowed_hosts: Sequence[str] | None = None) -> None:
        self.app = app
        self.max_body = max_body
        self.allowed_hosts = {h.lower() for h in allowed_hosts} if allowed_hosts else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = _with_headers(send)
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        problem = self._refusal(headers)
        if problem is not None:
            status, message = problem
            await JSONResponse({"detail": message}, status_code=status)(scope, receive, send)
            return
        await self.app(scope, _capped(receive, self.max_body), send)

    def _refusal(self, headers: dict[str, str]) -> tuple[int, str] | None:
        if self.allowed_hosts is not None and host_name(headers.get("host", "")) not in self.allowed_hosts:
            return 400, (f"unknown Host {headers.get('host', '')!r}: this server answers only to "
                         f"{', '.join(sorted(self.allowed_hosts))}")
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            return 413, f"request body too large: at most {self.max_body:,} bytes"
        return None


def host_name(host: str) -> str:
    """The name part of a Host header: ``[::1]:8000`` -> ``::1``, ``localhost:80`` -> ``localhost``."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _with_headers(send: Send) -> Send:
    async def sender(message: Message) -> None:
        if message["type"] == "http.response.start":
            present = {k.lower() for k, _ in message.get("headers", [])}
            message["headers"] = [*message.get("headers", []), *[(k, v) for k, v in HEADERS if k not in present]]
        await send(message)
    return sender


def _capped(receive: Receive, limit: int) -> Receive:
    """A receive that refuses a body growing past ``limit`` (chunked bodies declare no length)."""
    seen = 0

    async def receiver() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise HTTPException(413, f"request body too large: at most {limit:,} bytes")
        return message
    return receiver


def check_write(request: Request, policy: WritePolicy) -> None:
    """Refuse a write that this server must not accept (raises HTTPException 403/401/415)."""
    if not policy.allow_writes:
        raise HTTPException(403, "this server is read-only (started without writes: see docs/web.md)")
    if is_cross_site(request):
        raise HTTPException(403, "cross-origin write refused: reviews can only be posted from this server's pages")
    if policy.token is not None and not _bearer_matches(request, policy.token):
        raise HTTPException(401, "this server needs 'Authorization: Bearer <token>' to write",
                            headers={"WWW-Authenticate": "Bearer"})
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/json":
        raise HTTPException(415, f"send the review as application/json, not {kind or 'no content type'}")


def is_cross_site(request: Request) -> bool:
    """Whether the browser says the request comes from another site's page."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site.lower() not in ("same-origin", "none"):
        return True
    origin = request.headers.get("origin")
    if origin is None:
        return False  # not sent by a browser's cross-origin request: curl, scripts, same-origin GETs
    netloc = urlsplit(origin.strip()).netloc.lower()
    return origin.strip().lower() == "null" or netloc != request.headers.get("host", "").strip().lower()


def _bearer_matches(request: Request, token: str) -> bool:
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())
