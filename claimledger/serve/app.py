"""The web app: ``create_app(db)`` gives a FastAPI application over one ledger.

Pages are rendered on the server (Jinja2, autoescaped); charts are drawn by plotly.js served
from the installed plotly package. Nothing is loaded from another site, so the app works
offline and under a strict Content-Security-Policy (see :mod:`.security`).
"""
from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..errors import ConfigError, ReviewError, StoreError
from . import api, pages
from .pool import LedgerPool
from .security import GuardMiddleware, WritePolicy
from .templating import STATIC, plotly_js, render_template


def create_app(db: str, *, token: str | None = None, allow_writes: bool = True,
               allowed_hosts: Sequence[str] | None = None) -> FastAPI:
    """A web app over the ledger ``db`` (a SQLite path or a ``postgresql://`` URL).

    Args:
        db: The ledger; it is opened once here, so an unusable one fails at once.
        token: When set, reviews need ``Authorization: Bearer <token>``.
        allow_writes: False serves the ledger read-only (reviews answer 403).
        allowed_hosts: When set, requests whose Host header names another host get 400
            (against DNS rebinding; the CLI sets the loopback names for a loopback server).

    Raises:
        StoreError: the ledger cannot be opened.
    """
    pool = LedgerPool(db)
    pool.check()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        pool.close()

    app = FastAPI(title="claimledger", version=__version__, docs_url=None, redoc_url=None,
                  openapi_url="/openapi.json", lifespan=lifespan,
                  description="An auditable ledger of attributed quantitative claims in conflict reporting.")
    app.state.pool = pool
    app.state.write_policy = WritePolicy(allow_writes=allow_writes, token=token or None)
    app.add_middleware(GuardMiddleware, allowed_hosts=allowed_hosts)
    _add_error_handlers(app)

    @app.get("/static/plotly.min.js", include_in_schema=False)
    def plotly_bundle() -> FileResponse:
        return FileResponse(plotly_js(), media_type="text/javascript",
                            headers={"Cache-Control": "public, max-age=86400"})

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    return app


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def error_response(request: Request, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """The error as JSON (``{"detail": ...}``) for the API, as a page for the rest."""
    if wants_json(request):
        return JSONResponse({"detail": message}, status_code=status, headers=headers)
    html = render_template("error.html", request=request, path=request.url.path, status=status, message=message)
    return HTMLResponse(html, status_code=status, headers=headers)


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if exc.status_code != 404 or exc.detail != "Not Found" else \
            f"nothing at {request.url.path}"
        return error_response(request, exc.status_code, str(message), getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        # A value that fails validation, in the query, the path or the body, is 422 with the reason.
        return error_response(request, 422, "; ".join(_describe(e) for e in exc.errors()))

    @app.exception_handler(ConfigError)
    async def bad_value(request: Request, exc: ConfigError) -> Response:
        return error_response(request, 422, str(exc))

    @app.exception_handler(ReviewError)
    async def bad_review(request: Request, exc: ReviewError) -> Response:
        return error_response(request, 422, str(exc))

    @app.exception_handler(StoreError)
    async def store_failed(request: Request, exc: StoreError) -> Response:
        return error_response(request, 503, f"the ledger cannot be used: {exc}")


def _describe(error: dict[str, object]) -> str:
    loc = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path")]  # type: ignore[union-attr]
    where = ".".join(loc) or "body"
    if error.get("type") == "json_invalid":
        return f"malformed JSON: {error.get('msg')}"
    if error.get("type") == "extra_forbidden":
        return f"{where}: unknown field"
    return f"{where}: {error.get('msg')}"
